import ReverseFlow
import Testing
import TensorCore

@Suite struct ReplayBufferTests {
    @Test func terminationZeroesTheMaskTruncationDoesNot() {
        let buffer = ReplayBuffer(capacity: 4, observationSize: 1, actionSize: 1)
        buffer.add(observation: [0], action: [0], reward: 1, terminated: true, nextObservation: [1])
        buffer.add(observation: [1], action: [0], reward: 1, terminated: false, nextObservation: [2])  // e.g. truncated
        #expect(buffer.masks[0] == 0 && buffer.masks[1] == 1)
    }

    @Test func wrapsAroundOverwritingTheOldest() {
        let buffer = ReplayBuffer(capacity: 3, observationSize: 1, actionSize: 1)
        for i in 0..<5 {
            buffer.add(observation: [Float(i)], action: [Float(-i)], reward: Float(i), terminated: false, nextObservation: [Float(i + 1)])
        }
        #expect(buffer.count == 3 && buffer.position == 2)
        #expect(buffer.observations.toArray() == [3, 4, 2])
        var rng = RandomStream(seed: 1)
        let batch = ReplayBuffer.Batch(size: 64, observationSize: 1, actionSize: 1)
        buffer.sample(into: batch, rng: &rng)
        for i in 0..<64 {
            let o = batch.observations[i]
            #expect([2, 3, 4].contains(o))
            #expect(batch.actions[i] == -o && batch.rewards[i] == o && batch.nextObservations[i] == o + 1)
        }
    }
}
