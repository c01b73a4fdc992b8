/// A dense, row-major Float32 tensor of rank 1 or 2 that owns its memory.
///
/// Rank 2 is a matrix `[rows, cols]`; rank 1 is a vector `[cols]`, treated by the kernels as a
/// `1 × cols` matrix. Storage is 64-byte aligned and zero-initialised. A tensor is a reference
/// type on purpose: parameters, gradients, optimiser moments and workspace buffers are long-lived
/// and shared by name, and hot loops must never trigger a copy-on-write.
///
/// A tensor can be re-shaped in place to any shape that fits its capacity (``reshape(_:_:)``);
/// the ``Workspace`` uses that to recycle buffers without allocating.
public final class Tensor: @unchecked Sendable {
    /// Start of the storage; valid for `capacity` elements.
    public let data: UnsafeMutablePointer<Float>
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

    /// A zero-filled matrix `[rows, cols]`.
    public init(rows: Int, cols: Int) {
        precondition(rows >= 0 && cols >= 0, "Tensor: negative dimension \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.rank = 2
        self.capacity = max(rows * cols, 1)
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: capacity * MemoryLayout<Float>.stride, alignment: 64)
        data = raw.bindMemory(to: Float.self, capacity: capacity)
        data.initialize(repeating: 0, count: capacity)
    }

    /// A zero-filled vector `[count]`.
    public convenience init(count: Int) {
        self.init(rows: 1, cols: count)
        rank = 1
    }

    /// A tensor of the given shape (rank 1 or 2) filled with zeros.
    public convenience init(shape: [Int]) {
        precondition(shape.count == 1 || shape.count == 2, "Tensor: rank must be 1 or 2, got shape \(shape)")
        if shape.count == 1 { self.init(count: shape[0]) } else { self.init(rows: shape[0], cols: shape[1]) }
    }

    /// A tensor of the given shape holding `values` in row-major order.
    public convenience init(shape: [Int], values: [Float]) {
        self.init(shape: shape)
        precondition(values.count == count, "Tensor: \(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { data.deallocate() }

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
            return data[row * cols + col]
        }
        set {
            precondition(row >= 0 && row < rows && col >= 0 && col < cols, "Tensor index out of range")
            data[row * cols + col] = newValue
        }
    }

    /// Element `i` in row-major order; bounds are checked.
    @inlinable public subscript(i: Int) -> Float {
        get { precondition(i >= 0 && i < count, "Tensor index out of range"); return data[i] }
        set { precondition(i >= 0 && i < count, "Tensor index out of range"); data[i] = newValue }
    }

    /// The elements in row-major order (allocates; for tests, I/O and diagnostics).
    public func toArray() -> [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// The elements as a mutable buffer over the current shape.
    @inlinable public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: data, count: count)
    }

    /// A new tensor with the same shape and contents.
    public func copy() -> Tensor {
        let t = Tensor(shape: shape)
        t.data.update(from: data, count: count)
        return t
    }

    /// A new zero tensor of the same shape.
    public func zerosLike() -> Tensor { Tensor(shape: shape) }

    /// Whether two tensors have the same shape.
    @inlinable public func sameShape(_ other: Tensor) -> Bool {
        rows == other.rows && cols == other.cols
    }

    /// A view of the whole tensor as a matrix operand.
    @inlinable public var matrix: MatrixRef { MatrixRef(data, rows: rows, cols: cols, stride: cols) }

    /// A view of rows `range` (contiguous, no copy).
    @inlinable public func rows(_ range: Range<Int>) -> MatrixRef {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "Tensor.rows: \(range) out of 0..<\(rows)")
        return MatrixRef(data + range.lowerBound * cols, rows: range.count, cols: cols, stride: cols)
    }

    /// A view of columns `range` (strided, no copy).
    @inlinable public func columns(_ range: Range<Int>) -> MatrixRef {
        precondition(range.lowerBound >= 0 && range.upperBound <= cols, "Tensor.columns: \(range) out of 0..<\(cols)")
        return MatrixRef(data + range.lowerBound, rows: rows, cols: range.count, stride: cols)
    }
}

/// A non-owning view of a row-major matrix: `rows × cols` elements whose rows start `stride`
/// elements apart. GEMM operands are views, so a block of rows of a weight matrix (the state share
/// of a first layer, say) or a block of columns of an activation can be used without copying.
public struct MatrixRef {
    public let base: UnsafeMutablePointer<Float>
    public let rows: Int
    public let cols: Int
    public let stride: Int

    @inlinable public init(_ base: UnsafeMutablePointer<Float>, rows: Int, cols: Int, stride: Int) {
        precondition(stride >= cols || rows <= 1, "MatrixRef: stride \(stride) < cols \(cols)")
        self.base = base
        self.rows = rows
        self.cols = cols
        self.stride = stride
    }

    /// Whether rows are packed back to back, so the view is one contiguous run of memory.
    @inlinable public var isContiguous: Bool { stride == cols || rows <= 1 }

    /// A view of rows `range` of this view.
    @inlinable public func rows(_ range: Range<Int>) -> MatrixRef {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "MatrixRef.rows: \(range) out of 0..<\(rows)")
        return MatrixRef(base + range.lowerBound * stride, rows: range.count, cols: cols, stride: stride)
    }

    /// A view of columns `range` of this view.
    @inlinable public func columns(_ range: Range<Int>) -> MatrixRef {
        precondition(range.lowerBound >= 0 && range.upperBound <= cols, "MatrixRef.columns: \(range) out of 0..<\(cols)")
        return MatrixRef(base + range.lowerBound, rows: rows, cols: range.count, stride: stride)
    }
}
