/// A recycling pool of scratch tensors for code that runs the same sequence of shapes repeatedly
/// (an update, a rollout).
///
/// Call ``reset()`` at the start of each pass, then ask for tensors in a fixed order: the i-th
/// request after a reset gets the i-th buffer again, re-shaped in place. After the first pass no
/// memory is allocated. A tensor obtained from a workspace is valid until the next ``reset()``;
/// its contents are whatever the previous pass left unless ``zeros(_:_:)`` is used.
public final class Workspace: @unchecked Sendable {
    private var slots: [Tensor] = []
    private var next = 0

    public init() {}

    /// Makes every buffer available again (keeps the memory).
    public func reset() { next = 0 }

    /// Number of buffers held (for diagnostics and tests).
    public var bufferCount: Int { slots.count }

    /// Total elements held across all buffers.
    public var totalCapacity: Int { slots.reduce(0) { $0 + $1.capacity } }

    /// A scratch matrix `[rows, cols]` with unspecified contents.
    public func matrix(_ rows: Int, _ cols: Int) -> Tensor {
        let t = slot(rows * cols)
        t.reshape(rows, cols)
        return t
    }

    /// A scratch vector `[count]` with unspecified contents.
    public func vector(_ count: Int) -> Tensor {
        let t = slot(count)
        t.reshape(count: count)
        return t
    }

    /// A scratch matrix `[rows, cols]` filled with zeros.
    public func zeros(_ rows: Int, _ cols: Int) -> Tensor {
        let t = matrix(rows, cols)
        t.fill(0)
        return t
    }

    private func slot(_ count: Int) -> Tensor {
        defer { next += 1 }
        if next < slots.count {
            if slots[next].capacity >= count { return slots[next] }
            // The pass changed shape here (a bigger batch): grow this slot once.
            slots[next] = Tensor(count: count)
            return slots[next]
        }
        let t = Tensor(count: count)
        slots.append(t)
        return t
    }
}
