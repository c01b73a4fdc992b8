import Foundation
import ReverseFlow
import TensorCore

/// The paper's toy: Boltzmann sampling of the two-moons density with no critic learning, RFM
/// (flow) against the diffusion baselines QNE (noise-expectation) and iDEM (gradient-expectation),
/// each trained with the same number of updates, batch and posterior samples K.
public enum TwoMoonsExperiment {
    public enum Method: String, CaseIterable, Sendable, Codable {
        /// Flow policy, Euler sampling, variance-optimal control variate.
        case rfm
        /// Diffusion policy (VP, DDPM), noise-expectation targets.
        case qne
        /// Diffusion policy (VP, DDPM), gradient-expectation targets.
        case idem

        /// Sampling steps used when none are given: 20 for the flow, 100 for the diffusions.
        public var defaultSteps: Int { self == .rfm ? 20 : 100 }

        public var controlVariate: ControlVariate {
            switch self {
            case .rfm: .paper
            case .qne: .noise
            case .idem: .gradient
            }
        }

        public var title: String {
            switch self {
            case .rfm: "RFM (flow)"
            case .qne: "QNE (diffusion)"
            case .idem: "iDEM (diffusion)"
            }
        }
    }

    public struct Settings: Sendable {
        public var method: Method
        /// Sampling steps (flow integration or diffusion steps).
        public var steps: Int
        /// Training updates.
        public var updates = 1000
        /// On-policy endpoints per update.
        public var batch = 256
        /// Posterior samples K per training point.
        public var posteriorSamples = 100
        public var learningRate: Float = 1e-3
        public var maxGradNorm: Float = 10
        public var width = 128
        public var blocks = 2
        public var embeddingSize = 128
        /// Samples drawn after training, for the metrics and the files.
        public var evaluationSamples = 2000
        /// Samples per set for the Sinkhorn distance (quadratic cost in memory and time).
        public var sinkhornSamples = 1000
        public var seed: UInt64 = 0
        /// The diffusions' clean-sample clip (the target lives well inside [−3, 3]²).
        public var clipDenoised: Float? = 3
        /// The flow's time margin t_min.
        public var tMin: Float = 0.01
        /// Box `[−b, b]²` onto which every method's posterior endpoint estimate is projected
        /// (``PosteriorEstimator/Settings/endpointBound``); nil for none. The same box as the
        /// diffusions' clip: the target lives well inside it, so the exact posterior mean does too.
        public var endpointBound: Float? = 3

        public init(method: Method, steps: Int? = nil) {
            self.method = method
            self.steps = steps ?? method.defaultSteps
        }
    }

    /// Figures of one run, written as `metrics.json`.
    public struct Result: Codable, Sendable {
        public var method: Method
        public var steps: Int
        public var updates: Int
        public var posteriorSamples: Int
        public var seed: UInt64
        public var slicedWasserstein: Double
        public var mmdSquared: Double
        public var sinkhorn: Double
        public var trainSeconds: Double
        public var finalLoss: Float
        public var finalESS: Float

        enum CodingKeys: String, CodingKey {
            case method, steps, updates, seed
            case posteriorSamples = "posterior_samples", slicedWasserstein = "sliced_wasserstein", mmdSquared = "mmd2"
            case sinkhorn, trainSeconds = "train_seconds", finalLoss = "final_loss", finalESS = "final_ess"
        }
    }

    /// Trains one method and evaluates its samples against exact target samples.
    /// `progress` receives a line every tenth of the updates.
    public static func run(_ s: Settings, progress: (String) -> Void = { _ in }) -> (result: Result, samples: Tensor, reference: Tensor) {
        let root = RandomStream(seed: s.seed)
        var initRNG = root.split(1), trainRNG = root.split(2), sampleRNG = root.split(3)
        // The exact samples and projections depend on the seed only, so methods compare on equal terms.
        var referenceRNG = root.split(4), metricRNG = root.split(5)
        let target = TwoMoons()
        let network = PolicyNetwork(stateDim: 0, actionDim: 2, width: s.width, blocks: s.blocks,
                                    embeddingSize: s.embeddingSize, rng: &initRNG)
        let policy: GenerativePolicy = switch s.method {
        case .rfm: FlowPolicy(network: network, settings: .init(steps: s.steps, tMin: s.tMin, squash: false))
        case .qne, .idem:
            DiffusionPolicy(network: network, settings: .init(steps: s.steps, schedule: .vp(), sampler: .ddpm, squash: false,
                                                              clipDenoised: s.clipDenoised))
        }
        let estimator = PosteriorEstimator(actionDim: 2, settings: .init(samples: s.posteriorSamples,
                                                                          controlVariate: s.method.controlVariate, squash: false,
                                                                          endpointBound: s.endpointBound))
        let learner = PolicyLearner(policy: policy, estimator: estimator,
                                    settings: .init(learningRate: s.learningRate, maxGradNorm: s.maxGradNorm))
        let start = Stopwatch.now()
        var last = PolicyLearner.Metrics(loss: .nan, gradientNorm: .nan, ess: .nan, coefficient: .nan, qMean: .nan, qStd: .nan)
        for u in 1...max(s.updates, 1) where s.updates > 0 {
            let endpoints = policy.sampleLatents(states: nil, count: s.batch, particles: 1, temperature: 1, rng: &trainRNG)
            last = learner.update(endpoints: endpoints, states: nil, target: target, temperature: 1, rng: &trainRNG)
            if u % max(s.updates / 10, 1) == 0 || u == s.updates {
                progress(String(format: "%@ update %d/%d  loss %.4f  ESS %.1f  coefficient %.3f  %.1f s",
                                s.method.rawValue, u, s.updates, last.loss, last.ess, last.coefficient, Stopwatch.now() - start))
            }
        }
        let trainSeconds = Stopwatch.now() - start
        let samples = policy.sampleLatents(states: nil, count: s.evaluationSamples, particles: 1, temperature: 1, rng: &sampleRNG).copy()
        let reference = target.sample(count: s.evaluationSamples, rng: &referenceRNG)
        let k = min(s.sinkhornSamples, s.evaluationSamples)
        let result = Result(
            method: s.method, steps: s.steps, updates: s.updates, posteriorSamples: s.posteriorSamples, seed: s.seed,
            slicedWasserstein: SampleDistances.slicedWasserstein(samples, reference, rng: &metricRNG),
            mmdSquared: SampleDistances.mmdSquared(samples, reference),
            sinkhorn: SampleDistances.sinkhorn(firstRows(samples, k), firstRows(reference, k)),
            trainSeconds: trainSeconds, finalLoss: last.loss, finalESS: last.ess)
        return (result, samples, reference)
    }

    static func firstRows(_ t: Tensor, _ n: Int) -> Tensor {
        let out = Tensor(rows: n, cols: t.cols)
        Kernels.copy(t.rows(0..<n), into: out.matrix)
        return out
    }
}
