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
}
