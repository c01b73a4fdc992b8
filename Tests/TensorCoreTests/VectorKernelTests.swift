import CVectorKernels
import Foundation
import Testing
import TensorCore

/// The AVX-512 kernels of `CVectorKernels` against the Swift kernels they stand in for: the same
/// numbers, bit for bit, so that which path a machine takes never changes a result.
@Suite(.serialized) struct VectorKernelTests {
    /// Inputs that reach every branch of GELU's exponential: a dense grid, the clamp at ±87 (the
    /// exponent's argument is −2·0.798·(x + 0.0447x³), so |x| near 6.6), huge, tiny, subnormal,
    /// signed zeros, infinities and NaN.
    static let inputs: [Float] = {
        var v: [Float] = stride(from: -14, through: 14, by: 0.0071).map { Float($0) }
        v += [-1000, -90, -6.7, -6.6, -6.5, 6.5, 6.6, 6.7, 90, 1000, 1e-30, -1e-30, 0, -0.0]
        v += [.leastNonzeroMagnitude * 7, -.leastNormalMagnitude / 3]   // subnormal
        v += [.infinity, -.infinity, .nan, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        return v
    }()

    /// Kernels.gelu on the first `count` inputs with the AVX-512 path allowed or not.
    static func gelu(count: Int, avx512: Bool) -> [Float] {
        rfm_vk_set_avx512_allowed(avx512 ? 1 : 0)
        defer { rfm_vk_set_avx512_allowed(1) }
        let x = Tensor(shape: [count], values: Array(inputs.prefix(count)))
        let y = Tensor(count: count)
        Kernels.gelu(x, into: y)
        return y.toArray()
    }

    static func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    @Test("GELU on AVX-512 gives the AVX2 kernel's numbers bit for bit, tails included",
          .enabled(if: rfm_vk_cpu_has_avx512() != 0, "this CPU has no AVX-512"))
    func geluAVX512IsBitIdentical() {
        for count in Array(0...40) + [Self.inputs.count] {
            let wide = Self.gelu(count: count, avx512: true), narrow = Self.gelu(count: count, avx512: false)
            #expect(Self.sameBits(wide, narrow), "\(count) elements")
        }
        let all = Self.gelu(count: Self.inputs.count, avx512: true)
        #expect(all[Self.inputs.count - 3].isNaN)  // NaN comes through the clamp
    }

    /// Kernels.biasActivation with GELU on `rows × cols` inputs, a residual of row stride
    /// `cols + 3` when asked: the pre-activation it leaves in z and the output.
    static func biasGELU(rows: Int, cols: Int, residual: Bool, avx512: Bool) -> [Float] {
        rfm_vk_set_avx512_allowed(avx512 ? 1 : 0)
        defer { rfm_vk_set_avx512_allowed(1) }
        let n = rows * cols
        let z = Tensor(shape: [rows, cols], values: (0..<n).map { inputs[($0 * 7) % inputs.count] })
        let bias = Tensor(shape: [cols], values: (0..<cols).map { Float($0) * 0.37 - 2 })
        let skip = Tensor(shape: [rows, cols + 3], values: (0..<(rows * (cols + 3))).map { Float($0 % 11) * 0.5 - 2.5 })
        let out = Tensor(shape: [rows, cols])
        let view = MatrixRef(skip.data, rows: rows, cols: cols, stride: cols + 3)
        Kernels.biasActivation(z, bias: bias, activation: .gelu, residual: residual ? view : nil, into: out)
        return z.toArray() + out.toArray()
    }

    @Test("Bias, GELU and skip in one AVX-512 pass give the three Swift kernels' numbers bit for bit",
          .enabled(if: rfm_vk_cpu_has_avx512() != 0, "this CPU has no AVX-512"))
    func biasGELUAVX512IsBitIdentical() {
        for (rows, cols) in [(1, 1), (3, 15), (2, 16), (5, 17), (4, 33), (9, 128), (2, 300)] {
            for residual in [false, true] {
                let wide = Self.biasGELU(rows: rows, cols: cols, residual: residual, avx512: true)
                let narrow = Self.biasGELU(rows: rows, cols: cols, residual: residual, avx512: false)
                #expect(Self.sameBits(wide, narrow), "\(rows)×\(cols), residual \(residual)")
            }
        }
    }

    /// Kernels.biasActivation with ReLU, as biasGELU.
    static func biasReLU(rows: Int, cols: Int, residual: Bool, avx512: Bool) -> [Float] {
        rfm_vk_set_avx512_allowed(avx512 ? 1 : 0)
        defer { rfm_vk_set_avx512_allowed(1) }
        let n = rows * cols
        // Biases of ±0 and the inputs' specials, so that z + bias hits -0, NaN and ±inf.
        let biasValues: [Float] = [0, -0.0, 1, -1, .nan, .infinity, -.infinity, 0.5, -2.5, 1e-30]
        let z = Tensor(shape: [rows, cols], values: (0..<n).map { inputs[($0 * 7) % inputs.count] })
        let bias = Tensor(shape: [cols], values: (0..<cols).map { $0 % 3 == 0 ? biasValues[$0 % biasValues.count] : -0.0 })
        let skip = Tensor(shape: [rows, cols + 3], values: (0..<(rows * (cols + 3))).map { Float($0 % 11) * 0.5 - 2.5 })
        let out = Tensor(shape: [rows, cols])
        let view = MatrixRef(skip.data, rows: rows, cols: cols, stride: cols + 3)
        Kernels.biasActivation(z, bias: bias, activation: .relu, residual: residual ? view : nil, into: out)
        return z.toArray() + out.toArray()
    }

    /// Every input (and -0, ±0 by construction of the grid) lies in a 16-lane vector and in tails.
    static let specials: [Float] = [0, -0.0, .nan, -.nan, .infinity, -.infinity, 1e-30, -1e-30, .leastNonzeroMagnitude,
                                    -.leastNonzeroMagnitude, 1, -1, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]

    static func mixed(_ count: Int, _ salt: Int) -> [Float] {
        (0..<count).map { i in
            let k = i * 13 + salt
            return k % 3 == 0 ? specials[(k / 3) % specials.count] : inputs[(k * 31) % inputs.count]
        }
    }

    @Test("Bias, ReLU and skip in one AVX-512 pass give the three Swift kernels' numbers bit for bit",
          .enabled(if: rfm_vk_cpu_has_avx512() != 0, "this CPU has no AVX-512"))
    func biasReLUAVX512IsBitIdentical() {
        for (rows, cols) in [(1, 1), (3, 15), (2, 16), (5, 17), (4, 33), (9, 128), (2, 300), (7, 10)] {
            for residual in [false, true] {
                let wide = Self.biasReLU(rows: rows, cols: cols, residual: residual, avx512: true)
                let narrow = Self.biasReLU(rows: rows, cols: cols, residual: residual, avx512: false)
                #expect(Self.sameBits(wide, narrow), "\(rows)×\(cols), residual \(residual)")
            }
        }
    }

    @Test("ReLU and its backward pass on AVX-512 give the Swift kernels' numbers bit for bit (-0, NaN, tails)",
          .enabled(if: rfm_vk_cpu_has_avx512() != 0, "this CPU has no AVX-512"))
    func reluAVX512IsBitIdentical() {
        func run(_ count: Int, avx512: Bool) -> [Float] {
            rfm_vk_set_avx512_allowed(avx512 ? 1 : 0)
            defer { rfm_vk_set_avx512_allowed(1) }
            let x = Tensor(shape: [count], values: Self.mixed(count, 0)), y = Tensor(count: count)
            Kernels.relu(x, into: y)
            let dy = Tensor(shape: [count], values: Self.mixed(count, 5)), dx = Tensor(count: count)
            Kernels.reluBackward(dy, input: x, into: dx)
            Kernels.reluBackward(dy, input: x, into: dy)   // in place
            Kernels.relu(x, into: x)   // in place
            return y.toArray() + dx.toArray() + dy.toArray() + x.toArray()
        }
        for count in Array(0...40) + [255, 256, 257, Self.inputs.count] {
            #expect(Self.sameBits(run(count, avx512: true), run(count, avx512: false)), "\(count) elements")
        }
        // Swift's max(-0, 0) is +0, and a NaN input stays NaN; the backward pass gives +0 for both.
        rfm_vk_set_avx512_allowed(1)
        let x = Tensor(shape: [3], values: [-0.0, .nan, 2]), y = Tensor(count: 3), dx = Tensor(count: 3)
        Kernels.relu(x, into: y)
        #expect(y.toArray()[0].bitPattern == Float(0).bitPattern && y.toArray()[1].isNaN && y.toArray()[2] == 2)
        Kernels.reluBackward(Tensor(shape: [3], values: [-5, -5, -5]), input: x, into: dx)
        #expect(dx.toArray().map(\.bitPattern) == [0, 0, Float(-5).bitPattern])
    }

    @Test("Adam's step on AVX-512 gives the Swift kernel's numbers bit for bit over many steps",
          .enabled(if: rfm_vk_cpu_has_avx512() != 0, "this CPU has no AVX-512"))
    func adamAVX512IsBitIdentical() {
        func run(_ count: Int, specials: Bool, avx512: Bool) -> [Float] {
            rfm_vk_set_avx512_allowed(avx512 ? 1 : 0)
            defer { rfm_vk_set_avx512_allowed(1) }
            let p = Tensor(shape: [count], values: (0..<count).map { Float($0 % 17) * 0.13 - 1 })
            let m = Tensor(count: count), v = Tensor(count: count)
            let (b1, b2): (Float, Float) = (0.9, 0.999)
            for t in 1...5 {
                let g = Tensor(shape: [count], values: specials ? Self.mixed(count, t)
                                                                 : Self.mixed(count, t).map { $0.isFinite ? $0 * 1e-3 : 0.25 })
                let c1 = 1 - Foundation.pow(b1, Float(t)), c2 = 1 - Foundation.pow(b2, Float(t))
                Kernels.adamStep(parameter: p, firstMoment: m, secondMoment: v, gradient: g, learningRate: 3e-4, beta1: b1, beta2: b2,
                                 correction1: c1, correction2: c2, epsilon: 1e-8)
            }
            return p.toArray() + m.toArray() + v.toArray()
        }
        for count in Array(0...40) + [255, 256, 257, 1000] {
            for specials in [false, true] {
                #expect(Self.sameBits(run(count, specials: specials, avx512: true), run(count, specials: specials, avx512: false)),
                        "\(count) elements, specials \(specials)")
            }
        }
    }

