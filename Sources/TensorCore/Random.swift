import Foundation

/// A counter-based random generator (Philox4x32-10, Salmon et al., SC'11) with independent streams.
///
/// A stream is the pair (seed, stream id); its n-th block of four 32-bit words is
/// `Philox(key: seed, counter: (n, stream id))`, so the numbers depend only on the seed, the stream
/// id and how many blocks were drawn, never on the machine or the thread count. ``split(_:)``
/// derives a child stream with a new id, which is how randomness is handed out explicitly: the
/// trainer splits one stream per purpose (environment, replay, policy, …).
///
/// Bulk fills start at a fresh block and discard the unused words of their last block, so the
/// position after a fill depends only on how many values were asked for.
public struct RandomStream: Sendable, Equatable {
    /// The 64-bit key (the user's seed).
    public let seed: UInt64
    /// The stream id (upper half of the counter).
    public let stream: UInt64
    /// Blocks drawn so far (lower half of the counter).
    public internal(set) var position: UInt64

    /// The stream `stream` of `seed`, at position `position`.
    public init(seed: UInt64, stream: UInt64 = 0, position: UInt64 = 0) {
        self.seed = seed
        self.stream = stream
        self.position = position
    }

    /// An independent child stream, a function of this stream's identity and `id` only.
    public func split(_ id: UInt64) -> RandomStream {
        RandomStream(seed: seed, stream: splitMix64(stream &+ 0x9E37_79B9_7F4A_7C15 &* (id &+ 1)))
    }

    /// The next block of four uniformly distributed 32-bit words.
    public mutating func nextBlock() -> (UInt32, UInt32, UInt32, UInt32) {
        defer { position &+= 1 }
        return philox4x32(counter: (UInt32(truncatingIfNeeded: position), UInt32(truncatingIfNeeded: position >> 32),
                                    UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32)),
                          key: (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
    }

    /// A uniform Float in [0, 1) with 24 random bits (uses one block).
    public mutating func uniform() -> Float { unitFloat(nextBlock().0) }

    /// A standard normal Float (uses one block).
    public mutating func normal() -> Float {
        let b = nextBlock()
        return boxMuller(b.0, b.1).0
    }

    /// A uniform Double in [0, 1) with 53 random bits (uses one block); for simulator states,
    /// which are Float64.
    public mutating func uniformDouble() -> Double {
        let b = nextBlock()
        let bits = (UInt64(b.0) << 21) ^ UInt64(b.1 >> 11)
        return Double(bits) * 0x1p-53
    }

    /// A uniform Double in `[low, high)`.
    public mutating func uniformDouble(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * uniformDouble()
    }

    /// A standard normal Double by Box–Muller on two 53-bit uniforms (uses two blocks).
    public mutating func normalDouble() -> Double {
        let u1 = 1 - uniformDouble()
        let u2 = uniformDouble()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    /// A uniform integer in `0..<bound` without modulo bias (uses one or more blocks).
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0 && bound <= Int(UInt32.max), "RandomStream.integer: bound \(bound) out of range")
        // Lemire's multiply-and-reject method on 32-bit words.
        let s = UInt64(bound)
        let threshold = UInt64(UInt32(truncatingIfNeeded: 0 &- UInt32(bound)) % UInt32(bound))
        while true {
            let m = UInt64(nextBlock().0) * s
            if UInt64(UInt32(truncatingIfNeeded: m)) >= threshold { return Int(m >> 32) }
        }
    }

    /// Fills `t` with independent uniforms in `[low, high)`.
    public mutating func fillUniform(_ t: Tensor, low: Float = 0, high: Float = 1) {
        if let device = t.device {
            device.launch("rfm_fill_uniform", elements: (t.count + 3) / 4, .pointer(t.data), .int(t.count), .float(low), .float(high - low),
                          .word(seed), .word(stream), .word(position))
            position &+= UInt64((t.count + 3) / 4)
            return
        }
        let n = t.count, p = t.data, width = high - low
        var i = 0
        while i < n {
            let b = nextBlock()
            let words = SIMD4<UInt32>(b.0, b.1, b.2, b.3)
            for k in 0..<min(4, n - i) { p[i + k] = low + width * unitFloat(words[k]) }
            i += 4
        }
    }

