/// A dense, row-major Float32 tensor of rank 1 or 2 that owns its memory.
///
/// Rank 2 is a matrix `[rows, cols]`; rank 1 is a vector `[cols]`, treated by the kernels as a
/// `1 × cols` matrix. Storage is 64-byte aligned and zero-initialised. A tensor is a reference
/// type on purpose: parameters, gradients, optimiser moments and workspace buffers are long-lived
/// and shared by name, and hot loops must never trigger a copy-on-write.
///
/// A tensor can be re-shaped in place to any shape that fits its capacity (``reshape(_:_:)``);
/// the ``Workspace`` uses that to recycle buffers without allocating.
///
/// Storage is on the host, or on a ``ComputeDevice`` (a GPU) when the tensor was made inside
/// ``Devices/using(_:_:)`` or with `on:`; then `data` is a device address that only the kernels
/// and copies use.
public final class Tensor: @unchecked Sendable {
    /// Start of the storage; valid for `capacity` elements (a device address when ``device`` is set).
    public let data: UnsafeMutablePointer<Float>
    /// Where the storage lives: nil for the host.
    public let device: ComputeDevice?
    /// `device != nil`, as a plain flag: the kernels' host path tests it without touching the
    /// reference.
    public let onDevice: Bool
    /// Number of elements the storage holds.
    public let capacity: Int
    /// Rows of the matrix view (1 for a vector).
    public private(set) var rows: Int
    /// Columns of the matrix view (the length of a vector).
    public private(set) var cols: Int
    /// 1 for a vector, 2 for a matrix.
    public private(set) var rank: Int

    /// Number of elements in the current shape.
    @inlinable public var count: Int { rows * cols }

    /// The shape as a list, `[cols]` for a vector and `[rows, cols]` for a matrix.
    public var shape: [Int] { rank == 1 ? [cols] : [rows, cols] }

    /// A zero-filled matrix `[rows, cols]` on the thread's current device (the host outside
    /// ``Devices/using(_:_:)``).
    public convenience init(rows: Int, cols: Int) {
        self.init(rows: rows, cols: cols, on: Devices.current)
    }

