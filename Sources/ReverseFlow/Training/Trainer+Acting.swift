import TensorCore

extension Trainer {
    /// A warm-up action: each coordinate uniform on [-1, 1) from the `warmup` stream, so the
    /// buffer holds `trainer.warmup` exploratory transitions before the first update.
    func warmupAction() -> [Float] {
        (0..<env.actionSize).map { _ in streams.warmup.uniform() * 2 - 1 }
    }

    /// The agent's stochastic action for the current observation (`observation` is a 1 × obs
    /// workspace on the agent's device; the observation goes up, the action comes back).
    func policyAction(_ observation: Tensor) -> [Float] {
        observation.setRow(0, state.observation)
        return Devices.using(device) { agent.act(observations: observation, deterministic: false, rng: &streams.act).toArray() }
    }

    /// Steps the environment with `action` and stores the transition (s, a, r, terminated, s').
    ///
    /// Only termination cuts the bootstrap; a time-limit truncation ends the episode without
    /// being stored as terminal. At an episode's end its return joins the last ten and the next
    /// episode starts from its own seed, so episodes do not depend on how the run was split.
    func stepAndStore(_ action: [Float]) throws {
        let r = env.step(action)
        try checkEnvironment(env)
        replay.add(observation: state.observation, action: action, reward: Float(r.reward),
                   terminated: r.terminated, nextObservation: r.observation)
        state.episodeReturn += r.reward
        state.observation = r.observation
        if r.terminated || r.truncated {
            state.recentReturns = Array((state.recentReturns + [state.episodeReturn]).suffix(10))
            state.episode += 1
            state.episodeReturn = 0
            state.observation = env.reset(seed: Self.episodeSeed(UInt64(config.int("seed")), state.episode))
        }
    }
}
