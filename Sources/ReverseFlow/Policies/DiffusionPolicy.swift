import TensorCore

/// A diffusion policy under the same reverse-inference framework (method.md §6): a
/// noise-prediction network `ε_θ(x_i, i/N, s, λ)`, a discrete VP or cosine schedule, and a DDPM
/// or DDIM sampler.
///
/// Training points: `i ~ U{1, …, N}`, `x_i = √ᾱᵢ·x₁ + √(1 − ᾱᵢ)·ε` (so `α = √ᾱᵢ`, `β = √(1 − ᾱᵢ)`
/// in the estimator's terms); the regression target is the posterior noise estimate `ŷ₀ = ε̂`.
/// With the `noise` coefficient that is QNE's target, with `gradient` the iDEM-style target, and
/// with `optimal` the control-variate form.
public final class DiffusionPolicy: GenerativePolicy {
    public enum Sampler: String, Sendable, CaseIterable {
        /// Ancestral sampling with the posterior variance `βᵢ(1 − ᾱᵢ₋₁)/(1 − ᾱᵢ)`.
        case ddpm
        /// Deterministic DDIM (η = 0).
        case ddim
    }

    public struct Settings: Sendable, Equatable {
        public var steps: Int
        public var schedule: NoiseSchedule
        public var sampler: Sampler
        public var squash: Bool
        /// When set, each step's clean-sample prediction x̂₀ is clipped to `[−c, c]` (the usual
        /// "clip denoised" of DDPM samplers; keeps an untrained model's samples in range).
        public var clipDenoised: Float?

        public init(steps: Int, schedule: NoiseSchedule = .vp(), sampler: Sampler = .ddpm, squash: Bool = true,
                    clipDenoised: Float? = nil) {
            self.steps = steps
            self.schedule = schedule
            self.sampler = sampler
            self.squash = squash
            self.clipDenoised = clipDenoised
        }
    }

    public let network: PolicyNetwork
    public let settings: Settings
    public var squash: Bool { settings.squash }
    /// `ᾱ₀ … ᾱ_N`.
    public let alphaBars: [Float]
    private let rollout = PolicyNetwork.Rollout()
    private let samplingWorkspace = Workspace()
    private let trainingWorkspace = Workspace()

    public init(network: PolicyNetwork, settings: Settings) {
        self.network = network
        self.settings = settings
        alphaBars = settings.schedule.discrete(steps: settings.steps).map { Float($0) }
    }

    public func sampleLatents(states: Tensor?, count: Int, particles: Int, temperature: Float, rng: inout RandomStream) -> Tensor {
        let n = count * particles, d = network.actionDim
        samplingWorkspace.reset()
        let x = samplingWorkspace.matrix(n, d)
        rng.fillNormal(x)
        generate(x, states: states, temperature: temperature, rng: &rng)
        return x
    }

    /// Runs the reverse chain from `x` (noise at step N) to step 0, in place.
    public func generate(_ x: Tensor, states: Tensor?, temperature: Float, rng: inout RandomStream) {
        // Every step's time, as the loop computes it (a device prepares their shares at once).
        let times = stride(from: settings.steps, through: 1, by: -1).map { Float($0) / Float(settings.steps) }
        network.prepare(rollout, states: states, temperature: temperature, times: times)
        let ws = rollout.workspace
        ws.reset()
        let x0 = ws.matrix(x.rows, x.cols), z = ws.matrix(x.rows, x.cols)
        let steps = settings.steps
        for i in stride(from: steps, through: 1, by: -1) {
            let eps = network.evaluate(rollout, latents: x, time: Float(i) / Float(steps))
            reverseStep(x, predictedNoise: eps, step: i, scratch: x0, noise: z, rng: &rng)
        }
    }

    /// One reverse step `x_i → x_{i−1}` in place, given the predicted noise `ε` at step i.
    /// `scratch` and `noise` are work tensors of x's shape.
    ///
    ///     x̂₀ = (x_i − √(1 − ᾱᵢ)·ε)/√ᾱᵢ          (clipped to [−c, c] when `clipDenoised` is set)
    ///     DDIM:  x_{i−1} = √ᾱᵢ₋₁·x̂₀ + √(1 − ᾱᵢ₋₁)·ε
    ///     DDPM:  x_{i−1} = √ᾱᵢ₋₁βᵢ/(1 − ᾱᵢ)·x̂₀ + √(1 − βᵢ)(1 − ᾱᵢ₋₁)/(1 − ᾱᵢ)·x_i + √(βᵢ(1 − ᾱᵢ₋₁)/(1 − ᾱᵢ))·z
    public func reverseStep(_ x: Tensor, predictedNoise eps: Tensor, step i: Int, scratch x0: Tensor, noise z: Tensor,
                            rng: inout RandomStream) {
        let ab = alphaBars[i], abPrev = alphaBars[i - 1]
        let ddpm = DDPMStep(clean: .divided, clip: settings.clipDenoised, retention: .oneMinusBeta, noiseScale: .posterior(floor: nil))
        switch settings.sampler {
        case .ddim:
            ddpm.estimateClean(x, predictedNoise: eps, alphaBar: ab, into: x0)
            let a = abPrev.squareRoot(), b = (1 - abPrev).squareRoot()
            Kernels.linearCombination(a, x0, b, eps, into: x)
        case .ddpm:
            ddpm.apply(x, predictedNoise: eps, alphaBar: ab, previous: abPrev, addNoise: i > 1, scratch: x0, noise: z, rng: &rng)
        }
    }

    public func trainingPoints(endpoints x1: Tensor, rng: inout RandomStream) -> PathPoints {
        let ws = trainingWorkspace
        ws.reset()
        // Step i uniform on 1…N, seen by the network as the time i/N.
        let path = ForwardNoising(x1, workspace: ws, rng: &rng) { rng in
            let i = 1 + rng.integer(below: settings.steps)
            return (Float(i) / Float(settings.steps), alphaBars[i].squareRoot(), (1 - alphaBars[i]).squareRoot())
        }
        return PathPoints(latents: path.noisy, times: path.times, alpha: path.signal, beta: path.noiseScale)
    }

    public func regressionTarget(y1: Tensor, y0: Tensor, into out: Tensor) {
        out.assign(y0)
    }
}
