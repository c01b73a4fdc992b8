import Testing
import TensorCore
import ReverseFlow

/// The optimised paths (hoisted first layer, blocks of rows on several workers) against the
/// straightforward computation on the same inputs.
@Suite("Optimised rollouts and Q evaluation equal the straightforward ones")
struct ParallelRolloutTests {
    /// A flow rollout by the training path: every step assembles the full input
    /// `concat(s, y, emb(t), emb(λ))` for every particle and runs the whole network.
    static func naiveRollout(_ policy: FlowPolicy, y0: Tensor, states: Tensor, particles: Int, temperature: Float) -> Tensor {
        let n = y0.rows
        let y = Tensor(rows: n, cols: y0.cols)
        y.assign(y0)
        let repeated = Tensor(rows: n, cols: states.cols)
        Kernels.repeatRows(states, times: particles, into: repeated)
        let t0 = policy.settings.tMin, dt = (1 - 2 * t0) / Float(policy.settings.steps)
        let cache = PolicyNetwork.Cache()
        let times = Tensor(count: n)
        for i in 0 ..< policy.settings.steps {
            times.fill(t0 + dt * Float(i))
            let v = policy.network.forward(states: repeated, latents: y, times: times, temperature: temperature, cache: cache)
            Kernels.axpy(dt, v, y)
        }
        return y
    }

    @Test("Flow rollout: 1 and 2 workers, 1 and many blocks, and the naive per-particle loop agree", arguments: [1, 7, 40])
    func rollout(states count: Int) throws {
        var rng = RandomStream(seed: 21)
        let net = PolicyNetwork(stateDim: 5, actionDim: 3, width: 64, blocks: 2, embeddingSize: 16, rng: &rng)
        let policy = FlowPolicy(network: net, settings: .init(steps: 6))
        let particles = 32   // 40 states × 32 = 1280 rows: five blocks of at most 256
        let states = Tensor(rows: count, cols: 5)
        rng.fillNormal(states)
        let y0 = Tensor(rows: count * particles, cols: 3)
        rng.fillNormal(y0)
        let expected = Self.naiveRollout(policy, y0: y0, states: states, particles: particles, temperature: 0.05)
        var results: [[Float]] = []
        for workers in [1, 2] {
            let y = Tensor(rows: y0.rows, cols: 3)
            y.assign(y0)
            Parallel.withWorkers(workers) { policy.integrate(y, states: states, temperature: 0.05) }
            results.append(y.toArray())
            let worst = zip(y.toArray(), expected.toArray()).map { abs($0 - $1) }.max()!
            #expect(worst <= 1e-4, "\(workers) worker(s), \(count) states: max difference from the naive rollout \(worst)")
        }
        // Equal up to float rounding, not bit for bit: where OpenBLAS tiles rows in other multiples
        // than the blocks (24-row tiles on some AVX-512 machines), a block boundary changes the
        // last bits (see TensorCoreTests' ParallelTests). Runs are reproducible per thread count.
        #expect(Self.relativeDifference(results[0], results[1]) <= 1e-5, "the worker count changed the numbers beyond rounding")
    }

    @Test("Twin-critic Q and ∇ₐQ: blocked on 2 workers equals one pass over all rows")
    func criticEvaluation() throws {
        var rng = RandomStream(seed: 5)
        let critic = TwinCritic(stateDim: 4, actionDim: 2, settings: .init(hidden: [32, 32], learningRate: 1e-3, maxGradNorm: nil,
                                                                           discount: 0.99, tau: 0.005), rng: &rng)
        let groups = 50, k = 40   // 2000 rows: several blocks
        let states = Tensor(rows: groups, cols: 4), actions = Tensor(rows: groups * k, cols: 2)
        rng.fillNormal(states)
        rng.fillUniform(actions, low: -1, high: 1)
        // The straightforward answer: minQ on explicitly repeated states.
        let repeated = Tensor(rows: groups * k, cols: 4)
        Kernels.repeatRows(states, times: k, into: repeated)
        let direct = Tensor(rows: groups * k, cols: 1)
        critic.minQ(states: repeated, actions: actions, into: direct)
        var outputs: [([Float], [Float])] = []
        for workers in [1, 2] {
            let values = Tensor(rows: groups * k, cols: 1), gradients = Tensor(rows: groups * k, cols: 2)
            Parallel.withWorkers(workers) {
                critic.evaluate(conditions: states, actions: actions, values: values, gradients: gradients)
            }
            outputs.append((values.toArray(), gradients.toArray()))
            let worst = zip(values.toArray(), direct.toArray()).map { abs($0 - $1) }.max()!
            #expect(worst <= 1e-5, "\(workers) worker(s): Q differs from minQ by \(worst)")
        }
        #expect(Self.relativeDifference(outputs[0].0, outputs[1].0) <= 1e-5 && Self.relativeDifference(outputs[0].1, outputs[1].1) <= 1e-5,
                "the worker count changed the numbers beyond rounding")
    }

    /// The largest `|x − y| / max(1, |x|)` over two equally long arrays.
    static func relativeDifference(_ x: [Float], _ y: [Float]) -> Float {
        zip(x, y).map { abs($0 - $1) / max(1, abs($0)) }.max() ?? 0
    }
}
