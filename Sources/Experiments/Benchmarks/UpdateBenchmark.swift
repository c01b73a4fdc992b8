import Foundation
import ReverseFlow
import TensorCore

/// Times a full agent update and one action choice for a configuration at given state and action
/// sizes, on random data, after warm-up; reports the GEMM FLOPs of an update, the effective
/// GFLOP/s, the sgemm GFLOP/s of the update's dominant product measured in the same run, and the
/// time per phase (RFM: rollouts, particle Q, critic step, posterior, actor step).
///
/// On a device (a GPU) the agent, its batch and the timed products live there, every timed
/// interval ends by waiting for the device, an action includes the observation's upload and the
/// action's download, and the phases are timed in extra updates of their own (each phase waits
/// for its kernels, which would slow the headline figure).
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
        /// "cpu", or the device's name.
        public var device: String
        /// On a device: kernels launched, host waits and host–device copies per update.
        public var deviceKernelsPerUpdate: Int?
        public var deviceWaitsPerUpdate: Int?
        public var deviceTransfersPerUpdate: Int?
        public var deviceAllocationsPerUpdate: Int?

        enum CodingKeys: String, CodingKey {
            case updateMs = "update_ms", actMs = "act_ms", gflopPerUpdate = "gflop_per_update"
            case gflopsEffective = "gflops_effective", sgemmGflops = "sgemm_gflops", phasesMs = "phases_ms"
            case agent, stateDim = "state_dim", actionDim = "action_dim", threads, iterations, blasCore = "blas_core", device
            case deviceKernelsPerUpdate = "device_kernels_per_update", deviceWaitsPerUpdate = "device_waits_per_update"
            case deviceTransfersPerUpdate = "device_transfers_per_update"
            case deviceAllocationsPerUpdate = "device_allocations_per_update"
        }
    }

    public static func run(config c: RunConfig, stateDim: Int, actionDim: Int, iterations: Int, threads: Int,
                           device: ComputeDevice? = nil, progress: (String) -> Void = { _ in }) -> Result {
        Devices.using(device) {
            var rng = RandomStream(seed: 0)
            var initRNG = rng.split(1)
            let agent = AgentRegistry.make(c, observationSize: stateDim, actionSize: actionDim, rng: &initRNG)
            let b = c.int("trainer.batch_size")
            let batch = ReplayBuffer.Batch(size: b, observationSize: stateDim, actionSize: actionDim)
            batch.fillRandom(rng: &rng)
            progress("warming up")
            let flops = FLOPCounter.measure { _ = agent.update(batch: batch, rng: &rng) }
            // The device's work per update, counted on the second (the first also sets up).
            let before = device?.activity
            if device != nil { _ = agent.update(batch: batch, rng: &rng) }
            let perUpdate = device.map { $0.activity - before! }
            let profiler = PhaseProfiler()
            func timedUpdates(_ what: String) -> [Double] {
                var times: [Double] = []
                for i in 0..<iterations {
                    device?.synchronize()
                    let t0 = Stopwatch.now()
                    _ = agent.update(batch: batch, rng: &rng)
                    device?.synchronize()
                    times.append(Stopwatch.now() - t0)
                    progress(String(format: "%@ %d/%d: %.2f ms", what, i + 1, iterations, times.last! * 1e3))
                }
                return times.sorted()
            }
            let times: [Double]
            if device == nil {
                (agent as? RFMAgent)?.profiler = profiler
                times = timedUpdates("update")
            } else {
                times = timedUpdates("update")
                (agent as? RFMAgent)?.profiler = profiler
                _ = timedUpdates("update with phase timing")
            }
            (agent as? RFMAgent)?.profiler = nil
            let update = times[times.count / 2]
            let act = actionMilliseconds(agent: agent, stateDim: stateDim, device: device, rng: &rng) / 1e3
            let rows = c.string("agent") == "rfm" ? b * c.int("rfm.particles_train") : b
            let width = c.int("actor.hidden")
            let peak = device.map { deviceGemmGflops(m: rows, n: width, k: width, on: $0) }
                ?? GemmBenchmark.run([.init(m: rows, n: width, k: width, use: "dominant product")])[0].gflops
            return Result(updateMs: update * 1e3, actMs: act * 1e3, gflopPerUpdate: flops / 1e9, gflopsEffective: flops / update / 1e9,
                          sgemmGflops: peak, phasesMs: profiler.seconds.mapValues { $0 / Double(iterations) * 1e3 },
                          agent: c.string("agent"), stateDim: stateDim, actionDim: actionDim, threads: threads,
                          iterations: iterations, blasCore: device == nil ? BLAS.coreName : "cuBLAS", device: device?.name ?? "cpu",
                          deviceKernelsPerUpdate: perUpdate?.kernels, deviceWaitsPerUpdate: perUpdate?.waits,
                          deviceTransfersPerUpdate: perUpdate?.transfers, deviceAllocationsPerUpdate: perUpdate?.allocations)
        }
    }

    /// Median milliseconds of one stochastic action for one observation, the observation on
    /// the host and the action brought back to it (as the training loop uses it).
    public static func actionMilliseconds(agent: Agent, stateDim: Int, device: ComputeDevice?, rng: inout RandomStream,
                                          repeats: Int = 30) -> Double {
        let one = Tensor(rows: 1, cols: stateDim, on: nil)
        rng.fillNormal(one)
        let input = Tensor(rows: 1, cols: stateDim, on: device)
        var local = rng
        defer { rng = local }
        return Devices.using(device) {
            Stopwatch.median(warmup: 3, repeats: repeats) {
                input.assign(one)
                _ = agent.act(observations: input, deterministic: false, rng: &local).toArray()
            }
        } * 1e3
    }

    /// GFLOP/s of the product `[m, k]·[k, n]` on `device`: 20 products queued back to back after
    /// a warm-up, timed to the device's last one.
    static func deviceGemmGflops(m: Int, n: Int, k: Int, on device: ComputeDevice) -> Double {
        let a = Tensor(rows: m, cols: k, on: device), b = Tensor(rows: k, cols: n, on: device), c = Tensor(rows: m, cols: n, on: device)
        for _ in 0..<3 { Kernels.gemm(a, .none, b, .none, into: c) }
        device.synchronize()
        let repeats = 20, start = Stopwatch.now()
        for _ in 0..<repeats { Kernels.gemm(a, .none, b, .none, into: c) }
        device.synchronize()
        return 2 * Double(m * n * k) * Double(repeats) / (Stopwatch.now() - start) / 1e9
    }
}