    /// A zero-filled matrix `[rows, cols]` on `device` (nil: the host).
    public init(rows: Int, cols: Int, on device: ComputeDevice?) {
        precondition(rows >= 0 && cols >= 0, "Tensor: negative dimension \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.rank = 2
        self.capacity = max(rows * cols, 1)
        self.device = device
        self.onDevice = device != nil
        if let device {
            data = device.allocate(count: capacity)
        } else {
            let raw = UnsafeMutableRawPointer.allocate(
                byteCount: capacity * MemoryLayout<Float>.stride, alignment: 64)
            data = raw.bindMemory(to: Float.self, capacity: capacity)
            data.initialize(repeating: 0, count: capacity)
        }
    }

    /// A zero-filled vector `[count]` on the current device.
    public convenience init(count: Int) {
        self.init(count: count, on: Devices.current)
    }

    /// A zero-filled vector `[count]` on `device`.
    public convenience init(count: Int, on device: ComputeDevice?) {
        self.init(rows: 1, cols: count, on: device)
        rank = 1
    }

    /// A tensor of the given shape (rank 1 or 2) filled with zeros, on `device` (default: the
    /// current device).
    public convenience init(shape: [Int], on device: ComputeDevice? = Devices.current) {
        precondition(shape.count == 1 || shape.count == 2, "Tensor: rank must be 1 or 2, got shape \(shape)")
        if shape.count == 1 { self.init(count: shape[0], on: device) } else { self.init(rows: shape[0], cols: shape[1], on: device) }
    }

    /// A host tensor of the given shape holding `values` in row-major order.
    public convenience init(shape: [Int], values: [Float]) {
        self.init(shape: shape, on: nil)
        precondition(values.count == count, "Tensor: \(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit {
        if let device { device.deallocate(data) } else { data.deallocate() }
    }

    /// Stops unless the storage is on the host (element access from Swift).
    @inlinable func requireHostStorage() {
        if let device { Self.hostAccessToDeviceTensor(device) }
    }

    @usableFromInline static func hostAccessToDeviceTensor(_ device: ComputeDevice) -> Never {
        preconditionFailure("Tensor: host access to elements stored on \(device.name); copy them to the host first (toArray, assign)")
    }

    /// Changes the shape in place; the new shape must fit the capacity. Contents are kept as raw
    /// memory (callers that need zeros call ``fill(_:)``).
    @inlinable public func reshape(_ rows: Int, _ cols: Int) {
        precondition(rows * cols <= capacity, "Tensor.reshape: \(rows)×\(cols) exceeds capacity \(capacity)")
        setShape(rows, cols, rank: 2)
    }

    /// Changes the shape in place to a vector of `count` elements.
    @inlinable public func reshape(count: Int) {
        precondition(count <= capacity, "Tensor.reshape: \(count) exceeds capacity \(capacity)")
        setShape(1, count, rank: 1)
    }

    @usableFromInline func setShape(_ rows: Int, _ cols: Int, rank: Int) {
        self.rows = rows
        self.cols = cols
        self.rank = rank
    }

    /// Element `(row, col)`; bounds are checked.
    @inlinable public subscript(row: Int, col: Int) -> Float {
        get {
            precondition(row >= 0 && row < rows && col >= 0 && col < cols, "Tensor index out of range")
            requireHostStorage()
            return data[row * cols + col]
        }
        set {
            precondition(row >= 0 && row < rows && col >= 0 && col < cols, "Tensor index out of range")
            requireHostStorage()
            data[row * cols + col] = newValue
        }
    }

    /// Element `i` in row-major order; bounds are checked.
    @inlinable public subscript(i: Int) -> Float {
        get { precondition(i >= 0 && i < count, "Tensor index out of range"); requireHostStorage(); return data[i] }
        set { precondition(i >= 0 && i < count, "Tensor index out of range"); requireHostStorage(); data[i] = newValue }
    }

    /// The elements in row-major order (allocates; copies from a device; for tests, I/O and
    /// diagnostics).
    public func toArray() -> [Float] {
        guard let device else { return Array(UnsafeBufferPointer(start: data, count: count)) }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
            device.copy(count, from: data, onDevice: true, to: buffer.baseAddress!, onDevice: false)
            initialised = count
        }
    }

    /// Copies `values` into the first `values.count` elements (an upload for a device tensor).
    public func setValues(_ values: [Float], offset: Int = 0) {
        precondition(offset >= 0 && offset + values.count <= capacity, "Tensor.setValues: \(values.count) values at \(offset) exceed \(capacity)")
        guard !values.isEmpty else { return }
        values.withUnsafeBufferPointer { v in
            if let device {
                device.copy(values.count, from: v.baseAddress!, onDevice: false, to: data + offset, onDevice: true)
            } else {
                (data + offset).update(from: v.baseAddress!, count: values.count)
            }
        }
    }

    /// Sets row `row` of the matrix to `values` (`cols` of them; an upload for a device tensor).
    public func setRow(_ row: Int, _ values: [Float]) {
        precondition(row >= 0 && row < rows && values.count == cols, "Tensor.setRow: row \(row) of \(shape) with \(values.count) values")
        setValues(values, offset: row * cols)
    }

    /// The elements as a mutable buffer over the current shape (host storage only).
    @inlinable public var buffer: UnsafeMutableBufferPointer<Float> {
        requireHostStorage()
        return UnsafeMutableBufferPointer(start: data, count: count)
    }

    /// A new tensor with the same shape and contents, in the same place.
    public func copy() -> Tensor { copy(to: device) }

    /// A new tensor with the same shape and contents on `device` (nil: the host).
    public func copy(to device: ComputeDevice?) -> Tensor {
        let t = Tensor(shape: shape, on: device)
        t.assign(self)
        return t
    }

    /// A new zero tensor of the same shape, in the same place.
    public func zerosLike() -> Tensor { Tensor(shape: shape, on: device) }

    /// Whether two tensors have the same shape.
    @inlinable public func sameShape(_ other: Tensor) -> Bool {
        rows == other.rows && cols == other.cols
    }

    /// A view of the whole tensor as a matrix operand.
    @inlinable public var matrix: MatrixRef { MatrixRef(data, rows: rows, cols: cols, stride: cols, device: device) }

    /// A view of rows `range` (contiguous, no copy): ``MatrixRef/rows(_:)`` of ``matrix``.
    @inlinable public func rows(_ range: Range<Int>) -> MatrixRef { matrix.rows(range) }

    /// A view of columns `range` (strided, no copy): ``MatrixRef/columns(_:)`` of ``matrix``.
    @inlinable public func columns(_ range: Range<Int>) -> MatrixRef { matrix.columns(range) }
}

/// A non-owning view of a row-major matrix: `rows × cols` elements whose rows start `stride`
/// elements apart. GEMM operands are views, so a block of rows of a weight matrix (the state share
/// of a first layer, say) or a block of columns of an activation can be used without copying.
public struct MatrixRef {
    public let base: UnsafeMutablePointer<Float>
    public let rows: Int
    public let cols: Int
    public let stride: Int
    /// Where the elements live (nil: the host). Not retained: the tensor viewed keeps it alive.
    public unowned(unsafe) let device: ComputeDevice?
    /// `device != nil`.
    public let onDevice: Bool

    @inlinable public init(_ base: UnsafeMutablePointer<Float>, rows: Int, cols: Int, stride: Int, device: ComputeDevice? = nil) {
        precondition(stride >= cols || rows <= 1, "MatrixRef: stride \(stride) < cols \(cols)")
        self.base = base
        self.rows = rows
        self.cols = cols
        self.stride = stride
        self.device = device
        self.onDevice = device != nil
    }

    /// Whether rows are packed back to back, so the view is one contiguous run of memory.
    @inlinable public var isContiguous: Bool { stride == cols || rows <= 1 }

    /// A view of rows `range` of this view.
    @inlinable public func rows(_ range: Range<Int>) -> MatrixRef {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "MatrixRef.rows: \(range) out of 0..<\(rows)")
        return MatrixRef(base + range.lowerBound * stride, rows: range.count, cols: cols, stride: stride, device: device)
    }

    /// A view of columns `range` of this view.
    @inlinable public func columns(_ range: Range<Int>) -> MatrixRef {
        precondition(range.lowerBound >= 0 && range.upperBound <= cols, "MatrixRef.columns: \(range) out of 0..<\(cols)")
        return MatrixRef(base + range.lowerBound, rows: rows, cols: range.count, stride: stride, device: device)
    }
}
