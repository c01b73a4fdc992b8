import Foundation
import ReverseFlow
import TensorCore

/// Times one update of the twin critic (target forward, online forward and backward of both
/// critics, clipping, Adam, Polyak) on random data.
public enum CriticUpdateBenchmark {
    public struct Options: Sendable {
        public var stateDim = 17
        public var actionDim = 6
        public var batch = 256
        public var hidden = [256, 256]
        public var iterations = 200
        public var warmup = 20
        public var seed: UInt64 = 0

        public init() {}
    }

    /// The figures, with the JSON keys scripts read.
    public struct Result: Sendable, Codable {
        public var updateMs: Double
        public var gflopPerUpdate: Double
        public var gflopsEffective: Double
        public var sgemmGflops: Double
        public var threads: Int
        public var blasCore: String
        public var batch: Int
        public var stateDim: Int
        public var actionDim: Int
        public var hidden: [Int]

        enum CodingKeys: String, CodingKey {
            case updateMs = "update_ms", gflopPerUpdate = "gflop_per_update", gflopsEffective = "gflops_effective"
            case sgemmGflops = "sgemm_gflops", threads, blasCore = "blas_core", batch
            case stateDim = "state_dim", actionDim = "action_dim", hidden
        }
    }

    public static func run(_ o: Options, threads: Int) -> Result {
        var rng = RandomStream(seed: o.seed)
        let critic = TwinCritic(stateDim: o.stateDim, actionDim: o.actionDim,
                                settings: .init(hidden: o.hidden, learningRate: 1e-3, maxGradNorm: 10, discount: 0.99, tau: 0.005),
                                rng: &rng)
        let s = Tensor(rows: o.batch, cols: o.stateDim), a = Tensor(rows: o.batch, cols: o.actionDim)
        let s2 = Tensor(rows: o.batch, cols: o.stateDim), a2 = Tensor(rows: o.batch, cols: o.actionDim)
        let r = Tensor(rows: o.batch, cols: 1), mask = Tensor(rows: o.batch, cols: 1)
        for t in [s, s2] { rng.fillNormal(t) }
        for t in [a, a2] { rng.fillUniform(t, low: -1, high: 1) }
        rng.fillUniform(r)
        mask.fill(1)
        let update = { _ = critic.update(states: s, actions: a, rewards: r, masks: mask, nextStates: s2, nextActions: a2) }
        let flops = FLOPCounter.measure(update)
        let seconds = Stopwatch.median(warmup: o.warmup, repeats: o.iterations, update)
        // The dominant product of the update, timed alone in the same run.
        let width = o.hidden.max() ?? 256
        let peak = GemmBenchmark.run([.init(m: o.batch, n: width, k: width, use: "critic hidden layer")])[0]
        return Result(updateMs: seconds * 1e3, gflopPerUpdate: flops / 1e9, gflopsEffective: flops / seconds / 1e9,
                      sgemmGflops: peak.gflops, threads: threads, blasCore: BLAS.coreName, batch: o.batch,
                      stateDim: o.stateDim, actionDim: o.actionDim, hidden: o.hidden)
    }
}
