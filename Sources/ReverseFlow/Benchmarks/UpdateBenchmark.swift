import Foundation
import TensorCore

/// Times a full agent update and one action choice for a configuration at given state and action
/// sizes, on random data, after warm-up; reports the GEMM FLOPs of an update, the effective
/// GFLOP/s, the sgemm GFLOP/s of the update's dominant product measured in the same run, and the
/// time per phase (RFM: rollouts, particle Q, critic step, posterior, actor step).
public enum UpdateBenchmark {
    public struct Result: Codable, Sendable {
        public var updateMs: Double
        public var actMs: Double
        public var gflopPerUpdate: Double
        public var gflopsEffective: Double
        public var sgemmGflops: Double
        public var phasesMs: [String: Double]
        public var agent: String
        public var stateDim: Int
        public var actionDim: Int
        public var threads: Int
        public var iterations: Int
        public var blasCore: String

        enum CodingKeys: String, CodingKey {
            case updateMs = "update_ms", actMs = "act_ms", gflopPerUpdate = "gflop_per_update"
            case gflopsEffective = "gflops_effective", sgemmGflops = "sgemm_gflops", phasesMs = "phases_ms"
            case agent, stateDim = "state_dim", actionDim = "action_dim", threads, iterations, blasCore = "blas_core"
        }
    }

    public static func run(config c: RunConfig, stateDim: Int, actionDim: Int, iterations: Int, threads: Int,
                           progress: (String) -> Void = { _ in }) -> Result {
        var rng = RandomStream(seed: 0)
        var initRNG = rng.split(1)
        let agent = AgentFactory.make(c, observationSize: stateDim, actionSize: actionDim, rng: &initRNG)
        let b = c.int("trainer.batch_size")
        let batch = ReplayBuffer.Batch(size: b, observationSize: stateDim, actionSize: actionDim)
        rng.fillNormal(batch.observations)
        rng.fillNormal(batch.nextObservations)
        rng.fillUniform(batch.actions, low: -1, high: 1)
        rng.fillUniform(batch.rewards)
        batch.masks.fill(1)
        progress("warming up")
        let flops = FLOPCounter.measure { _ = agent.update(batch: batch, rng: &rng) }
        let profiler = PhaseProfiler()
        (agent as? RFMAgent)?.profiler = profiler
        var times: [Double] = []
        for i in 0..<iterations {
            let t0 = Stopwatch.now()
            _ = agent.update(batch: batch, rng: &rng)
            times.append(Stopwatch.now() - t0)
            progress(String(format: "update %d/%d: %.1f ms", i + 1, iterations, times.last! * 1e3))
        }
        (agent as? RFMAgent)?.profiler = nil
        times.sort()
        let update = times[times.count / 2]
        let one = Tensor(rows: 1, cols: stateDim)
        rng.fillNormal(one)
        let act = Stopwatch.median(warmup: 3, repeats: 30) { _ = agent.act(observations: one, deterministic: false, rng: &rng) }
        let rows = c.string("agent") == "rfm" ? b * c.int("rfm.particles_train") : b
        let width = c.int("actor.hidden")
        let peak = GemmBenchmark.run([.init(m: rows, n: width, k: width, use: "dominant product")])[0]
        return Result(updateMs: update * 1e3, actMs: act * 1e3, gflopPerUpdate: flops / 1e9, gflopsEffective: flops / update / 1e9,
                      sgemmGflops: peak.gflops, phasesMs: profiler.seconds.mapValues { $0 / Double(iterations) * 1e3 },
                      agent: c.string("agent"), stateDim: stateDim, actionDim: actionDim, threads: threads,
                      iterations: iterations, blasCore: BLAS.coreName)
    }
}
