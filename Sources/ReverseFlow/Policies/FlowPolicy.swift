import TensorCore

/// A flow policy (method.md §2): noise `y₀ ~ N(0, I)` at `t = t_min` is carried to an action
/// latent at `t = 1 − t_min` by `dy/dt = v_θ(t, y, s, λ)`, then `a = tanh(y)`.
///
/// Training points are on the linear path `y_t = t·y₁ + (1 − t)·y₀`, `t ~ U[t_min, 1 − t_min]`,
/// and the regression target is the posterior mean velocity `ŷ₁ − ŷ₀`.
public final class FlowPolicy: GenerativePolicy {
    /// The ODE integrator.
    public enum Integrator: String, Sendable, CaseIterable {
        /// `y ← y + Δt·v(t, y)`: one network evaluation per step (the paper preset).
        case euler
        /// Heun's predictor–corrector: two evaluations per step, second order.
        case heun
    }

    public struct Settings: Sendable, Equatable {
        /// Integration steps (10 in the paper preset).
        public var steps: Int
        public var integrator: Integrator
        /// The time margin `t_min` at both ends (0.01 in the paper preset).
        public var tMin: Float
        /// Whether actions are `tanh` of the latents.
        public var squash: Bool

        public init(steps: Int, integrator: Integrator = .euler, tMin: Float = 0.01, squash: Bool = true) {
            self.steps = steps
            self.integrator = integrator
            self.tMin = tMin
            self.squash = squash
        }
    }

    public let network: PolicyNetwork
    public let settings: Settings
    public var squash: Bool { settings.squash }
    /// Sampling and training points live in separate pools: training points are drawn from
    /// endpoints that a sampling call may just have returned.
    private let samplingWorkspace = Workspace()
    private let trainingWorkspace = Workspace()

    public init(network: PolicyNetwork, settings: Settings) {
        precondition(settings.steps >= 1, "FlowPolicy: need at least one integration step")
        precondition(settings.tMin >= 0 && settings.tMin < 0.5, "FlowPolicy: t_min must be in [0, 0.5)")
        self.network = network
        self.settings = settings
    }

    public func sampleLatents(states: Tensor?, count: Int, particles: Int, temperature: Float, rng: inout RandomStream) -> Tensor {
        let n = count * particles, d = network.actionDim
        samplingWorkspace.reset()
        let y = samplingWorkspace.matrix(n, d)
        rng.fillNormal(y)
        integrate(y, states: states, temperature: temperature)
        return y
    }

    /// The flow is deterministic given its noise: `rng` is unused.
    public func generate(_ x: Tensor, states: Tensor?, temperature: Float, rng: inout RandomStream) {
        integrate(x, states: states, temperature: temperature)
    }

    /// Rows per block of a rollout: a block's activations (`rows × width` floats per layer) stay
    /// in a core's cache, and blocks run on all ``Parallel/workers``.
    public static let blockRows = 256

    /// One worker's scratch: its rollout shares and its block of latents and states.
    private final class Worker {
        let rollout = PolicyNetwork.Rollout()
        let io = Workspace()
    }
    private var workers: [Worker] = []

    /// Integrates the flow in place from `y` at `t_min` to `1 − t_min`.
    ///
    /// Rows of different states never interact, so the rollout runs in blocks of whole states
    /// (about ``blockRows`` rows each), in parallel; every block does exactly what one rollout
    /// over all rows would do to those rows.
    public func integrate(_ y: Tensor, states: Tensor?, temperature: Float) {
        let n = y.rows
        let groups = states?.rows ?? n
        let perGroup = n / groups
        precondition(groups * perGroup == n, "FlowPolicy.integrate: \(n) latents do not split over \(groups) states")
        while workers.count < max(1, Parallel.workers) { workers.append(Worker()) }
        let blocked = Parallel.forEachGroupBlock(groups: groups, perGroup: perGroup, blockRows: Self.blockRows) { g, rows, w in
            let worker = workers[w]
            worker.io.reset()
            let latents = worker.io.matrix(rows.count, y.cols)
            Kernels.copy(y.rows(rows), into: latents.matrix)
            let blockStates = states.map { states in
                let s = worker.io.matrix(g.count, states.cols)
                Kernels.copy(states.rows(g), into: s.matrix)
                return s
            }
            integrateBlock(latents, states: blockStates, temperature: temperature, rollout: worker.rollout)
            Kernels.copy(latents.matrix, into: y.rows(rows))
        }
        if !blocked { integrateBlock(y, states: states, temperature: temperature, rollout: workers[0].rollout) }
    }

    /// The rollout of one block: Euler or Heun steps with the block's shares computed once.
    private func integrateBlock(_ y: Tensor, states: Tensor?, temperature: Float, rollout: PolicyNetwork.Rollout) {
        let t0 = settings.tMin, t1 = 1 - settings.tMin
        let dt = (t1 - t0) / Float(settings.steps)
        // Every time the integrator will ask for, computed as the loop computes them, so that a
        // device can prepare all the steps' time shares at once.
        var times = (0..<settings.steps).map { t0 + dt * Float($0) }
        if settings.integrator == .heun { times += times.map { $0 + dt } }
        network.prepare(rollout, states: states, temperature: temperature, times: times)
        let ws = rollout.workspace
        ws.reset()
        let yPred = ws.matrix(y.rows, y.cols), v0 = ws.matrix(y.rows, y.cols)
        for i in 0..<settings.steps {
            let t = t0 + dt * Float(i)
            switch settings.integrator {
            case .euler:
                Kernels.axpy(dt, network.evaluate(rollout, latents: y, time: t), y)
            case .heun:
                v0.assign(network.evaluate(rollout, latents: y, time: t))
                yPred.assign(y)
                Kernels.axpy(dt, v0, yPred)
                let v1 = network.evaluate(rollout, latents: yPred, time: t + dt)
                Kernels.axpy(0.5 * dt, v0, y)
                Kernels.axpy(0.5 * dt, v1, y)
            }
        }
    }

    public func trainingPoints(endpoints y1: Tensor, rng: inout RandomStream) -> PathPoints {
        let b = y1.rows
        let ws = trainingWorkspace
        ws.reset()
        let t = ws.vector(b), beta = ws.vector(b)
        rng.fillUniform(t, low: settings.tMin, high: 1 - settings.tMin)
        Kernels.oneMinus(t, into: beta)
        let y0 = ws.matrix(b, y1.cols), yt = ws.matrix(b, y1.cols)
        rng.fillNormal(y0)
        // y_t = t·y₁ + (1 − t)·y₀, row by row.
        Kernels.groupAffine(y0, scale: beta, shift: y1, shiftScale: t, into: yt)
        return PathPoints(latents: yt, times: t, alpha: t, beta: beta)
    }

    public func regressionTarget(y1: Tensor, y0: Tensor, into out: Tensor) {
        Kernels.subtract(y1, y0, into: out)
    }
}
