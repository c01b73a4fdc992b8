import Foundation
import NeuralNet
import TensorCore

/// QVPO (Ding et al., 2024), as the reference's `qvpo.py` implements it: a diffusion policy
/// trained by a Q-weighted denoising loss on its own best samples, plus an entropy term on uniform
/// actions; a Mish twin critic; a Polyak target copy of the policy for the TD targets.
///
/// One update on a batch (s, a, r, mask, s′):
/// 1. `a′`: `target_samples` samples per s′ from the target policy, the argmax of `min(Q̄₁, Q̄₂)`;
/// 2. critic TD update `r + γ·mask·min(Q̄₁, Q̄₂)(s′, a′)` (no entropy term), Polyak of the critics;
/// 3. behaviour actions and weights, with the critic just updated (``BestActions``):
///    - `sampled` (the reference's `action_augmentation: true`): `train_samples` samples per s,
///      `a* = argmax Q`, `w = max(Q(s, a*) − mean_i Q(s, aᵢ), 0)`;
///    - `gradient`: the replay actions moved by `action_gradient_steps` Adam steps on `−mean Q`
///      (lr `action_lr`, global-norm clip `0.1·d`, clipped to `[−1, 1]` after each), `w = max(Q(s, a*), 0)`;
/// 4. entropy rows: `entropy_samples` uniform actions per state with weight `entropy_alpha·w`;
/// 5. actor step on `L = mean over all rows of w·mean_j(ε_θ(√ᾱᵢ·a + √(1 − ᾱᵢ)·ε, i, s) − ε)²`,
///    `i ~ U{0 … N − 1}` per row; the weights are neither normalised nor detached differently;
/// 6. Polyak of the target policy.
///
/// Acting: `behavior_samples` samples, argmax Q (online critics); with probability `eps_greedy` one
/// raw sample. Evaluation: `eval_samples` samples with noise seeded by the state, argmax Q.
public final class QVPOAgent: Agent {
    /// Where the behaviour actions of the weighted loss come from.
    public enum BestActions: String, Sendable, CaseIterable {
        case sampled
        case gradient
    }

    public struct Settings: Sendable, Equatable {
        /// The critic and the actor network (`critic:`, `actor:`), with QVPO's own gradient clips and
        /// its Mish critic; `networks.actorBlocks` is the number of its policy's layers.
        public var networks: NetworkSettings
        public var diffusionSteps: Int
        public var noiseRatio: Float
        public var behaviorSamples: Int
        public var targetSamples: Int
        public var evaluationSamples: Int
        public var trainingSamples: Int
        public var epsGreedy: Float
        public var emaMean: Float
        public var emaStd: Float
        public var bestActions: BestActions
        public var actionLearningRate: Float
        public var actionGradientSteps: Int
        /// The action-gradient clip is this times the action dimension.
        public var actionGradNormPerDimension: Float
        public var entropyAlpha: Float
        public var entropySamples: Int

        public init(networks: NetworkSettings, diffusionSteps: Int, noiseRatio: Float,
                    behaviorSamples: Int, targetSamples: Int, evaluationSamples: Int, trainingSamples: Int,
                    epsGreedy: Float, emaMean: Float, emaStd: Float, bestActions: BestActions, actionLearningRate: Float,
                    actionGradientSteps: Int, actionGradNormPerDimension: Float, entropyAlpha: Float, entropySamples: Int) {
            self.networks = networks; self.diffusionSteps = diffusionSteps; self.noiseRatio = noiseRatio
            self.behaviorSamples = behaviorSamples; self.targetSamples = targetSamples
            self.evaluationSamples = evaluationSamples; self.trainingSamples = trainingSamples
            self.epsGreedy = epsGreedy; self.emaMean = emaMean; self.emaStd = emaStd; self.bestActions = bestActions
            self.actionLearningRate = actionLearningRate; self.actionGradientSteps = actionGradientSteps
            self.actionGradNormPerDimension = actionGradNormPerDimension; self.entropyAlpha = entropyAlpha
            self.entropySamples = entropySamples
        }
    }

