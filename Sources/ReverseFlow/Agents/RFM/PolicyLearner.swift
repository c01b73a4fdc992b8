import NeuralNet
import TensorCore

/// The actor update shared by flow and diffusion policies: regression of the network onto
/// reverse-inference targets (method.md §5, step 4).
///
/// Given on-policy endpoints `y₁` `[B, d]` (and their states), it draws path points, estimates
/// the posterior endpoints with the target `Q` (the critic just updated, in RL), turns them into
/// the network's target (velocity or noise), and takes one Adam step on
/// `L = mean_{b,j} (net(y_t, t, s, λ) − target)²` with global-norm clipping.
public final class PolicyLearner {
    public struct Settings: Sendable, Equatable {
        public var learningRate: Float
        /// Global gradient-norm clip; nil disables clipping.
        public var maxGradNorm: Float?

        public init(learningRate: Float, maxGradNorm: Float?) {
            self.learningRate = learningRate
            self.maxGradNorm = maxGradNorm
        }
    }

    /// What one update reports.
    public struct Metrics: Sendable {
        public var loss: Float
        public var gradientNorm: Float
        /// Batch means of the estimator's diagnostics.
        public var ess: Float
        public var coefficient: Float
        public var qMean: Float
        public var qStd: Float

        public init(loss: Float, gradientNorm: Float, ess: Float, coefficient: Float, qMean: Float, qStd: Float) {
            self.loss = loss; self.gradientNorm = gradientNorm; self.ess = ess
            self.coefficient = coefficient; self.qMean = qMean; self.qStd = qStd
        }
    }

    public let policy: GenerativePolicy
    public let estimator: PosteriorEstimator
    public let settings: Settings
    /// The network's gradients, Adam and clip.
    public let actorOptimizer: ActorOptimizer<PolicyNetwork>
    /// The actor's Adam (its moments and step count are part of the agent's checkpoint).
    public var optimizer: Adam { actorOptimizer.adam }
    /// When set, the posterior and the actor step are timed into it (benchmarks).
    public var profiler: PhaseProfiler?
    private let cache = PolicyNetwork.Cache()
    private let workspace = Workspace()

    public init(policy: GenerativePolicy, estimator: PosteriorEstimator, settings: Settings) {
        precondition(estimator.settings.squash == policy.squash, "PolicyLearner: estimator and policy disagree on squashing")
        self.policy = policy
        self.estimator = estimator
        self.settings = settings
        actorOptimizer = ActorOptimizer(policy.network, learningRate: settings.learningRate, maxGradNorm: settings.maxGradNorm)
    }

    /// One regression step towards the posterior targets at fresh path points through `endpoints`.
    @discardableResult
    public func update(endpoints: Tensor, states: Tensor?, target: ActionValue, temperature: Float,
                       rng: inout RandomStream) -> Metrics {
        var pathRNG = rng.split(1), noiseRNG = rng.split(2)
        rng = rng.split(3)
        let points = policy.trainingPoints(endpoints: endpoints, rng: &pathRNG)
        let estimate = profiler.measure("posterior") {
            let noise = estimator.drawNoise(rows: endpoints.rows, rng: &noiseRNG)
            return estimator.estimate(target: target, conditions: states, yt: points.latents,
                                      alpha: points.alpha, beta: points.beta, temperature: temperature, noise: noise)
        }
        let start = Stopwatch.now()
        defer { profiler?.add("actor step", Stopwatch.now() - start) }
        workspace.reset()
        let targets = workspace.matrix(endpoints.rows, endpoints.cols)
        policy.regressionTarget(y1: estimate.y1, y0: estimate.y0, into: targets)

        let (loss, norm) = actorOptimizer.regress(states: states, latents: points.latents, times: points.times,
                                                  temperature: temperature, onto: targets, cache: cache, workspace: workspace)
        let s = estimate.summary
        return Metrics(loss: Float(loss), gradientNorm: norm, ess: s.ess, coefficient: s.coefficient, qMean: s.qMean, qStd: s.qStd)
    }
}
