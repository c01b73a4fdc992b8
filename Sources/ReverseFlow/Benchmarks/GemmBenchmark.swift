import Foundation
import TensorCore

/// Throughput of OpenBLAS sgemm on the product shapes the agents execute.
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
        public var microseconds: Double
        public var gflops: Double
    }

    /// The shapes of the paper preset at cheetah-run sizes (state 17, action 6, batch 256,
    /// hidden 256, 32 particles, K = 100), and of the critic update.
    public static func agentShapes(state: Int = 17, action: Int = 6, batch: Int = 256, hidden: Int = 256,
                                   particles: Int = 32, posteriorSamples: Int = 100) -> [Shape] {
        let rollout = batch * particles, posterior = batch * posteriorSamples
        return [
            Shape(m: batch, n: hidden, k: state + action, use: "critic layer 1 forward"),
            Shape(m: batch, n: hidden, k: hidden, use: "critic layer 2 forward"),
            Shape(m: hidden, n: hidden, k: batch, transA: true, use: "critic layer 2 weight gradient"),
            Shape(m: batch, n: hidden, k: hidden, transB: true, use: "critic layer 2 input gradient"),
            Shape(m: rollout, n: hidden, k: action, use: "velocity net latent share, per step"),
            Shape(m: rollout, n: hidden, k: hidden, use: "velocity net residual block, per step"),
            Shape(m: rollout, n: action, k: hidden, use: "velocity net output, per step"),
            Shape(m: posterior, n: hidden, k: state + action, use: "posterior Q layer 1"),
            Shape(m: posterior, n: hidden, k: hidden, use: "posterior Q layer 2"),
            Shape(m: posterior, n: hidden, k: hidden, transB: true, use: "posterior ∇ₐQ layer 2"),
        ]
    }

    /// Times each shape (median of `repeats` after warm-up) with the current BLAS thread count.
    public static func run(_ shapes: [Shape], minimumSeconds: Double = 0.2) -> [Result] {
        shapes.map { s in
            let a = Tensor(rows: s.transA ? s.k : s.m, cols: s.transA ? s.m : s.k)
            let b = Tensor(rows: s.transB ? s.n : s.k, cols: s.transB ? s.k : s.n)
            let c = Tensor(rows: s.m, cols: s.n)
            var rng = RandomStream(seed: 1)
            rng.fillUniform(a, low: -1, high: 1)
            rng.fillUniform(b, low: -1, high: 1)
            let call = {
                Kernels.gemm(a, s.transA ? .transposed : .none, b, s.transB ? .transposed : .none, into: c)
            }
            let t0 = Stopwatch.now()
            call()
            let once = max(Stopwatch.now() - t0, 1e-6)
            let repeats = max(5, Int(minimumSeconds / once))
            let seconds = Stopwatch.median(warmup: 2, repeats: repeats, call)
            return Result(shape: s, microseconds: seconds * 1e6, gflops: s.flops / seconds / 1e9)
        }
    }
}
