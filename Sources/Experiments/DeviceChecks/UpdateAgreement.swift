import Foundation
import ReverseFlow
import TensorCore

/// Whole RFM updates on the device against the CPU: the same initial weights (both agents are
/// made from one seed), the same batch (cheetah-run sizes: 17 state and 6 action dimensions) and
/// the same random streams. Reports the largest relative difference `|x − y| / max(1, |x|)` over
/// every metric of every update and over every parameter (actor, critics, targets) at the end.
/// `rfm device --update-check` runs it; it needs only a `ComputeDevice`, so it lives here, with
/// the agents it builds, rather than in the command or the CUDA backend.
public enum UpdateAgreement {
    public struct Result: Encodable, Sendable {
        public let preset: String, updates: Int, metrics: Double, parameters: Double
    }

    /// Float rounding (GELU, exponentials, another summation order in the products) compounds
    /// over a few Adam steps; a real error (a wrong index, a missing term) is orders larger.
    public static let tolerance = 1e-2

    public static func run(preset: String, updates: Int, device: ComputeDevice, progress: (String) -> Void) throws -> Result {
        let config = try RunConfig.preset(preset).overriding(["agent=rfm"])
        try Trainer.requireDeviceSupport(config, device)
        let (s, a) = (17, 6)
        var cpuRNG = RandomStream(seed: 5), deviceRNG = RandomStream(seed: 5)
        let cpu = AgentRegistry.make(config, observationSize: s, actionSize: a, rng: &cpuRNG)
        let onDevice = Devices.using(device) { AgentRegistry.make(config, observationSize: s, actionSize: a, rng: &deviceRNG) }
        let b = config.int("trainer.batch_size")
        let batch = ReplayBuffer.Batch(size: b, observationSize: s, actionSize: a)
        let deviceBatch = Devices.using(device) { ReplayBuffer.Batch(size: b, observationSize: s, actionSize: a) }
        var data = RandomStream(seed: 6)
        batch.fillRandom(rng: &data)
        deviceBatch.assign(batch)
        func relative(_ x: Double, _ y: Double) -> Double { x.isFinite && y.isFinite ? abs(x - y) / max(1, abs(x)) : .infinity }
        var metrics = 0.0
        for u in 1...updates {
            let m1 = cpu.update(batch: batch, rng: &cpuRNG)
            let m2 = Devices.using(device) { onDevice.update(batch: deviceBatch, rng: &deviceRNG) }
            let worst = m1.map { relative($0.value, m2[$0.key] ?? .nan) }.max() ?? 0
            metrics = max(metrics, worst)
            progress(String(format: "update %d: largest metric difference %.2e (critic loss %.5g on the CPU, %.5g on the device)",
                            u, worst, m1["critic/loss"] ?? .nan, m2["critic/loss"] ?? .nan))
        }
        var parameters = 0.0
        for (x, y) in zip(cpu.stateTensors.tensors, onDevice.stateTensors.tensors) {
            for (p, q) in zip(x.toArray(), y.toArray()) { parameters = max(parameters, relative(Double(p), Double(q))) }
        }
        return Result(preset: preset, updates: updates, metrics: metrics, parameters: parameters)
    }
}
