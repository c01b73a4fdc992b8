import CUDA
import Foundation
import NeuralNet
import ReverseFlow
import TensorCore
import Testing

/// The kernel seam on the CUDA backend: tensors made inside `Devices.using(device)` live on the
/// device and `Kernels` run there, with the algorithms unchanged. On the CPU emulation device
/// addresses fault when the host reads them, so these tests also show that a step stays on the
/// device (a stray host read would crash the test process).
@Suite struct DeviceSeamTests {
    /// The GPU when there is one, else the emulation.
    static let device: CUDAComputeDevice = gpu.map { CUDAComputeDevice($0) } ?? .emulated()

    func random(_ rows: Int, _ cols: Int, seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
        var rng = RandomStream(seed: seed)
        let t = Tensor(rows: rows, cols: cols, on: nil)
        rng.fillUniform(t, low: low, high: high)
        return t
    }

    func largestRelativeDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) / max(1, abs($0)) }.max() ?? 0
    }

    @Test func tensorsMoveBetweenHostAndDevice() {
        let device = Self.device
        let host = random(7, 5, seed: 1)
        let onDevice = host.copy(to: device)
        #expect(onDevice.device === device && onDevice.shape == [7, 5])
        #expect(onDevice.toArray() == host.toArray())
        let back = Tensor(rows: 7, cols: 5, on: nil)
        back.assign(onDevice)
        #expect(back.toArray() == host.toArray())
        let made = Devices.using(device) { Tensor(rows: 2, cols: 3) }
        #expect(made.device === device && made.toArray() == [Float](repeating: 0, count: 6))
        made.fill(2.5)
        #expect(made.toArray() == [Float](repeating: 2.5, count: 6))
        #expect(Devices.current == nil && Tensor(count: 3).device == nil)
    }

    @Test func kernelsOnTheDeviceMatchTheCPU() {
        let device = Self.device
        let a = random(33, 17, seed: 2), b = random(17, 9, seed: 3), bias = random(1, 9, seed: 4)
        bias.reshape(count: 9)
        func both(_ body: (Tensor, Tensor, Tensor, Tensor) -> Tensor) -> (cpu: [Float], device: [Float]) {
            let cpu = body(a, b, bias, Tensor(rows: 33, cols: 9, on: nil))
            let dev = body(a.copy(to: device), b.copy(to: device), bias.copy(to: device), Tensor(rows: 33, cols: 9, on: device))
            return (cpu.toArray(), dev.toArray())
        }
        let dense = both { a, b, bias, out in
            Kernels.gemm(a, .none, b, .none, into: out)
            Kernels.addRowVector(bias, to: out)
            Kernels.gelu(out, into: out)
            Kernels.add(out.rows(0..<3), to: out.rows(3..<6))
            return out
        }
        #expect(largestRelativeDifference(dense.cpu, dense.device) < 1e-5)
        let reductions = both { a, _, _, _ in
            let c = Tensor(rows: 17, cols: 17, on: a.device)
            Kernels.gemm(a, .transposed, a, .none, into: c, alpha: 0.5)
            let joined = Tensor(rows: 17, cols: 34, on: a.device)
            Kernels.concatColumns(c, c, into: joined)
            let sums = Tensor(count: 34, on: a.device)
            Kernels.sumColumns(joined, into: sums)
            return sums
        }
        #expect(largestRelativeDifference(reductions.cpu, reductions.device) < 1e-5)
        // The fused bias, activation and skip (a strided view of `a` as the residual).
        for f in [nil, .relu, .gelu, .tanh] as [DeviceKernel.Unary?] {
            for skip in [false, true] {
                let fused = both { a, b, bias, out in
                    Kernels.gemm(a, .none, b, .none, into: out)
                    let y = Tensor(rows: 33, cols: 9, on: a.device)
                    Kernels.biasActivation(out, bias: bias, activation: f, residual: skip ? a.columns(3..<12) : nil, into: y)
                    let joined = Tensor(rows: 33, cols: 18, on: a.device)
                    Kernels.concatColumns(out, y, into: joined)  // the pre-activation is kept too
                    return joined
                }
                #expect(largestRelativeDifference(fused.cpu, fused.device) < 1e-5, "\(String(describing: f)), skip \(skip)")
            }
        }
        let x = a.copy(to: device), y = random(33, 17, seed: 5).copy(to: device)
        #expect(abs(Kernels.sum(x) - Kernels.sum(a)) < 1e-9)
        #expect(abs(Kernels.sumOfSquares(x) - Kernels.sumOfSquares(a)) < 1e-6)
        #expect(abs(Kernels.meanSquaredError(x, y) - Kernels.meanSquaredError(a, random(33, 17, seed: 5))) < 1e-9)
        // NaN comes through ReLU, the twin minimum and the clamps as it does on the CPU (Swift's
        // max and min), so a diverging run is caught alike on both backends.
        let special = Tensor(shape: [6], values: [.nan, -1, 2, .nan, .infinity, -.infinity])
        let other = Tensor(shape: [6], values: [1, .nan, .nan, 0.5, 1, 1])
        func pattern(_ t: [Float]) -> [String] { t.map { $0.isNaN ? "nan" : "\($0)" } }
        for (what, op) in [("relu", { (x: Tensor, y: Tensor, o: Tensor) in Kernels.relu(x, into: o) }),
                           ("minimum", { Kernels.minimum($0, $1, into: $2) }),
                           ("clamp", { x, _, o in Kernels.clamp(x, bound: 1.5, into: o) }),
                           ("cv coefficient", { Kernels.controlVariateCoefficient(numerator: $0, denominator: $1, ridge: 1e-3, clip: 2, into: $2) })]
            as [(String, (Tensor, Tensor, Tensor) -> Void)] {
            let onCPU = Tensor(count: 6, on: nil), onDev = Tensor(count: 6, on: device)
            op(special, other, onCPU)
            op(special.copy(to: device), other.copy(to: device), onDev)
            #expect(pattern(onCPU.toArray()) == pattern(onDev.toArray()), "\(what)")
        }
        // Random draws: the device draws the CPU's numbers from the same stream.
        var r1 = RandomStream(seed: 9), r2 = RandomStream(seed: 9)
        let n1 = Tensor(rows: 10, cols: 7, on: nil), n2 = Tensor(rows: 10, cols: 7, on: device)
        r1.fillNormal(n1); r2.fillNormal(n2)
        // Box–Muller through the device's sin, cos and log: within a few ulps of the CPU's.
        #expect(largestRelativeDifference(n1.toArray(), n2.toArray()) < 1e-6 && r1.position == r2.position)
        r1.fillUniform(n1, low: -2, high: 3); r2.fillUniform(n2, low: -2, high: 3)
        #expect(n1.toArray() == n2.toArray() && r1.position == r2.position)
    }

    /// The twin critic's TD update, with everything on the device (networks, Adam moments,
    /// targets, workspaces, the batch), against the same update on the CPU.
    @Test func criticUpdatesOnTheDeviceMatchTheCPU() {
        let device = Self.device
        let settings = TwinCritic.Settings(hidden: [64, 64], learningRate: 3e-4, maxGradNorm: 1, discount: 0.99, tau: 0.005)
        var rngCPU = RandomStream(seed: 11), rngDevice = RandomStream(seed: 11)
        let cpu = TwinCritic(stateDim: 6, actionDim: 3, settings: settings, rng: &rngCPU)
        let onDevice = Devices.using(device) { TwinCritic(stateDim: 6, actionDim: 3, settings: settings, rng: &rngDevice) }
        #expect(onDevice.online[0].stages[0].dense.kernel.device === device)
        #expect(onDevice.optimizers[1].secondMoment.tensors[0].device === device)
        for step in 0..<4 {
            let seed = UInt64(100 + 10 * step)
            let states = random(32, 6, seed: seed), actions = random(32, 3, seed: seed + 1)
            let rewards = random(32, 1, seed: seed + 2), masks = random(32, 1, seed: seed + 3, low: 0, high: 1)
            let nextStates = random(32, 6, seed: seed + 4), nextActions = random(32, 3, seed: seed + 5)
            let a = cpu.update(states: states, actions: actions, rewards: rewards, masks: masks,
                               nextStates: nextStates, nextActions: nextActions)
            let b = Devices.using(device) {
                onDevice.update(states: states.copy(to: device), actions: actions.copy(to: device), rewards: rewards.copy(to: device),
                                masks: masks.copy(to: device), nextStates: nextStates.copy(to: device),
                                nextActions: nextActions.copy(to: device))
            }
            #expect(abs(a.loss - b.loss) <= 1e-5 * max(1, abs(a.loss)), "step \(step): loss \(a.loss) vs \(b.loss)")
            #expect(abs(a.gradientNorm - b.gradientNorm) <= 1e-4 * max(1, a.gradientNorm), "step \(step): norm \(a.gradientNorm) vs \(b.gradientNorm)")
            #expect(abs(a.targetMean - b.targetMean) <= 1e-5 * max(1, abs(a.targetMean)))
        }
        let left = ParameterList(cpu.online[0]) + ParameterList(cpu.target[1])
        let right = ParameterList(onDevice.online[0]) + ParameterList(onDevice.target[1])
        for (x, y) in zip(left.tensors, right.tensors) {
            #expect(largestRelativeDifference(x.toArray(), y.toArray()) < 1e-4)
        }
    }

    /// A flow rollout and three actor updates (path points, the posterior estimate against a twin
    /// critic with its action gradients, the regression step with clipping and Adam) on the
    /// device against the CPU, from the same weights and random streams.
    @Test func flowRolloutsAndActorUpdatesOnTheDeviceMatchTheCPU() {
        let device = Self.device
        func make() -> (critic: TwinCritic, policy: FlowPolicy, learner: PolicyLearner) {
            var rng = RandomStream(seed: 21)
            let critic = TwinCritic(stateDim: 5, actionDim: 2, settings: .init(hidden: [32, 32], learningRate: 3e-4, maxGradNorm: 10,
                                                                                 discount: 0.99, tau: 0.005), rng: &rng)
            let network = PolicyNetwork(stateDim: 5, actionDim: 2, width: 32, blocks: 2, embeddingSize: 16, rng: &rng)
            let policy = FlowPolicy(network: network, settings: .init(steps: 4))
            let estimator = PosteriorEstimator(actionDim: 2, settings: .init(samples: 16, controlVariate: .paper))
            let learner = PolicyLearner(policy: policy, estimator: estimator, settings: .init(learningRate: 1e-3, maxGradNorm: 1))
            return (critic, policy, learner)
        }
        let cpu = make()
        let onDevice = Devices.using(device) { make() }
        let states = random(8, 5, seed: 31), deviceStates = states.copy(to: device)
        var cpuRNG = RandomStream(seed: 3), deviceRNG = RandomStream(seed: 3)
        let rolled = cpu.policy.sampleLatents(states: states, count: 8, particles: 4, temperature: 0.1, rng: &cpuRNG).toArray()
        let rolledOnDevice = Devices.using(device) {
            onDevice.policy.sampleLatents(states: deviceStates, count: 8, particles: 4, temperature: 0.1, rng: &deviceRNG).toArray()
        }
        #expect(rolled.count == 64 && largestRelativeDifference(rolled, rolledOnDevice) < 1e-4)
        for step in 0..<3 {
            let endpoints = random(8, 2, seed: 40 + UInt64(step), low: -2, high: 2)
            let a = cpu.learner.update(endpoints: endpoints, states: states, target: cpu.critic, temperature: 0.1, rng: &cpuRNG)
            let b = Devices.using(device) {
                onDevice.learner.update(endpoints: endpoints.copy(to: device), states: deviceStates, target: onDevice.critic,
                                        temperature: 0.1, rng: &deviceRNG)
            }
            for (x, y, what) in [(a.loss, b.loss, "loss"), (a.gradientNorm, b.gradientNorm, "gradient norm"), (a.ess, b.ess, "ESS"),
                                 (a.coefficient, b.coefficient, "coefficient"), (a.qMean, b.qMean, "Q mean"), (a.qStd, b.qStd, "Q std")] {
                #expect(abs(x - y) <= 1e-3 * max(1, abs(x)), "step \(step): \(what) \(x) on the CPU, \(y) on the device")
            }
        }
        for (x, y) in zip(ParameterList(cpu.policy.network).tensors, ParameterList(onDevice.policy.network).tensors) {
            #expect(largestRelativeDifference(x.toArray(), y.toArray()) < 1e-3)
        }
    }

    /// Whole RFM updates (particle rollouts and Boltzmann picks for the endpoints and next
    /// actions, the critic's TD step, the actor's regression) and acting, on the device against
    /// the CPU.
    /// (With `diffusion`, RFM's diffusion policy: DDPM with the clean-sample clip.)
    @Test(arguments: [false, true])
    func rfmAgentUpdatesAndActsOnTheDeviceLikeTheCPU(diffusion: Bool) {
        let settings = RFMAgent.Settings(
            networks: Self.smallNetworks(blocks: 2), flowSteps: 3,
            integrator: .euler, tMin: 0.01, posteriorSamples: 8, controlVariate: .paper, trainingParticles: 4, actingParticles: 4,
            evaluationParticles: 4, temperatureInitial: 0.05, temperatureFinal: 0.05, temperatureSteps: 1,
            diffusion: diffusion ? .init(steps: 5, schedule: .vp(), sampler: .ddpm, clipDenoised: 1) : nil)
        compareOnDevice({ RFMAgent(observationSize: 5, actionSize: 2, settings: settings, rng: &$0) }, seed: 8)
    }

    /// Three updates and acting (deterministic and stochastic) of an agent made twice from the
    /// same seed, on the CPU and on the device, on the same batches.
    func compareOnDevice(_ make: (inout RandomStream) -> Agent, seed: UInt64) {
        let device = Self.device
        var cpuRNG = RandomStream(seed: seed), deviceRNG = RandomStream(seed: seed)
        let cpu = make(&cpuRNG)
        let onDevice = Devices.using(device) { make(&deviceRNG) }
        let batch = ReplayBuffer.Batch(size: 16, observationSize: 5, actionSize: 2)
        let deviceBatch = Devices.using(device) { ReplayBuffer.Batch(size: 16, observationSize: 5, actionSize: 2) }
        for step in 0..<3 {
            let data = seed * 100 + 10 * UInt64(step)
            let fields = [(batch.observations, deviceBatch.observations), (batch.actions, deviceBatch.actions),
                          (batch.rewards, deviceBatch.rewards), (batch.masks, deviceBatch.masks),
                          (batch.nextObservations, deviceBatch.nextObservations)]
            for (k, (host, dev)) in fields.enumerated() {
                host.assign(random(host.rows, host.cols, seed: data + UInt64(k), low: k == 3 ? 0.5 : -1, high: 1))
                dev.assign(host)
            }
            let a = cpu.update(batch: batch, rng: &cpuRNG)
            let b = Devices.using(device) { onDevice.update(batch: deviceBatch, rng: &deviceRNG) }
            #expect(Set(a.keys) == Set(b.keys))
            for (key, x) in a {
                let y = b[key] ?? .nan
                #expect(abs(x - y) <= 1e-3 * max(1, abs(x)), "update \(step): \(key) \(x) on the CPU, \(y) on the device")
            }
        }
        let observations = random(3, 5, seed: seed + 1)
        for deterministic in [true, false] {
            var r1 = RandomStream(seed: 5), r2 = RandomStream(seed: 5)
            let x = cpu.act(observations: observations, deterministic: deterministic, rng: &r1).toArray()
            let y = Devices.using(device) {
                onDevice.act(observations: observations.copy(to: device), deterministic: deterministic, rng: &r2).toArray()
            }
            #expect(largestRelativeDifference(x, y) < 1e-3, "deterministic \(deterministic): \(x) vs \(y)")
        }
    }

    static let smallCritic = TwinCritic.Settings(hidden: [32, 32], learningRate: 3e-4, maxGradNorm: 10, discount: 0.99, tau: 0.005)

    /// The small critic and an actor of width 32 with `blocks` blocks (QVPO: layers).
    static func smallNetworks(blocks: Int, critic: TwinCritic.Settings = smallCritic) -> NetworkSettings {
        NetworkSettings(critic: critic, actorWidth: 32, actorBlocks: blocks, embeddingSize: 16, actorLearningRate: 3e-4,
                        actorMaxGradNorm: 10)
    }

    /// SAC: next-action sampling, the TD step with the entropy bonus, the reparameterised actor
    /// step (tanh-Gaussian kernels), the temperature step.
    @Test func sacUpdatesAndActsOnTheDeviceLikeTheCPU() {
        let settings = SACAgent.Settings(critic: Self.smallCritic, actorWidth: 32, actorBlocks: 1, actorLearningRate: 3e-4,
                                         actorMaxGradNorm: 10, alphaLearningRate: 3e-4, logStdMin: -5, logStdMax: 2)
        compareOnDevice({ SACAgent(observationSize: 5, actionSize: 2, settings: settings, rng: &$0) }, seed: 12)
    }

    /// QSM: the reference's ancestral sampler with clipping, noised targets, the critic's mean
    /// action gradient as the score target, state-seeded evaluation noise.
    @Test func qsmUpdatesAndActsOnTheDeviceLikeTheCPU() {
        let settings = QSMAgent.Settings(networks: Self.smallNetworks(blocks: 1), steps: 5, schedule: .vp(), temperature: 1,
                                         clip: 1, gradientScale: 1, targetNoise: 0.1, explorationNoise: 0.1)
        compareOnDevice({ QSMAgent(observationSize: 5, actionSize: 2, settings: settings, rng: &$0) }, seed: 13)
    }

    /// DQS: the VE sampler, the smoothed-score estimator's chunks, weighted regression.
    @Test func dqsUpdatesAndActsOnTheDeviceLikeTheCPU() {
        let settings = DQSAgent.Settings(networks: Self.smallNetworks(blocks: 1), steps: 5,
                                         schedule: VESchedule(sigmaMin: 0.01, sigmaMax: 1), diffusionScale: 1, samples: 8,
                                         weightOffset: 0.01, temperatureInitial: 0.1, temperatureFinal: 0.1, temperatureSteps: 1)
        compareOnDevice({ DQSAgent(observationSize: 5, actionSize: 2, settings: settings, rng: &$0) }, seed: 14)
    }

    /// QVPO: Mish networks (critic and policy), its DDPM with clipped clean predictions, best-of
    /// candidates, the weighted denoising loss with entropy rows; both ways of picking the best
    /// actions (sampled, and gradient ascent with its own Adam).
    @Test(arguments: QVPOAgent.BestActions.allCases)
    func qvpoUpdatesAndActsOnTheDeviceLikeTheCPU(bestActions: QVPOAgent.BestActions) {
        var critic = Self.smallCritic
        critic.activation = .mish
        let settings = QVPOAgent.Settings(networks: Self.smallNetworks(blocks: 2, critic: critic), diffusionSteps: 5, noiseRatio: 1, behaviorSamples: 4,
                                          targetSamples: 4, evaluationSamples: 4, trainingSamples: 4, epsGreedy: 0, emaMean: 0.05,
                                          emaStd: 0.05, bestActions: bestActions, actionLearningRate: 0.03, actionGradientSteps: 2,
                                          actionGradNormPerDimension: 0.1, entropyAlpha: 0.01, entropySamples: 2)
        compareOnDevice({ QVPOAgent(observationSize: 5, actionSize: 2, settings: settings, rng: &$0) }, seed: 15)
    }

    /// MaxEntDP: the cosine DDPM, the truncated-noise posterior (its draws made on the host), the
    /// denoising log-likelihood with clipped clean predictions, the entropy backup.
    @Test func maxEntDPUpdatesAndActsOnTheDeviceLikeTheCPU() {
        let settings = MaxEntDPAgent.Settings(networks: Self.smallNetworks(blocks: 1), diffusionSteps: 5, tMin: 0.001,
                                              tMax: CosineDiffusionGrid.defaultTMax(betaMax: 999), posteriorSamples: 8,
                                              logProbSamples: 4, logProbSteps: 5, evaluationCandidates: 4, temperatureInitial: 0.02,
                                              temperatureFinal: 0.02, temperatureSteps: 1)
        compareOnDevice({ MaxEntDPAgent(observationSize: 5, actionSize: 2, settings: settings, rng: &$0) }, seed: 16)
    }

    /// The training loop on the device: the replay buffer there, evaluations, an atomic
    /// checkpoint of device tensors, and an exact resume from it.
    @Test func trainingRunsAndResumesExactlyOnTheDevice() throws {
        let device = Self.device
        let config = try RunConfig.preset("cpu").overriding([
            "env=pendulum", "trainer.steps=160", "trainer.warmup=100", "trainer.batch_size=16", "trainer.eval_interval=80",
            "trainer.eval_episodes=1", "trainer.log_interval=1", "trainer.checkpoint_interval=120", "critic.hidden=16",
            "actor.hidden=16", "actor.embedding=8", "rfm.posterior_samples=8", "rfm.particles_train=3", "rfm.particles_act=3",
            "rfm.particles_eval=3",
        ])
        func folder() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("rfm-device-run-\(UUID().uuidString)") }
        let straight = folder(), interrupted = folder()
        defer { for d in [straight, interrupted] { try? FileManager.default.removeItem(at: d) } }
        let a = try Trainer(config: config, runDirectory: straight, resume: false, device: device)
        a.report = { _ in }
        #expect(a.replay.observations.device === device)
        let final = try a.run()
        #expect(final?.isFinite == true)
        let b = try Trainer(config: config, runDirectory: interrupted, resume: false, device: device)
        b.report = { _ in }
        b.stopAfterSteps = 137
        try b.run()
        let c = try Trainer(config: config, runDirectory: interrupted, resume: true, device: device)
        c.report = { _ in }
        try c.run()
        func rows(_ dir: URL) throws -> [[String: Double]] {
            try MetricsLog.readRows(dir.appendingPathComponent("metrics.jsonl")).map { $0.filter { !$0.key.hasPrefix("time/") } }
        }
        #expect(try rows(straight) == rows(interrupted))
        #expect(try rows(straight).filter { $0["eval/return"] != nil }.count == 2)
        // The first update's metrics agree with the CPU's (later ones drift apart: a Boltzmann
        // pick flips on a last-bit difference, as between any two implementations).
        let cpuRun = folder()
        defer { try? FileManager.default.removeItem(at: cpuRun) }
        let cpu = try Trainer(config: try config.overriding(["trainer.steps=101"]), runDirectory: cpuRun, resume: false)
        cpu.report = { _ in }
        try cpu.run()
        let onCPU = try #require(try rows(cpuRun).first { $0["step"] == 101 })
        let onDevice = try #require(try rows(straight).first { $0["step"] == 101 })
        for key in ["critic/loss", "critic/grad_norm", "actor/loss", "actor/grad_norm", "estimator/ess", "estimator/q_mean"] {
            let x = try #require(onCPU[key]), y = try #require(onDevice[key])
            #expect(abs(x - y) <= 1e-3 * max(1, abs(x)), "\(key): \(x) on the CPU, \(y) on the device")
        }
    }

    @Test func misuseStopsWithAMessage() async {
        await #expect(processExitsWith: .failure) {
            let t = Tensor(rows: 2, cols: 2, on: CUDAComputeDevice.emulated())
            _ = t[0, 0]
        }
        await #expect(processExitsWith: .failure) {
            let device = CUDAComputeDevice.emulated()
            Kernels.add(Tensor(count: 3, on: device), Tensor(count: 3, on: nil), into: Tensor(count: 3, on: device))
        }
        await #expect(processExitsWith: .failure) {
            let device = CUDAComputeDevice.emulated()
            // A kernel with no device implementation (a closure cannot run on a GPU).
            let t = Tensor(rows: 2, cols: 3, on: device)
            Kernels.map(t, into: t) { $0 + 1 }
        }
    }
}
