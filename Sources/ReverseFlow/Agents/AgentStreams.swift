import TensorCore

extension RandomStream {
    /// The streams an agent's initialiser builds its networks from, split the same way by every
    /// agent: the actor's from split 1 and the critic's from split 2, while the stream itself
    /// moves on to split 3 (what the caller draws from next).
    mutating func splitActorCritic() -> (actor: RandomStream, critic: RandomStream) {
        let streams = (actor: split(1), critic: split(2))
        self = split(3)
        return streams
    }

    /// An agent's actor, made by `actor` from the actor's stream, and its twin critic of `critic`
    /// from the critic's (``splitActorCritic()``): what every agent's initialiser starts with.
    /// The streams are independent, so the order the two are built in changes nothing.
    mutating func actorAndCritic<Actor>(observationSize: Int, actionSize: Int, critic: TwinCritic.Settings,
                                        actor: (inout RandomStream) -> Actor) -> (actor: Actor, critic: TwinCritic) {
        var (actorRNG, criticRNG) = splitActorCritic()
        let made = actor(&actorRNG)
        return (made, TwinCritic(stateDim: observationSize, actionDim: actionSize, settings: critic, rng: &criticRNG))
    }

    /// ``actorAndCritic(observationSize:actionSize:critic:actor:)`` for the agents whose actor is
    /// the ``PolicyNetwork`` of the `actor:` section, beside the critic of `networks.critic`.
    mutating func policyAndCritic(observationSize: Int, actionSize: Int,
                                  networks: NetworkSettings) -> (actor: PolicyNetwork, critic: TwinCritic) {
        actorAndCritic(observationSize: observationSize, actionSize: actionSize, critic: networks.critic) { rng in
            PolicyNetwork(stateDim: observationSize, actionDim: actionSize, settings: networks, rng: &rng)
        }
    }
}