    /// Fills `t` with independent normals `N(mean, std²)` (Box–Muller, two per pair of words).
    public mutating func fillNormal(_ t: Tensor, mean: Float = 0, std: Float = 1) {
        if let device = t.device {
            device.launch("rfm_fill_normal", elements: (t.count + 3) / 4, .pointer(t.data), .int(t.count), .float(mean), .float(std),
                          .word(seed), .word(stream), .word(position))
            position &+= UInt64((t.count + 3) / 4)
            return
        }
        let n = t.count, p = t.data
        var i = 0
        while i < n {
            let b = nextBlock()
            let (z0, z1) = boxMuller(b.0, b.1)
            let (z2, z3) = boxMuller(b.2, b.3)
            let z = SIMD4<Float>(z0, z1, z2, z3)
            for k in 0..<min(4, n - i) { p[i + k] = mean + std * z[k] }
            i += 4
        }
    }

    /// Draws one index per row of `logits` `[rows, n]` with probability `softmax(row)` (inverse
    /// CDF on a max-shifted row, one uniform per row).
    public mutating func categorical(logits: Tensor, into indices: UnsafeMutableBufferPointer<Int>) {
        precondition(indices.count == logits.rows, "categorical: \(indices.count) outputs for \(logits.rows) rows")
        Kernels.requireHost("categorical", logits)
        for i in 0..<logits.rows {
            let row = logits.data + i * logits.cols
            let top = Kernels.rowMax(row, logits.cols)
            var total: Float = 0
            for j in 0..<logits.cols { total += Foundation.exp(row[j] - top) }
            let target = uniform() * total
            var acc: Float = 0
            var pick = logits.cols - 1
            for j in 0..<logits.cols {
                acc += Foundation.exp(row[j] - top)
                if target < acc { pick = j; break }
            }
            indices[i] = pick
        }
    }
}

/// Maps a 32-bit word to a Float in [0, 1) using its top 24 bits (exactly representable).
@inline(__always) func unitFloat(_ w: UInt32) -> Float { Float(w >> 8) * 0x1p-24 }

/// Two standard normals from two words: `√(−2 ln u₁)·(cos 2πu₂, sin 2πu₂)` with `u₁ ∈ (0, 1]`.
@inline(__always) func boxMuller(_ a: UInt32, _ b: UInt32) -> (Float, Float) {
    let u1 = 1 - unitFloat(a)
    let u2 = unitFloat(b)
    let r = (-2 * Foundation.log(u1)).squareRoot()
    let theta = 2 * Float.pi * u2
    return (r * Foundation.cos(theta), r * Foundation.sin(theta))
}

/// SplitMix64's finaliser: a bijective mix used to derive stream ids and seeds.
@inlinable public func splitMix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// Philox4x32 with 10 rounds (the Random123 constants).
func philox4x32(counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32) {
    var (c0, c1, c2, c3) = counter
    var (k0, k1) = key
    for round in 0..<10 {
        if round > 0 {
            k0 &+= 0x9E37_79B9
            k1 &+= 0xBB67_AE85
        }
        let p0 = UInt64(0xD251_1F53) * UInt64(c0)
        let p1 = UInt64(0xCD9E_8D57) * UInt64(c2)
        let n0 = UInt32(truncatingIfNeeded: p1 >> 32) ^ c1 ^ k0
        let n1 = UInt32(truncatingIfNeeded: p1)
        let n2 = UInt32(truncatingIfNeeded: p0 >> 32) ^ c3 ^ k1
        let n3 = UInt32(truncatingIfNeeded: p0)
        (c0, c1, c2, c3) = (n0, n1, n2, n3)
    }
    return (c0, c1, c2, c3)
}