    /// One tensor as a parameter container (the actions of the action-gradient steps).
    final class Box: ParameterContainer {
        let value: Tensor
        init(_ value: Tensor) { self.value = value }
        func forEachParameter(_ body: (String, Tensor) throws -> Void) rethrows { try body("value", value) }
        func zerosLike() -> Box { Box(value.zerosLike()) }
    }

    public let settings: Settings
    public let critic: TwinCritic
    public let network: QVPONetwork
    /// The Polyak copy of ``network`` that samples the TD targets' next actions.
    public let targetNetwork: QVPONetwork
    public let diffusion: QVPODiffusion
    let actorOptimizer: ActorOptimizer<QVPONetwork>
    let onlineList: ParameterList
    let targetList: ParameterList
    /// EMAs of the mean and standard deviation of the critic's values (diagnostics, as the reference).
    public private(set) var runningQMean: Float = 0
    public private(set) var runningQStd: Float = 1
    private let cache = QVPONetwork.Cache()
    private let workspace = Workspace()
    /// The picks of each batch size in use (on the agent's device).
    private let picksBySize = IndicesCache()

    public init(observationSize: Int, actionSize: Int, settings: Settings, rng: inout RandomStream) {
        self.settings = settings
        let networks = settings.networks
        (network, critic) = rng.actorAndCritic(observationSize: observationSize, actionSize: actionSize, critic: networks.critic) { rng in
            QVPONetwork(stateDim: observationSize, actionDim: actionSize, width: networks.actorWidth, layers: networks.actorBlocks,
                        embeddingSize: networks.embeddingSize, rng: &rng)
        }
        targetNetwork = network.copy()
        diffusion = QVPODiffusion(network: network, steps: settings.diffusionSteps, noiseRatio: settings.noiseRatio)
        actorOptimizer = ActorOptimizer(network, settings: networks)
        onlineList = ParameterList(network)
        targetList = ParameterList(targetNetwork)
    }

    public func act(observations: Tensor, deterministic: Bool, rng: inout RandomStream) -> Tensor {
        workspace.reset()
        let b = observations.rows, d = critic.actionDim
        let actions = workspace.matrix(b, d)
        if deterministic {
            let p = settings.evaluationSamples
            critic.pickBestPerState(observations, purpose: .qvpoEvaluation, candidates: p, scoring: .online,
                                    workspace: workspace, picks: picksBySize, into: actions) { state, stream in
                diffusion.sample(states: state, particles: p, rng: &stream)
            }
            return actions
        }
        if settings.epsGreedy > 0, rng.uniform() < settings.epsGreedy {
            actions.assign(diffusion.sample(states: observations, particles: 1, rng: &rng))
            return actions
        }
        let candidates = diffusion.sample(states: observations, particles: settings.behaviorSamples, rng: &rng)
        best(of: candidates, states: observations, particles: settings.behaviorSamples, useTarget: false, into: actions.matrix)
        return actions
    }

    /// Writes each state's argmax-`min Q` candidate (online or target critics) into `out` `[G, d]`,
    /// and returns the candidates' values `[G, P]` (online critics only; owned by the workspace).
    @discardableResult
    private func best(of candidates: Tensor, states: Tensor, particles p: Int, useTarget: Bool, into out: MatrixRef) -> Tensor {
        let g = states.rows
        let q = workspace.matrix(g * p, 1), picked = workspace.matrix(g, candidates.cols)
        critic.pickBest(of: candidates, states: states, particles: p, scoring: useTarget ? .targetMinimum : .online, values: q,
                        picks: picksBySize.indices(count: g, on: q.device), into: picked)
        Kernels.copy(picked.matrix, into: out)
        return q
    }

