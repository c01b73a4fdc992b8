import Foundation

/// Monotonic wall-clock timing: benchmarks, the trainer's clock, the profiler's phases.
public enum Stopwatch {
    /// Seconds on a monotonic clock.
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Runs `body` `warmup` times untimed, then `repeats` times, and returns the median seconds per
    /// call (the median resists the other tenant of a shared machine better than the mean).
    public static func median(warmup: Int, repeats: Int, _ body: () -> Void) -> Double {
        for _ in 0..<warmup { body() }
        var times: [Double] = []
        times.reserveCapacity(repeats)
        for _ in 0..<max(repeats, 1) {
            let t0 = now()
            body()
            times.append(now() - t0)
        }
        times.sort()
        return times[times.count / 2]
    }
}