    /// Every 65,521st bit pattern of all 2³² (about 65,500 floats: every exponent, both signs,
    /// subnormals, infinities and NaNs with many payloads), plus the dense grid.
    static let sweep: [Float] = stride(from: UInt64(0), to: UInt64(1) << 32, by: 65_521).map { Float(bitPattern: UInt32($0)) } + inputs

    @Test("GELU and its backward pass on AVX-512 give the Swift kernels' numbers bit for bit over a sweep of all bit patterns",
          .enabled(if: rfm_vk_cpu_has_avx512() != 0, "this CPU has no AVX-512"))
    func geluSweepIsBitIdentical() {
        func run(avx512: Bool) -> [Float] {
            rfm_vk_set_avx512_allowed(avx512 ? 1 : 0)
            defer { rfm_vk_set_avx512_allowed(1) }
            let n = Self.sweep.count
            let x = Tensor(shape: [n], values: Self.sweep), y = Tensor(count: n)
            Kernels.gelu(x, into: y)
            let dy = Tensor(shape: [n], values: Self.sweep.reversed()), dx = Tensor(count: n)
            Kernels.geluBackward(dy, input: x, into: dx)
            let ones = Tensor(shape: [n], values: Array(repeating: 1, count: n))
            Kernels.geluBackward(ones, input: x, into: ones)   // the derivative itself, in place
            return y.toArray() + dx.toArray() + ones.toArray()
        }
        #expect(Self.sameBits(run(avx512: true), run(avx512: false)))
    }