    public func update(batch: ReplayBuffer.Batch, rng: inout RandomStream) -> Metrics {
        let b = batch.size, d = critic.actionDim
        workspace.reset()
        var nextRNG = rng.split(1), actorRNG = rng.split(2), entropyRNG = rng.split(3), lossRNG = rng.split(4)
        rng = rng.split(5)

        // 1–2. Next actions from the target policy and target critics; critic step.
        let nextActions = workspace.matrix(b, d)
        let nextCandidates = diffusion.sample(targetNetwork, states: batch.nextObservations, particles: settings.targetSamples,
                                              rng: &nextRNG)
        best(of: nextCandidates, states: batch.nextObservations, particles: settings.targetSamples, useTarget: true,
             into: nextActions.matrix)
        let c = critic.update(states: batch.observations, actions: batch.actions, rewards: batch.rewards,
                              masks: batch.masks, nextStates: batch.nextObservations, nextActions: nextActions)

        // 3. Behaviour actions and their weights, with the critic just updated.
        let bestActions = workspace.matrix(b, d), qBest = workspace.matrix(b, 1), baseline = workspace.matrix(b, 1)
        let qMean: Float, qStd: Float
        switch settings.bestActions {
        case .sampled:
            let p = settings.trainingSamples
            let candidates = diffusion.sample(states: batch.observations, particles: p, rng: &actorRNG)
            let q = best(of: candidates, states: batch.observations, particles: p, useTarget: false, into: bestActions.matrix)
            Kernels.maxRows(q, into: qBest)
            Kernels.sumRows(q, into: baseline)
            Kernels.scale(baseline, by: 1 / Float(p), into: baseline)
            (qMean, qStd) = Self.meanAndStd(q)
        case .gradient:
            let q = workspace.matrix(b, 1)
            critic.evaluate(conditions: batch.observations, actions: batch.actions, values: q, gradients: nil)
            (qMean, qStd) = Self.meanAndStd(q)
            bestActions.assign(batch.actions)
            ascend(bestActions, states: batch.observations)
            critic.evaluate(conditions: batch.observations, actions: bestActions, values: q, gradients: nil)
            qBest.assign(q)
            baseline.fill(0)
        }
        runningQStd += settings.emaStd * (qStd - runningQStd)
        runningQMean += settings.emaMean * (qMean - runningQMean)
        let weights = workspace.matrix(b, 1)
        Kernels.subtract(qBest, baseline, into: weights)
        Kernels.relu(weights, into: weights)

        // 4. Rows of the weighted loss: the best actions, then entropy_samples uniform actions per state.
        let m = settings.entropyAlpha > 0 ? settings.entropySamples : 0
        let rows = b * (1 + m)
        let states = workspace.matrix(rows, batch.observations.cols), actions = workspace.matrix(rows, d)
        let rowWeights = workspace.matrix(rows, 1)
        Kernels.copy(batch.observations.matrix, into: states.rows(0..<b))
        Kernels.copy(bestActions.matrix, into: actions.rows(0..<b))
        Kernels.copy(weights.matrix, into: rowWeights.rows(0..<b))
        if m > 0 {
            let repeatedStates = workspace.matrix(b * m, batch.observations.cols), uniform = workspace.matrix(b * m, d)
            Kernels.repeatRows(batch.observations, times: m, into: repeatedStates)
            Kernels.copy(repeatedStates.matrix, into: states.rows(b..<rows))
            entropyRNG.fillUniform(uniform, low: -1, high: 1)
            Kernels.copy(uniform.matrix, into: actions.rows(b..<rows))
            let scaled = workspace.matrix(b, 1), repeated = workspace.matrix(b * m, 1)
            Kernels.scale(weights, by: settings.entropyAlpha, into: scaled)
            Kernels.repeatRows(scaled, times: m, into: repeated)
            Kernels.copy(repeated.matrix, into: rowWeights.rows(b..<rows))
        }

        // 5. The weighted denoising loss and the actor step.
        let (loss, norm) = actorStep(states: states, actions: actions, weights: rowWeights, rng: &lossRNG)

        // 6. Target policy.
        polyakUpdate(target: targetList, online: onlineList, tau: settings.networks.critic.tau)
        return [
            "critic/loss": Double(c.loss), "critic/grad_norm": Double(c.gradientNorm), "critic/target_mean": Double(c.targetMean),
            "actor/loss": loss, "actor/grad_norm": Double(norm),
            "actor/weight_mean": Kernels.sum(weights) / Double(b),
            "agent/running_q_mean": Double(runningQMean), "agent/running_q_std": Double(runningQStd),
        ]
    }

