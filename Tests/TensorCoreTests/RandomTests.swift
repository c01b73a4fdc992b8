import Foundation
import Testing
import TensorCore

@Suite struct RandomTests {
    /// Known-answer vectors of Random123's philox4x32-10 (its kat_vectors file).
    @Test func philoxKnownAnswers() {
        var zero = RandomStream(seed: 0, stream: 0, position: 0)
        let z = zero.nextBlock()
        #expect([z.0, z.1, z.2, z.3] == [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
        var ones = RandomStream(seed: .max, stream: .max, position: .max)
        let o = ones.nextBlock()
        #expect([o.0, o.1, o.2, o.3] == [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd])
        // counter (243f6a88, 85a308d3, 13198a2e, 03707344), key (a4093822, 299f31d0)
        var pi = RandomStream(seed: 0x299f_31d0_a409_3822, stream: 0x0370_7344_1319_8a2e, position: 0x85a3_08d3_243f_6a88)
        let p = pi.nextBlock()
        #expect([p.0, p.1, p.2, p.3] == [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1])
    }

    @Test func sameSeedSameNumbersDifferentStreamsDiffer() {
        var a = RandomStream(seed: 42), b = RandomStream(seed: 42)
        let x = Tensor(count: 1000), y = Tensor(count: 1000)
        a.fillNormal(x); b.fillNormal(y)
        #expect(x.toArray() == y.toArray())
        let c = RandomStream(seed: 42)
        var s1 = c.split(1), s2 = c.split(2), s1again = c.split(1)
        let u = Tensor(count: 64), v = Tensor(count: 64), w = Tensor(count: 64)
        s1.fillUniform(u); s2.fillUniform(v); s1again.fillUniform(w)
        #expect(u.toArray() == w.toArray())
        #expect(u.toArray() != v.toArray())
        #expect(RandomStream(seed: 1).split(1) != RandomStream(seed: 2).split(1))
    }

    @Test func positionDependsOnlyOnHowManyValuesWereDrawn() {
        var a = RandomStream(seed: 7)
        a.fillUniform(Tensor(count: 5))  // two blocks, last one partly unused
        #expect(a.position == 2)
        a.fillNormal(Tensor(count: 9))   // three blocks
        #expect(a.position == 5)
    }

    @Test func normalAndUniformMoments() {
        var rng = RandomStream(seed: 3)
        let n = 200_000
        let x = Tensor(count: n)
        rng.fillNormal(x)
        let mean = Kernels.sum(x) / Double(n)
        let variance = Kernels.sumOfSquares(x) / Double(n) - mean * mean
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.02)
        rng.fillUniform(x, low: -2, high: 3)
        let arr = x.toArray()
        #expect(arr.allSatisfy { $0 >= -2 && $0 < 3 })
        #expect(abs(Kernels.sum(x) / Double(n) - 0.5) < 0.02)
    }

    @Test func categoricalFrequenciesFollowSoftmax() {
        var rng = RandomStream(seed: 11)
        let logits = Tensor(shape: [1, 4], values: [0, log(2), log(3), -.infinity])
        var counts = [0, 0, 0, 0]
        var idx = [0]
        for _ in 0..<60_000 {
            idx.withUnsafeMutableBufferPointer { rng.categorical(logits: logits, into: $0) }
            counts[idx[0]] += 1
        }
        #expect(counts[3] == 0)
        for (j, p) in [1.0 / 6, 2.0 / 6, 3.0 / 6].enumerated() {
            #expect(abs(Double(counts[j]) / 60_000 - p) < 0.01)
        }
    }

    @Test func integersAreInRangeAndUniform() {
        var rng = RandomStream(seed: 5)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.integer(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
    }
}