    @Test("GELU's backward pass on AVX-512 gives the Swift kernel's numbers bit for bit (specials, tails, in place)",
          .enabled(if: rfm_vk_cpu_has_avx512() != 0, "this CPU has no AVX-512"))
    func geluBackwardAVX512IsBitIdentical() {
        func run(_ count: Int, avx512: Bool) -> [Float] {
            rfm_vk_set_avx512_allowed(avx512 ? 1 : 0)
            defer { rfm_vk_set_avx512_allowed(1) }
            let x = Tensor(shape: [count], values: Self.mixed(count, 2)), dy = Tensor(shape: [count], values: Self.mixed(count, 9))
            let dx = Tensor(count: count)
            Kernels.geluBackward(dy, input: x, into: dx)
            Kernels.geluBackward(dy, input: x, into: dy)   // in place
            return dx.toArray() + dy.toArray()
        }
        for count in Array(0...40) + [255, 256, 257, Self.inputs.count] {
            #expect(Self.sameBits(run(count, avx512: true), run(count, avx512: false)), "\(count) elements")
        }
    }

    @Test("A rollout's first layer (both shares and GELU or ReLU) in one AVX-512 pass gives the Swift kernels' numbers bit for bit",
          .enabled(if: rfm_vk_cpu_has_avx512() != 0, "this CPU has no AVX-512"))
    func addSharesAVX512IsBitIdentical() {
        func run(rows: Int, cols: Int, groups: Int?, f: DeviceKernel.Unary, inPlace: Bool, avx512: Bool) -> [Float] {
            rfm_vk_set_avx512_allowed(avx512 ? 1 : 0)
            defer { rfm_vk_set_avx512_allowed(1) }
            let z = Tensor(shape: [rows, cols], values: Self.mixed(rows * cols, 1))
            let shares = groups.map { g in Tensor(shape: [g, cols], values: Self.mixed(g * cols, 4).map { $0.isNaN ? -0.0 : $0 * 0.5 }) }
            let row = Tensor(shape: [cols + 2], values: Self.mixed(cols + 2, 7))
            let out = inPlace ? z : Tensor(shape: [rows, cols])
            Kernels.addSharesActivation(z, groupRows: shares, row: MatrixRef(row.data + 1, rows: 1, cols: cols, stride: cols),
                                        activation: f, into: out)
            return z.toArray() + out.toArray()
        }
        for (rows, cols) in [(2, 1), (4, 15), (2, 16), (6, 17), (4, 33), (8, 128), (2, 300)] {
            for groups in [nil, 1, 2] as [Int?] {
                for f in [DeviceKernel.Unary.gelu, .relu] {
                    for inPlace in [false, true] {
                        let wide = run(rows: rows, cols: cols, groups: groups, f: f, inPlace: inPlace, avx512: true)
                        let narrow = run(rows: rows, cols: cols, groups: groups, f: f, inPlace: inPlace, avx512: false)
                        #expect(Self.sameBits(wide, narrow), "\(rows)×\(cols), groups \(String(describing: groups)), \(f), in place \(inPlace)")
                    }
                }
            }
        }
    }

