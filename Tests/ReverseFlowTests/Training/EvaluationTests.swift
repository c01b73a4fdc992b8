import Environments
import Testing
import TensorCore
import ReverseFlow

/// `Evaluation.run`: the evaluation rule against the training rule (`rfm eval --stochastic`).
struct EvaluationTests {
    /// An untrained SAC agent on Pendulum: its evaluation rule is tanh of the Gaussian's mean, its
    /// training rule a sample.
    static func agentAndEnvironment() throws -> (Agent, Environment) {
        let config = try RunConfig.preset("cpu").overriding(["env=pendulum", "agent=sac", "critic.hidden=8", "actor.hidden=8"])
        let env = try EnvironmentRegistry.make("pendulum")
        var rng = RandomStream(seed: 1)
        return (AgentRegistry.make(config, observationSize: env.observationSize, actionSize: env.actionSize, rng: &rng), env)
    }

    @Test("Each rule gives the same returns for the same seed; the two rules act differently")
    func rulesAreReproducibleAndDistinct() throws {
        let (agent, env) = try Self.agentAndEnvironment()
        let evaluation = Evaluation.run(agent: agent, environment: env, episodes: 2, runSeed: 7)
        let training = Evaluation.run(agent: agent, environment: env, episodes: 2, runSeed: 7, stochastic: true)
        #expect(evaluation == Evaluation.run(agent: agent, environment: env, episodes: 2, runSeed: 7))
        #expect(training == Evaluation.run(agent: agent, environment: env, episodes: 2, runSeed: 7, stochastic: true))
        #expect(training.count == 2 && training.allSatisfy(\.isFinite))
        #expect(training != evaluation, "sampled actions gave the evaluation rule's returns")
        // Another seed draws other actions (and other starts).
        #expect(training != Evaluation.run(agent: agent, environment: env, episodes: 2, runSeed: 8, stochastic: true))
    }
}
