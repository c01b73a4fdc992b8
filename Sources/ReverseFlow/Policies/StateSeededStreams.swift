import TensorCore

/// Random streams seeded by states, for evaluation: the noise an agent draws for a state depends
/// on that state alone (a hash of its bits, ``stateHash(_:_:)``), so the same observation always
/// gets the same action, whatever else is in the batch and whatever ran before.
///
/// `purpose` is the stream id that keeps the draws of different uses apart; each agent's value is
/// fixed (changing it changes that agent's evaluation numbers).
enum StateSeededStreams {
    /// The purposes in use, one per agent and use.
    enum Purpose: UInt64 {
        /// RFM's evaluation particles, and the diffusion samplers' per-row noise (``NoiseSource``).
        case rfmEvaluation = 0xE7A1
        /// RFM's sampler step noise, seeded by the whole batch of states.
        case rfmStepNoise = 0xE7A2
        /// MaxEntDP's evaluation candidates.
        case maxEntDPEvaluation = 0xD1FF
        /// QVPO's evaluation candidates.
        case qvpoEvaluation = 0x0F0E
    }

    /// One stream per row of `states` `[B, S]`. States on a device are read back for the hash.
    static func perRow(_ states: Tensor, purpose: Purpose) -> [RandomStream] {
        let host = states.device == nil ? states : states.copy(to: nil)
        return (0..<states.rows).map { RandomStream(seed: stateHash(host.data + $0 * states.cols, states.cols), stream: purpose.rawValue) }
    }

    /// One stream seeded by every element of `states` together.
    static func whole(_ states: Tensor, purpose: Purpose) -> RandomStream {
        let host = states.device == nil ? states : states.copy(to: nil)
        return RandomStream(seed: stateHash(host.data, host.count), stream: purpose.rawValue)
    }
}

/// A 64-bit hash of a row of floats (their bit patterns, position-mixed), used to seed the
/// evaluation noise of a state.
func stateHash(_ row: UnsafePointer<Float>, _ n: Int) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15
    for j in 0..<n {
        var x = UInt64(row[j].bitPattern) &+ 0x9E37_79B9 &* UInt64(j + 1)
        x ^= x >> 33; x = x &* 0xFF51_AFD7_ED55_8CCD; x ^= x >> 33
        h = (h ^ x) &* 0xC4CE_B9FE_1A85_EC53
    }
    return h
}