    @Test("A list's sum of squares, four tensors' chains interleaved in C, is each tensor's Float64 sum in order, added in order")
    func sumsOfSquaresInterleavedAreExact() {
        for lengths in [[], [0], [5], [33_536, 128, 16_384, 128, 16_384, 128, 128, 1], [1, 0, 7, 300, 2, 2, 2, 2, 2, 65, 0, 1000],
                        [17, 17, 17, 17, 17]] {
            let tensors = lengths.enumerated().map { t, n in
                Tensor(shape: [n], values: (0..<n).map { i in Float(sin(Double(i * 7 + t * 131))) * Float(1 + i % 13) * 1e-2 })
            }
            var expected: Double = 0
            for t in tensors {
                var s: Double = 0
                for v in t.toArray() { s += Double(v) * Double(v) }
                expected += s
            }
            #expect(Kernels.sumOfSquares(tensors).bitPattern == expected.bitPattern, "\(lengths)")
        }
    }

    @Test("Adam, GELU's backward pass, bias + GELU and the sinusoidal embedding split over two workers give one worker's numbers")
    func elementwiseSplitsAreBitIdentical() {
        func run(workers: Int) -> [Float] {
            Parallel.withWorkers(workers) {
                let n = 20_003, rows = 301, cols = 64
                let p = Tensor(shape: [n], values: Self.mixed(n, 3).map { $0.isFinite ? $0 : 0.5 })
                let m = Tensor(count: n), v = Tensor(count: n), g = Tensor(shape: [n], values: Self.mixed(n, 8))
                Kernels.adamStep(parameter: p, firstMoment: m, secondMoment: v, gradient: g, learningRate: 1e-3, beta1: 0.9, beta2: 0.999,
                                 correction1: 0.1, correction2: 0.001, epsilon: 1e-8)
                let dx = Tensor(count: n)
                Kernels.geluBackward(g, input: p, into: dx)
                let z = Tensor(shape: [rows, cols], values: Self.mixed(rows * cols, 6)), bias = Tensor(shape: [cols], values: Self.mixed(cols, 1))
                let skip = Tensor(shape: [rows, cols + 3], values: Self.mixed(rows * (cols + 3), 2)), out = Tensor(shape: [rows, cols])
                Kernels.biasActivation(z, bias: bias, activation: .gelu, residual: MatrixRef(skip.data, rows: rows, cols: cols, stride: cols + 3),
                                       into: out)
                let times = Tensor(shape: [300], values: (0..<300).map { Float($0 / 3) * 0.01 }), freq = Tensor(shape: [64], values: (0..<64).map { Float($0) })
                let embedded = Tensor(shape: [300, 128])
                Kernels.sinusoidalEmbedding(times, frequencies: freq, into: embedded)
                return p.toArray() + m.toArray() + v.toArray() + dx.toArray() + z.toArray() + out.toArray() + embedded.toArray()
            }
        }
        #expect(Self.sameBits(run(workers: 2), run(workers: 1)))
    }

