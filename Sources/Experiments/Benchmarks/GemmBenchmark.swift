import Foundation
import ReverseFlow
import TensorCore

/// Throughput of sgemm on the product shapes the agents execute: the library's own multi-threaded
/// sgemm (``BLAS/library``), and the kernel layer's product (single-threaded library calls split over the
/// ``Parallel`` workers), each with the configured thread count. The reference figure is the
/// better of the two, so an efficiency quoted against it is never flattered by a weak library
/// threading.
public enum GemmBenchmark {
    /// One product `op(A)·op(B)` with `op(A)` `[m, k]` and `op(B)` `[k, n]`.
    public struct Shape: Sendable, Codable, Equatable {
        public var m: Int, n: Int, k: Int
        public var transA: Bool, transB: Bool
        /// Where the agents use it.
        public var use: String

        public init(m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false, use: String) {
            self.m = m; self.n = n; self.k = k; self.transA = transA; self.transB = transB; self.use = use
        }

        public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    }

    public struct Result: Sendable, Codable {
        public var shape: Shape
        /// Time of the faster of the two ways.
        public var microseconds: Double
        /// The better of ``libraryGflops`` and ``kernelGflops``.
        public var gflops: Double
        /// The library's sgemm with its own threads.
        public var libraryGflops: Double
        /// ``Kernels/gemm(_:_:_:_:into:alpha:beta:)``.
        public var kernelGflops: Double

        enum CodingKeys: String, CodingKey {
            case shape, microseconds, gflops, libraryGflops = "library_gflops", kernelGflops = "kernel_gflops"
        }
    }

    /// The products of an RFM update and of the critic update: by default the paper preset's at
    /// cheetah-run sizes (state 17, action 6, batch 256, widths 256, 32 particles, K = 100).
    /// `hidden` is the critic's width, `actorHidden` the velocity net's (default: the same).
    public static func agentShapes(state: Int = 17, action: Int = 6, batch: Int = 256, hidden: Int = 256,
                                   actorHidden: Int? = nil, particles: Int = 32, posteriorSamples: Int = 100) -> [Shape] {
        let rollout = batch * particles, posterior = batch * posteriorSamples, width = actorHidden ?? hidden
        return [
            Shape(m: batch, n: hidden, k: state + action, use: "critic layer 1 forward"),
            Shape(m: batch, n: hidden, k: hidden, use: "critic layer 2 forward"),
            Shape(m: hidden, n: hidden, k: batch, transA: true, use: "critic layer 2 weight gradient"),
            Shape(m: batch, n: hidden, k: hidden, transB: true, use: "critic layer 2 input gradient"),
            Shape(m: rollout, n: width, k: action, use: "velocity net latent share, per step"),
            Shape(m: rollout, n: width, k: width, use: "velocity net residual block, per step"),
            Shape(m: rollout, n: action, k: width, use: "velocity net output, per step"),
            Shape(m: posterior, n: hidden, k: state + action, use: "posterior Q layer 1"),
            Shape(m: posterior, n: hidden, k: hidden, use: "posterior Q layer 2"),
            Shape(m: posterior, n: hidden, k: hidden, transB: true, use: "posterior ∇ₐQ layer 2"),
        ]
    }

    /// Times each shape (median of `repeats` after warm-up) with the configured thread count.
    /// All shapes run through the kernel layer first, then through the library: a library's own
    /// threads (OpenBLAS's, OpenMP's for oneDNN) keep spinning for a while after its last threaded
    /// call and would slow the workers.
    public static func run(_ shapes: [Shape], minimumSeconds: Double = 0.2) -> [Result] {
        let operands = shapes.map { s in
            let a = Tensor(rows: s.transA ? s.k : s.m, cols: s.transA ? s.m : s.k)
            let b = Tensor(rows: s.transB ? s.n : s.k, cols: s.transB ? s.k : s.n)
            var rng = RandomStream(seed: 1)
            rng.fillUniform(a, low: -1, high: 1)
            rng.fillUniform(b, low: -1, high: 1)
            return (a: a, ta: s.transA ? Transpose.transposed : .none, b: b, tb: s.transB ? Transpose.transposed : .none,
                    c: Tensor(rows: s.m, cols: s.n))
        }
        let kernel = operands.map { o in time(minimumSeconds) { Kernels.gemm(o.a, o.ta, o.b, o.tb, into: o.c) } }
        let library = BLAS.withLibraryThreads(Parallel.workers) {
            operands.map { o in time(minimumSeconds) { BLAS.rawSgemm(o.a, o.ta, o.b, o.tb, into: o.c) } }
        }
        return shapes.indices.map { i in
            let s = shapes[i], seconds = min(kernel[i], library[i])
            return Result(shape: s, microseconds: seconds * 1e6, gflops: s.flops / seconds / 1e9,
                          libraryGflops: s.flops / library[i] / 1e9, kernelGflops: s.flops / kernel[i] / 1e9)
        }
    }

    /// Median seconds of `call`, repeated for about `minimumSeconds` after warm-up.
    private static func time(_ minimumSeconds: Double, _ call: () -> Void) -> Double {
        let t0 = Stopwatch.now()
        call()
        let once = max(Stopwatch.now() - t0, 1e-6)
        let repeats = max(5, Int(minimumSeconds / once))
        return Stopwatch.median(warmup: 2, repeats: repeats, call)
    }
}
