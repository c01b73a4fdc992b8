import Foundation
import Testing
import TensorCore

@Suite struct ParallelTests {
    /// Products above the split threshold, split along rows (m ≥ n) and along columns (n > m), in
    /// every transpose variant, with accumulation and strided views: splitting over two workers
    /// gives the single-threaded numbers up to float rounding, and the same bits every time.
    ///
    /// Bit equality with one worker holds only where the parts align with OpenBLAS's micro-kernel
    /// tiles, and those depend on the CPU: 16-row tiles on the AVX2 kernels, 24-row tiles on some
    /// AVX-512 machines of this project's kind (measured: a 16-aligned split of a 300 × 200 × 64
    /// product changes 2,933 of 60,000 elements by at most 6e-6 there). Runs are reproducible for
    /// a given thread count, which is what the project promises.
    @Test(arguments: [(Transpose.none, Transpose.none), (.transposed, .none), (.none, .transposed), (.transposed, .transposed)])
    func splitProductsMatchTheSingleThreadedOnesAndRepeatExactly(ta: Transpose, tb: Transpose) {
        for (m, n, k) in [(300, 200, 64), (40, 520, 128), (257, 33, 300)] {
            #expect(2 * Double(m * n * k) >= Kernels.splitFLOPs)
            let a = ta == .none ? randomTensor(m, k + 3, seed: 1) : randomTensor(k, m + 5, seed: 1)
            let b = tb == .none ? randomTensor(k, n + 2, seed: 2) : randomTensor(n, k + 7, seed: 2)
            // Views narrower than their storage, so strides differ from widths.
            let av = ta == .none ? a.columns(0..<k) : a.columns(0..<m)
            let bv = tb == .none ? b.columns(0..<n) : b.columns(0..<k)
            let start = randomTensor(m, n, seed: 3)
            let one = start.copy(), two = start.copy(), again = start.copy()
            Parallel.withWorkers(1) { Kernels.gemm(av, ta, bv, tb, into: one.matrix, alpha: 0.5, beta: 1) }
            Parallel.withWorkers(2) { Kernels.gemm(av, ta, bv, tb, into: two.matrix, alpha: 0.5, beta: 1) }
            Parallel.withWorkers(2) { Kernels.gemm(av, ta, bv, tb, into: again.matrix, alpha: 0.5, beta: 1) }
            #expect(two.toArray() == again.toArray(), "m \(m) n \(n) k \(k): a split product is not repeatable")
            let rounding = zip(one.toArray(), two.toArray()).map { abs($0 - $1) / max(1, abs($0)) }.max() ?? 0
            #expect(rounding < 1e-5, "m \(m) n \(n) k \(k): split differs from one worker by \(rounding)")
            // And both are the product itself.
            let expected = naiveProduct(compact(av), ta, compact(bv), tb)
            var worst = 0.0
            for i in 0..<m {
                for j in 0..<n {
                    let x = Double(start[i, j]) + 0.5 * expected[i][j]
                    worst = max(worst, abs(Double(two[i, j]) - x))
                }
            }
            #expect(worst < 1e-3, "m \(m) n \(n) k \(k): error \(worst)")
        }
    }

    /// The FLOPs of a split product are credited once, to the calling thread.
    @Test func splitProductsCountTheirFLOPsOnce() {
        let a = randomTensor(256, 128, seed: 4), b = randomTensor(128, 128, seed: 5), c = Tensor(rows: 256, cols: 128)
        let flops = Parallel.withWorkers(2) { FLOPCounter.measure { Kernels.gemm(a, .none, b, .none, into: c) } }
        #expect(flops == 2 * 256 * 128 * 128)
    }

    /// Every block runs exactly once: in a region, in a region nested inside another (run
    /// sequentially by the enclosing worker), and in regions started from several threads at
    /// once (concurrent tests), which must not share the pool.
    @Test func everyBlockRunsExactlyOnce() async {
        func countRuns(blocks: Int, nested: Bool, workers: Int = 2) -> [Int] {
            let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: blocks * blocks)
            counts.initialize(repeating: 0)
            defer { counts.deallocate() }
            Parallel.withWorkers(workers) {
                Parallel.forEachBlock(blocks) { i, _ in
                    if nested {
                        Parallel.forEachBlock(blocks) { j, _ in counts[i * blocks + j] += 1 }
                    } else {
                        counts[i] += 1
                    }
                }
            }
            return Array(counts.prefix(nested ? blocks * blocks : blocks))
        }
        #expect(countRuns(blocks: 7, nested: false) == [Int](repeating: 1, count: 7))
        #expect(countRuns(blocks: 5, nested: true) == [Int](repeating: 1, count: 25))
        // Regions with fewer workers than the pool has threads: the idle threads must not run
        // a share of the next region.
        for workers in [3, 2, 3, 2, 1, 3, 2] {
            #expect(countRuns(blocks: 11, nested: false, workers: workers) == [Int](repeating: 1, count: 11), "\(workers) workers")
        }
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<50).allSatisfy { _ in countRuns(blocks: 9, nested: false) == [Int](repeating: 1, count: 9) } }
            }
            for await ok in group { #expect(ok) }
        }
    }
}

/// A packed copy of a view (the oracle takes whole tensors).
func compact(_ v: MatrixRef) -> Tensor {
    let t = Tensor(rows: v.rows, cols: v.cols)
    Kernels.copy(v, into: t.matrix)
    return t
}
