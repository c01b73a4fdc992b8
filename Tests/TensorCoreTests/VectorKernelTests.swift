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