    /// `L = mean_r w_r·mean_j(ε_θ(x_r, i_r, s_r) − ε_r)²` and one clipped Adam step; returns (L, ‖∇L‖).
    private func actorStep(states: Tensor, actions: Tensor, weights: Tensor, rng: inout RandomStream) -> (Double, Float) {
        let n = actions.rows, d = actions.cols
        // Step index i uniform on 0…N−1, its coefficients those of ᾱ_{i+1}.
        let path = ForwardNoising(actions, workspace: workspace, rng: &rng) { rng in
            let i = rng.integer(below: settings.diffusionSteps)
            return (Float(i), diffusion.alphaBars[i + 1].squareRoot(), (1 - diffusion.alphaBars[i + 1]).squareRoot())
        }
        let steps = path.times, noise = path.noise, noisy = path.noisy
        let prediction = network.forward(actions: noisy, steps: steps, states: states, cache: cache)
        let diff = workspace.matrix(n, d), perRow = workspace.vector(n)
        Kernels.subtract(prediction, noise, into: diff)
        let squared = workspace.matrix(n, d)
        Kernels.multiply(diff, diff, into: squared)
        Kernels.sumRows(squared, into: perRow)
        Kernels.multiply(perRow, weights, into: perRow)
        let loss = Kernels.sum(perRow) / Double(n * d)
        // ∂L/∂ε_θ = 2·w_r·(ε_θ − ε)/(n·d).
        let rowScale = workspace.vector(n), zero = workspace.matrix(n, d)
        Kernels.scale(weights, by: 2 / Float(n * d), into: rowScale)
        zero.fill(0)
        Kernels.groupAffine(diff, scale: rowScale, shift: zero, shiftScale: rowScale, into: diff)
        network.backward(diff, cache: cache, gradients: actorOptimizer.gradients)
        return (loss, actorOptimizer.step())
    }

    /// The `gradient` behaviour actions: Adam steps (fresh moments) on `−mean_b min Q(s_b, a_b)`,
    /// the gradient clipped to global norm `0.1·d`, the actions clipped to `[−1, 1]` after each step.
    private func ascend(_ actions: Tensor, states: Tensor) {
        let b = actions.rows, d = actions.cols
        let box = Box(actions), gradient = Box(workspace.matrix(b, d))
        let list = ParameterList(gradient)
        let adam = Adam(for: box, settings: .init(learningRate: settings.actionLearningRate))
        let q = workspace.matrix(b, 1)
        let clip = settings.actionGradNormPerDimension * Float(d)
        for _ in 0..<settings.actionGradientSteps {
            critic.evaluate(conditions: states, actions: actions, values: q, gradients: gradient.value)
            Kernels.scale(gradient.value, by: -1 / Float(b), into: gradient.value)
            if clip > 0 { clipGlobalNorm(list, maxNorm: clip) }
            adam.step(list)
            Kernels.clamp(actions, bound: 1, into: actions)
        }
    }

    /// Mean and population standard deviation of all elements.
    static func meanAndStd(_ t: Tensor) -> (Float, Float) {
        let n = Double(t.count), mean = Kernels.sum(t) / n
        let meanSquare = Kernels.sumOfSquares(t) / n
        return (Float(mean), Float(max(meanSquare - mean * mean, 0).squareRoot()))
    }

    public var stateTensors: ParameterList {
        ActorCriticState.tensors(actor: network, optimizer: actorOptimizer.adam, critic: critic,
                                 extra: ParameterList(targetNetwork, prefix: "actor_target"))
    }

    public var stateScalars: [String: Double] {
        ActorCriticState.scalars(optimizer: actorOptimizer.adam, critic: critic,
                                 agent: ["running_q_mean": Double(runningQMean), "running_q_std": Double(runningQStd)])
    }

    public func restoreScalars(_ s: [String: Double]) throws {
        let v = try ActorCriticState.restore(s, optimizer: actorOptimizer.adam, critic: critic, agentKeys: ["running_q_mean", "running_q_std"])
        runningQMean = Float(v["running_q_mean"]!)
        runningQStd = Float(v["running_q_std"]!)
    }
}
