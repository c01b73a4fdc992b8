/// Row indices (64-bit), on the host or on a device: what arg-max and categorical draws produce
/// and row gathers consume, so that a resampling step stays where its tensors are.
public final class Indices: @unchecked Sendable {
    /// Start of the storage (a device address when ``device`` is set).
    public let data: UnsafeMutablePointer<Int>
    public let count: Int
    /// Where the storage lives: nil for the host.
    public let device: ComputeDevice?

    /// `count` zero indices on `device` (default: the thread's current device).
    public init(count: Int, on device: ComputeDevice? = Devices.current) {
        precondition(count >= 0, "Indices: negative count \(count)")
        self.count = count
        self.device = device
        let slots = max(count, 1)
        if let device {
            // Two floats per 64-bit index.
            data = UnsafeMutableRawPointer(device.allocate(count: 2 * slots)).assumingMemoryBound(to: Int.self)
        } else {
            data = .allocate(capacity: slots)
            data.initialize(repeating: 0, count: slots)
        }
    }

    /// Host indices holding `values`.
    public convenience init(_ values: [Int]) {
        self.init(count: values.count, on: nil)
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit {
        if let device {
            device.deallocate(UnsafeMutableRawPointer(data).assumingMemoryBound(to: Float.self))
        } else {
            data.deallocate()
        }
    }

    /// Index `i` (host storage only).
    public subscript(i: Int) -> Int {
        get { precondition(i >= 0 && i < count, "Indices: \(i) out of 0..<\(count)"); requireHost(); return data[i] }
        set { precondition(i >= 0 && i < count, "Indices: \(i) out of 0..<\(count)"); requireHost(); data[i] = newValue }
    }

    /// The indices (copied from a device).
    public func toArray() -> [Int] {
        guard let device else { return Array(UnsafeBufferPointer(start: data, count: count)) }
        return [Int](unsafeUninitializedCapacity: count) { buffer, initialised in
            device.copy(2 * count, from: UnsafeRawPointer(data).assumingMemoryBound(to: Float.self), onDevice: true,
                        to: UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: Float.self), onDevice: false)
            initialised = count
        }
    }

    /// Copies `values` (as many as ``count``) in, uploading to a device.
    public func assign(_ values: [Int]) {
        precondition(values.count == count, "Indices.assign: \(values.count) values for \(count)")
        values.withUnsafeBufferPointer { v in
            if let device {
                device.copy(2 * count, from: UnsafeRawPointer(v.baseAddress!).assumingMemoryBound(to: Float.self), onDevice: false,
                            to: UnsafeMutableRawPointer(data).assumingMemoryBound(to: Float.self), onDevice: true)
            } else {
                data.update(from: v.baseAddress!, count: count)
            }
        }
    }

    private func requireHost() {
        if let device { preconditionFailure("Indices: host access to indices stored on \(device.name); use toArray()") }
    }
}

/// Index buffers kept per size and place: code that alternates batch sizes (acting on one state,
/// updating on a batch) reuses them instead of allocating device memory at every call, which
/// would make a GPU wait.
public final class IndicesCache {
    private var kept: [Int: Indices] = [:]

    public init() {}

    /// `count` indices on `device`, the same buffer as last time for that count and place.
    public func indices(count: Int, on device: ComputeDevice?) -> Indices {
        if let k = kept[count], k.device === device { return k }
        let made = Indices(count: count, on: device)
        kept[count] = made
        return made
    }
}

extension Kernels {
    /// Index of the largest element of each row (the first on ties) into `indices` `[rows]`.
    public static func argmaxRows(_ m: Tensor, into indices: Indices) {
        precondition(indices.count == m.rows, "argmaxRows: \(indices.count) outputs for \(m.rows) rows")
        if let d = m.device {
            precondition(indices.device === d, "argmaxRows: the indices are not on \(d.name)")
            d.launch("rfm_argmax_rows", elements: m.rows, .pointer(m.data), .pointer(indices.data), .int(m.rows), .int(m.cols))
            return
        }
        precondition(indices.device == nil, "argmaxRows: host scores, device indices")
        argmaxRows(m, into: UnsafeMutableBufferPointer(start: indices.data, count: indices.count))
    }

    /// `out[i, :] ← src[indices[i] + i·groupSize, :]`: with `groupSize` P, index i picks a row
    /// of the i-th group of P consecutive rows (one particle per state); 0 for plain indices.
    public static func gatherRows(_ src: Tensor, _ indices: Indices, groupSize: Int = 0, into out: Tensor) {
        precondition(indices.count == out.rows && src.cols == out.cols, "gatherRows: \(indices.count) indices into \(out.shape)")
        if let d = device("gatherRows", src, out) {
            precondition(indices.device === d, "gatherRows: the indices are not on \(d.name)")
            d.launch("rfm_gather_group_rows", elements: out.rows * out.cols, .pointer(src.data), .pointer(indices.data), .int(groupSize),
                     .pointer(out.data), .int(out.rows), .int(out.cols), .int(src.rows))
            return
        }
        precondition(indices.device == nil, "gatherRows: host rows, device indices")
        for i in 0..<indices.count {
            let r = indices.data[i] + i * groupSize
            precondition(r >= 0 && r < src.rows, "gatherRows: row \(r) of \(src.rows)")
            (out.data + i * out.cols).update(from: src.data + r * src.cols, count: src.cols)
        }
    }
}

extension RandomStream {
    /// As ``categorical(logits:into:)`` into ``Indices``, on the logits' device when they have one
    /// (the same draws: row i uses block `position + i`).
    public mutating func categorical(logits: Tensor, into indices: Indices) {
        precondition(indices.count == logits.rows, "categorical: \(indices.count) outputs for \(logits.rows) rows")
        if let d = logits.device {
            precondition(indices.device === d, "categorical: the indices are not on \(d.name)")
            d.launch("rfm_categorical", elements: logits.rows, .pointer(logits.data), .pointer(indices.data), .int(logits.rows),
                     .int(logits.cols), .word(seed), .word(stream), .word(position))
            position &+= UInt64(logits.rows)
            return
        }
        precondition(indices.device == nil, "categorical: host logits, device indices")
        categorical(logits: logits, into: UnsafeMutableBufferPointer(start: indices.data, count: indices.count))
    }
}
