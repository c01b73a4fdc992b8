import CSupport
import Foundation

/// Data parallelism over row blocks, for work whose blocks are independent (the particles of a
/// flow rollout, the samples of a posterior estimate).
///
/// These workers are the program's only threads of computation: OpenBLAS itself always runs
/// single-threaded (``BLAS/setThreads(_:)``), and a large product issued outside a region is split
/// over the workers by ``Kernels/gemm(_:_:_:_:into:alpha:beta:)``. One pool means no idle OpenBLAS
/// threads spinning beside ours (perf showed a quarter of the cpu preset's time in their
/// `sched_yield`). On this project's 2-core machines a large product split into two
/// single-threaded GEMMs on separate row blocks runs as fast as one multi-threaded GEMM, and the
/// elementwise work between products then runs on both cores too; small blocks also keep each
/// layer's activations in the core's cache. The worker count is the thread count given to
/// ``BLAS/setThreads(_:)``. FLOPs the workers issue are credited to the calling thread's
/// ``FLOPCounter``. Results do not depend on timing: block `i` always runs the same operations on
/// the same data.
public enum Parallel {
    nonisolated(unsafe) private static var configuredWorkers = 1

    /// Workers a parallel region uses: the BLAS thread count, unless ``withWorkers(_:_:)``
    /// overrides it for the current task.
    /// (1 while a ``ComputeDevice`` is current: the device is the parallelism.)
    public static var workers: Int { Devices.current != nil ? 1 : override ?? configuredWorkers }

    @TaskLocal static var override: Int?

    /// Runs `body` with `count` workers in this task only (tests compare worker counts this way
    /// without disturbing concurrently running code).
    public static func withWorkers<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        precondition(count >= 1, "Parallel.withWorkers: need at least one worker")
        return try $override.withValue(count, operation: body)
    }

    static func configure(threads: Int) {
        configuredWorkers = max(1, threads)
        _ = rfm_pool_ensure(Int32(min(configuredWorkers, 256)))
    }

    /// Whether the calling thread is running a block of a parallel region (work issued there
    /// stays on this thread).
    public static var isInsideRegion: Bool { rfm_parallel_region_get() != 0 }

    /// Runs `body(worker)` for `worker` in `0..<workers` concurrently and waits for all.
    /// `body` must touch only its own worker's buffers (shared inputs are read-only).
    public static func forEachWorker(_ body: (Int) -> Void) {
        let n = workers
        if n == 1 { body(0); return }
        // A region inside a region runs its workers' shares one after another on this thread.
        if isInsideRegion { for w in 0..<n { body(w) }; return }
        if rfm_pool_ensure(Int32(n)) < n { for w in 0..<n { body(w) }; return }
        let flops = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        defer { flops.deallocate() }
        // Worker 0 runs on this thread, whose counter then already holds its FLOPs: credit only
        // the others'.
        let callerBefore = FLOPCounter.gemmFLOPs
        withoutActuallyEscaping(body) { body in
            let region = Region(body: body, flops: flops)
            withExtendedLifetime(region) {
                rfm_pool_run(Int32(n), { context, w in
                    let region = Unmanaged<Region>.fromOpaque(context!).takeUnretainedValue()
                    let wasInside = rfm_parallel_region_get()
                    rfm_parallel_region_set(1)
                    region.flops[Int(w)] = FLOPCounter.measure { region.body(Int(w)) }
                    rfm_parallel_region_set(wasInside)
                }, Unmanaged.passUnretained(region).toOpaque())
            }
        }
        FLOPCounter.add(flops.reduce(0, +) - (FLOPCounter.gemmFLOPs - callerBefore))
    }

    /// Runs `body(block, worker)` for every block in `0..<blocks`, blocks dealt round-robin to
    /// the workers (block `i` on worker `i mod workers`).
    public static func forEachBlock(_ blocks: Int, _ body: (Int, Int) -> Void) {
        let n = workers
        forEachWorker { w in
            var i = w
            while i < blocks {
                body(i, w)
                i += n
            }
        }
    }

    /// Splits `groups` groups of `perGroup` consecutive rows into blocks of whole groups of about
    /// `blockRows` rows and runs `body(groupRange, rowRange, worker)` for each block on the
    /// workers. Returns false, running nothing, when everything fits one block: the caller then
    /// processes all rows at once, without copying them into block buffers.
    public static func forEachGroupBlock(groups: Int, perGroup: Int, blockRows: Int,
                                         _ body: (Range<Int>, Range<Int>, Int) -> Void) -> Bool {
        let groupsPerBlock = max(1, blockRows / max(perGroup, 1))
        let blocks = (groups + groupsPerBlock - 1) / groupsPerBlock
        // On a device the whole batch is one block: its kernels cover every row at once.
        guard blocks > 1, Devices.current == nil else { return false }
        forEachBlock(blocks) { block, worker in
            let g = (block * groupsPerBlock) ..< min(groups, (block + 1) * groupsPerBlock)
            body(g, (g.lowerBound * perGroup) ..< (g.upperBound * perGroup), worker)
        }
        return true
    }

    /// Runs `body` over `0..<count` cut into one contiguous part per worker (part boundaries at
    /// multiples of `granule`) when called outside a region with at least `minimum` elements and
    /// several workers; otherwise once over everything on this thread. For elementwise kernels
    /// whose elements are independent, so the split changes no number (Adam, GELU's passes).
    @inlinable public static func forEachPart(_ count: Int, minimum: Int, granule: Int = 16, _ body: (Range<Int>) -> Void) {
        let n = workers
        guard n > 1, count >= minimum, !isInsideRegion else { body(0..<count); return }
        let step = ((count + n - 1) / n + granule - 1) / granule * granule
        forEachWorker { w in
            let range = min(count, w * step) ..< min(count, (w + 1) * step)
            if !range.isEmpty { body(range) }
        }
    }

    /// Carries the closure into the pool's threads; each worker writes only its own slot.
    private final class Region {
        let body: (Int) -> Void
        let flops: UnsafeMutableBufferPointer<Double>
        init(body: @escaping (Int) -> Void, flops: UnsafeMutableBufferPointer<Double>) {
            self.body = body
            self.flops = flops
        }
    }
}
