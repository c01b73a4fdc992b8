import Environments
import TensorCore

/// Evaluation episodes with the agent's evaluation rule.
public enum Evaluation {
    /// The seed of evaluation episode `e`: the same starts at every evaluation of a run, so the
    /// points of a learning curve are comparable, and different from any training episode.
    public static func episodeSeed(runSeed: UInt64, episode: Int) -> UInt64 {
        splitMix64(runSeed &+ 0xE7A1_0000_0000 &+ UInt64(episode))
    }

    /// Returns of `episodes` full episodes; the agent acts on `device` when it lives there.
    /// `stochastic` acts with the agent's training rule (its sampled actions, drawn from a stream
    /// seeded by `runSeed`) instead of its evaluation rule: a diagnostic of how much the
    /// evaluation rule itself gains or loses.
    public static func run(agent: Agent, environment env: Environment, episodes: Int, runSeed: UInt64,
                           device: ComputeDevice? = nil, stochastic: Bool = false) -> [Double] {
        run(agent: agent, environment: env, episodes: episodes, runSeed: runSeed, device: device,
            stochastic: stochastic) { _, _, _ in }
    }

    /// The same episodes; `onStep(episode, step, returnSoFar)` runs after each reset (step 0) and after each step,
    /// with the environment in that state (`rfm render` draws a frame there).
    public static func run(agent: Agent, environment env: Environment, episodes: Int, runSeed: UInt64,
                           device: ComputeDevice? = nil, stochastic: Bool = false,
                           onStep: (_ episode: Int, _ step: Int, _ returnSoFar: Double) throws -> Void) rethrows -> [Double] {
        // Used only by `stochastic` (the evaluation rules are deterministic).
        var rng = RandomStream(seed: runSeed, stream: 0xE7A1)
        let obs = Tensor(rows: 1, cols: env.observationSize, on: device)
        var returns: [Double] = []
        for e in 0..<episodes {
            var o = env.reset(seed: episodeSeed(runSeed: runSeed, episode: e))
            var total = 0.0
            var step = 0
            try onStep(e, step, total)
            while true {
                obs.setRow(0, o)
                let a = Devices.using(device) { agent.act(observations: obs, deterministic: !stochastic, rng: &rng).toArray() }
                let r = env.step(a)
                total += r.reward
                o = r.observation
                step += 1
                try onStep(e, step, total)
                if r.terminated || r.truncated { break }
            }
            returns.append(total)
        }
        return returns
    }
}