    @Test("The sinusoidal embedding's repeated rows (a temperature) are the sines and cosines themselves")
    func sinusoidalRepeatsAreExact() {
        let values: [Float] = [0.25, 0.25, 0.25, -0.0, 0, 0, .nan, .nan, 3, 0.25]
        let x = Tensor(shape: [values.count], values: values), f = Tensor(shape: [5], values: [0, 1, 2.5, 100, -7])
        let out = Tensor(shape: [values.count, 10])
        Kernels.sinusoidalEmbedding(x, frequencies: f, into: out)
        let expected = values.flatMap { v in f.toArray().map { Foundation.sin(v * $0) } + f.toArray().map { Foundation.cos(v * $0) } }
        #expect(Self.sameBits(out.toArray(), expected))
        #expect(out.toArray()[30].bitPattern == Float(-0.0).bitPattern && out.toArray()[40].bitPattern == 0)   // sin(-0·0), sin(+0·0)
    }

    @Test func theSwitchDecidesThePath() {
        var x: [Float] = [1, 2, 3], y: [Float] = [0, 0, 0]
        rfm_vk_set_avx512_allowed(0)
        #expect(rfm_vk_avx512_enabled() == 0)
        #expect(rfm_vk_gelu(&x, &y, 3) == 0)
        #expect(y == [0, 0, 0])   // nothing done: the caller runs the Swift kernel
        rfm_vk_set_avx512_allowed(1)
        #expect(rfm_vk_avx512_enabled() == rfm_vk_cpu_has_avx512())
        #expect(rfm_vk_gelu(&x, &y, 3) == rfm_vk_cpu_has_avx512())
    }
}
