import TensorCore

/// Wall-clock time spent in named phases of an update (rollouts, particle Q, posterior, …),
/// accumulated over calls. Agents take an optional profiler; without one they time nothing.
/// On a device (``Devices/current``) each phase waits for its kernels, so the time is the
/// phase's own (and the whole update a little slower than without a profiler).
public final class PhaseProfiler {
    public private(set) var seconds: [String: Double] = [:]
    public private(set) var order: [String] = []

    public init() {}

    /// Runs `body`, adding its duration to `phase`.
    @inlinable
    public func measure<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        let device = Devices.current
        device?.synchronize()
        let start = Stopwatch.now()
        defer {
            device?.synchronize()
            add(phase, Stopwatch.now() - start)
        }
        return try body()
    }

    public func add(_ phase: String, _ duration: Double) {
        if seconds[phase] == nil { order.append(phase) }
        seconds[phase, default: 0] += duration
    }

    public func reset() {
        seconds = [:]
        order = []
    }
}

extension Optional where Wrapped == PhaseProfiler {
    /// Times `body` under `phase` when a profiler is attached, else just runs it.
    @inlinable
    public func measure<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        switch self {
        case .some(let p): try p.measure(phase, body)
        case .none: try body()
        }
    }
}
