import CUDA
import CUDAEmulation
import Foundation
import NeuralNet
import ReverseFlow
import TensorCore
import Testing

/// The CUDA kernels' source, compiled for the CPU by the emulation target, against the CPU kernels
/// they mirror: the arithmetic and the indexing of every kernel are checked on any machine, before
/// a GPU runs them. Launch geometries cover fewer threads than elements (the grid-stride loop
/// wraps) and more (threads past the end do nothing).
@Suite struct KernelEmulationTests {
    static let geometries = [(1, 1), (3, 32), (64, 256)]

    @Test func theSourceShipsWithTheModuleAndDefinesEveryKernel() throws {
        let source = try DeviceKernels.source()
        for name in DeviceKernels.all {
            #expect(source.contains("__global__ void \(name)("), "\(name) is not defined in rfm_kernels.cu")
            #expect(rfm_emulate_has_kernel(name) == 1, "\(name) is missing from the emulation's launch table")
        }
        // Every kernel in the source is in the list the GPU compiles and looks up.
        let defined = source.components(separatedBy: "__global__ void ").dropFirst().map { String($0.prefix { $0 != "(" }) }
        #expect(Set(defined) == Set(DeviceKernels.all))
        #expect(rfm_emulate_has_kernel("rfm_no_such_kernel") == 0)
    }

    @Test(arguments: geometries)
    func geluMatchesTheCPUKernel(blocks: Int, threads: Int) {
        // −30 … 30 in steps of 0.01, plus the far tails.
        var values = (0...6000).map { Float($0 - 3000) * 0.01 }
        values += [-1000, -90, -50, 50, 90, 1000, 0, -0.0]
        let x = Tensor(shape: [values.count], values: values)
        let expected = Tensor(count: values.count), got = Tensor(count: values.count)
        Kernels.gelu(x, into: expected)
        rfm_emulate_gelu(x.data, got.data, Int64(values.count), Int32(blocks), Int32(threads))
        for i in 0..<values.count {
            // The CPU's exponential is a polynomial within 2 ulp; the C library's is correctly
            // rounded, so the two agree to a few ulp of the result.
            #expect(abs(got[i] - expected[i]) <= 4e-6 * max(1, abs(expected[i])), "x = \(values[i])")
        }
    }

    @Test(arguments: geometries)
    func rowVectorAddMatchesTheCPUKernel(blocks: Int, threads: Int) {
        var rng = RandomStream(seed: 11)
        let m = Tensor(rows: 23, cols: 17), v = Tensor(count: 17)
        rng.fillUniform(m, low: -1, high: 1)
        rng.fillUniform(v, low: -1, high: 1)
        let emulated = m.copy()
        Kernels.addRowVector(v, to: m)
        rfm_emulate_add_row_vector(v.data, emulated.data, 23, 17, Int32(blocks), Int32(threads))
        #expect(emulated.toArray() == m.toArray())
    }

    private func random(_ rows: Int, _ cols: Int, seed: UInt64) -> Tensor {
        var rng = RandomStream(seed: seed)
        let t = Tensor(rows: rows, cols: cols)
        rng.fillNormal(t)
        return t
    }

    /// The elementwise kernels the critic update needs, bit for bit against the CPU (same
    /// operations in the same order, no fused multiply-adds on either side).
    @Test(arguments: geometries)
    func elementwiseKernelsEqualTheCPUKernelsExactly(blocks: Int, threads: Int) {
        let b = Int32(blocks), t = Int32(threads)
        let x = random(13, 29, seed: 1), y = random(13, 29, seed: 2), n = Int64(x.count)
        func check(_ what: String, _ cpu: (Tensor) -> Void, _ gpu: (Tensor) -> Void, start: Tensor = Tensor(rows: 13, cols: 29)) {
            let a = start.copy(), e = start.copy()
            cpu(a)
            gpu(e)
            #expect(e.toArray() == a.toArray(), "\(what) with \(blocks)×\(threads)")
        }
        check("relu", { Kernels.relu(x, into: $0) }, { rfm_emulate_relu(x.data, $0.data, n, b, t) })
        check("relu backward", { Kernels.reluBackward(y, input: x, into: $0) },
              { rfm_emulate_relu_backward(y.data, x.data, $0.data, n, b, t) })
        check("scale", { Kernels.scale(x, by: -0.37, into: $0) }, { rfm_emulate_scale(x.data, -0.37, $0.data, n, b, t) })
        check("axpy", { Kernels.axpy(0.61, x, $0) }, { rfm_emulate_axpy(0.61, x.data, $0.data, n, b, t) }, start: y)
        check("blend", { Kernels.blend($0, 0.995, x, 0.005) }, { rfm_emulate_blend($0.data, 0.995, x.data, 0.005, n, b, t) }, start: y)
        check("minimum", { Kernels.minimum(x, y, into: $0) }, { rfm_emulate_minimum(x.data, y.data, $0.data, n, b, t) })
        for accumulate in [false, true] {
            let start = random(1, 29, seed: 3)
            check("sum of columns (accumulate \(accumulate))", { Kernels.sumColumns(x, into: $0, accumulate: accumulate) },
                  { rfm_emulate_sum_columns(x.data, $0.data, 13, 29, accumulate ? 1 : 0, b, t) }, start: start)
        }
    }

    /// Three Adam steps from the same state: parameters and both moments bit for bit.
    @Test(arguments: geometries)
    func adamStepEqualsTheCPUStepExactly(blocks: Int, threads: Int) {
        let cpu = (p: random(7, 31, seed: 4), m: Tensor(rows: 7, cols: 31), v: Tensor(rows: 7, cols: 31))
        let gpu = (p: cpu.p.copy(), m: Tensor(rows: 7, cols: 31), v: Tensor(rows: 7, cols: 31))
        for step in 1...3 {
            let g = random(7, 31, seed: 10 + UInt64(step))
            let c1 = 1 - Float(pow(0.9, Double(step))), c2 = 1 - Float(pow(0.999, Double(step)))
            Kernels.adamStep(parameter: cpu.p, firstMoment: cpu.m, secondMoment: cpu.v, gradient: g, learningRate: 3e-4,
                             beta1: 0.9, beta2: 0.999, correction1: c1, correction2: c2, epsilon: 1e-8)
            rfm_emulate_adam(gpu.p.data, gpu.m.data, gpu.v.data, g.data, 3e-4, 0.9, 0.999, c1, c2, 1e-8, Int64(g.count),
                             Int32(blocks), Int32(threads))
        }
        #expect(gpu.p.toArray() == cpu.p.toArray())
        #expect(gpu.m.toArray() == cpu.m.toArray())
        #expect(gpu.v.toArray() == cpu.v.toArray())
    }

    /// The rollout's and the estimator's layout and arithmetic kernels against the CPU.
    @Test(arguments: geometries)
    func layoutAndArithmeticKernelsMatchTheCPU(blocks: Int, threads: Int) {
        let b = Int32(blocks), t = Int32(threads)
        let x = random(12, 7, seed: 21), y = random(12, 7, seed: 22), n = Int64(x.count)
        for (op, cpu) in [(Int32(0), Kernels.add), (1, Kernels.subtract), (2, Kernels.multiply)] as [(Int32, (Tensor, Tensor, Tensor) -> Void)] {
            let expected = Tensor(rows: 12, cols: 7), got = Tensor(rows: 12, cols: 7)
            cpu(x, y, expected)
            rfm_emulate_binary(op, x.data, y.data, got.data, n, b, t)
            #expect(got.toArray() == expected.toArray(), "binary op \(op)")
        }
        // tanh and GELU's derivative: the CPU's tanh is a polynomial within 3e-7.
        let wide = Tensor(rows: 12, cols: 7)
        for i in 0..<wide.count { wide[i] = Float(i - 42) * 0.2 }
        let tanhCPU = Tensor(rows: 12, cols: 7), tanhGPU = Tensor(rows: 12, cols: 7)
        Kernels.tanh(wide, into: tanhCPU)
        rfm_emulate_tanh(wide.data, tanhGPU.data, n, b, t)
        #expect(zip(tanhCPU.toArray(), tanhGPU.toArray()).allSatisfy { abs($0 - $1) <= 5e-7 })
        let dCPU = Tensor(rows: 12, cols: 7), dGPU = Tensor(rows: 12, cols: 7)
        Kernels.geluBackward(y, input: wide, into: dCPU)
        rfm_emulate_gelu_backward(y.data, wide.data, dGPU.data, n, b, t)
        #expect(zip(dCPU.toArray(), dGPU.toArray()).allSatisfy { abs($0 - $1) <= 2e-6 * max(1, abs($0)) })
        // Layouts, exactly.
        let column = random(12, 1, seed: 23), columnVector = Tensor(count: 12)
        for i in 0..<12 { columnVector[i] = column[i] }
        let c1 = x.copy(), c2 = x.copy()
        Kernels.addColumnVector(columnVector, to: c1)
        rfm_emulate_add_column_vector(column.data, c2.data, 12, 7, b, t)
        #expect(c1.toArray() == c2.toArray(), "addColumnVector")
        let shares = random(3, 7, seed: 24), g1 = x.copy(), g2 = x.copy()
        Kernels.addGroupRows(shares, to: g1)
        rfm_emulate_add_group_rows(shares.data, g2.data, 3, 12, 7, b, t)
        #expect(g1.toArray() == g2.toArray(), "addGroupRows")
        let row = Tensor(count: 7)
        for j in 0..<7 { row[j] = shares[0, j] }
        let r1 = Tensor(rows: 5, cols: 7), r2 = Tensor(rows: 5, cols: 7)
        Kernels.broadcastRow(row, into: r1)
        rfm_emulate_broadcast_row(row.data, r2.data, 5, 7, b, t)
        #expect(r1.toArray() == r2.toArray(), "broadcastRow")
        let rep1 = Tensor(rows: 12, cols: 7), rep2 = Tensor(rows: 12, cols: 7)
        Kernels.repeatRows(shares, times: 4, into: rep1)
        rfm_emulate_repeat_rows(shares.data, rep2.data, 3, 7, 4, b, t)
        #expect(rep1.toArray() == rep2.toArray(), "repeatRows")
        let picks = [11, 0, 5, 5, 2]
        let gathered1 = Tensor(rows: 5, cols: 7), gathered2 = Tensor(rows: 5, cols: 7)
        picks.withUnsafeBufferPointer { Kernels.gatherRows(x, $0, into: gathered1) }
        picks.map { Int64($0) }.withUnsafeBufferPointer { rfm_emulate_gather_rows(x.data, $0.baseAddress, gathered2.data, 5, 7, b, t) }
        #expect(gathered1.toArray() == gathered2.toArray(), "gatherRows")
    }

    /// The estimator's row and group reductions against the CPU: exactly where both sum in the
    /// same order, to rounding where the CPU's exponential is its polynomial.
    @Test(arguments: geometries)
    func reductionsMatchTheCPU(blocks: Int, threads: Int) {
        let b = Int32(blocks), t = Int32(threads)
        let m = random(6, 20, seed: 31)
        Kernels.scale(m, by: 5, into: m)
        func vector(_ n: Int) -> Tensor { Tensor(count: n) }
        let sum1 = vector(6), sum2 = vector(6)
        Kernels.sumRows(m, into: sum1)
        rfm_emulate_row_reduction(0, m.data, sum2.data, 6, 20, b, t)
        #expect(sum1.toArray() == sum2.toArray(), "sumRows")
        let max1 = vector(6), max2 = vector(6)
        Kernels.maxRows(m, into: max1)
        rfm_emulate_row_reduction(1, m.data, max2.data, 6, 20, b, t)
        #expect(max1.toArray() == max2.toArray(), "maxRows")
        let lse1 = vector(6), lse2 = vector(6)
        Kernels.logSumExpRows(m, into: lse1)
        rfm_emulate_row_reduction(2, m.data, lse2.data, 6, 20, b, t)
        #expect(zip(lse1.toArray(), lse2.toArray()).allSatisfy { abs($0 - $1) <= 2e-6 * max(1, abs($0)) }, "logSumExpRows")
        let soft1 = Tensor(rows: 6, cols: 20), soft2 = Tensor(rows: 6, cols: 20)
        Kernels.softmaxRows(m, into: soft1)
        rfm_emulate_row_reduction(3, m.data, soft2.data, 6, 20, b, t)
        #expect(zip(soft1.toArray(), soft2.toArray()).allSatisfy { abs($0 - $1) <= 1e-6 }, "softmaxRows")
        var picks = [Int](repeating: -1, count: 6), gpuPicks = [Int64](repeating: -1, count: 6)
        picks.withUnsafeMutableBufferPointer { Kernels.argmaxRows(m, into: $0) }
        gpuPicks.withUnsafeMutableBufferPointer { rfm_emulate_argmax_rows(m.data, $0.baseAddress, 6, 20, b, t) }
        #expect(picks == gpuPicks.map { Int($0) }, "argmaxRows")
        let mean1 = vector(6), std1 = vector(6), mean2 = vector(6), std2 = vector(6)
        Kernels.meanAndStdRows(m, mean: mean1, std: std1)
        rfm_emulate_mean_std_rows(m.data, mean2.data, std2.data, 6, 20, b, t)
        #expect(mean1.toArray() == mean2.toArray() && std1.toArray() == std2.toArray(), "meanAndStdRows")
        // Groups: 3 groups of 4 rows of width 5.
        let x = random(12, 5, seed: 32), rows = random(3, 5, seed: 33), w = random(3, 4, seed: 34)
        let alpha = random(1, 3, seed: 35), beta = random(1, 3, seed: 36)
        let alphaV = vector(3), betaV = vector(3)
        for i in 0..<3 { alphaV[i] = alpha[i]; betaV[i] = beta[i] }
        let aff1 = Tensor(rows: 12, cols: 5), aff2 = Tensor(rows: 12, cols: 5)
        Kernels.groupAffine(x, scale: alphaV, shift: rows, shiftScale: betaV, into: aff1)
        rfm_emulate_group_affine(x.data, alpha.data, rows.data, beta.data, aff2.data, 3, 12, 5, b, t)
        #expect(aff1.toArray() == aff2.toArray(), "groupAffine")
        let ws1 = Tensor(rows: 3, cols: 5), ws2 = Tensor(rows: 3, cols: 5)
        Kernels.groupWeightedSum(w, x, into: ws1)
        rfm_emulate_group_weighted_sum(w.data, x.data, ws2.data, 3, 4, 5, b, t)
        #expect(ws1.toArray() == ws2.toArray(), "groupWeightedSum")
        let sub1 = Tensor(rows: 12, cols: 5), sub2 = Tensor(rows: 12, cols: 5)
        Kernels.subtractGroupRows(x, rows, into: sub1)
        rfm_emulate_subtract_group_rows(x.data, rows.data, sub2.data, 3, 12, 5, b, t)
        #expect(sub1.toArray() == sub2.toArray(), "subtractGroupRows")
        let bc1 = Tensor(rows: 3, cols: 5), bc2 = Tensor(rows: 3, cols: 5)
        Kernels.broadcastColumn(alphaV, into: bc1)
        rfm_emulate_broadcast_column(alpha.data, bc2.data, 3, 5, b, t)
        #expect(bc1.toArray() == bc2.toArray(), "broadcastColumn")
        let squares = rfm_emulate_sum_of_squares(x.data, Int64(x.count), b, t)
        #expect(abs(squares - Kernels.sumOfSquares(x)) <= 1e-12 * Kernels.sumOfSquares(x), "sumOfSquares")
    }

    /// Philox fills from a stream's current position: the same uniforms bit for bit, normals to
    /// a few ulp (the C library's log, cos and sin), and the stream left where the CPU leaves it.
    @Test(arguments: geometries)
    func randomFillsDrawTheCPUsNumbers(blocks: Int, threads: Int) {
        var cpu = RandomStream(seed: 0xDEAD_BEEF_1234, stream: 77).split(3)
        _ = cpu.normal()  // start mid-stream
        let start = cpu
        for count in [1, 5, 42] {
            let u1 = Tensor(count: count), u2 = Tensor(count: count)
            let before = cpu
            cpu.fillUniform(u1, low: -2, high: 3)
            rfm_emulate_fill(0, u2.data, Int64(count), -2, 5, before.seed, before.stream, before.position, Int32(blocks), Int32(threads))
            #expect(u1.toArray() == u2.toArray(), "uniform fill of \(count)")
            #expect(cpu.position == before.position + UInt64((count + 3) / 4))
            let n1 = Tensor(count: count), n2 = Tensor(count: count)
            let beforeNormal = cpu
            cpu.fillNormal(n1, mean: 0.5, std: 2)
            rfm_emulate_fill(1, n2.data, Int64(count), 0.5, 2, beforeNormal.seed, beforeNormal.stream, beforeNormal.position,
                             Int32(blocks), Int32(threads))
            #expect(zip(n1.toArray(), n2.toArray()).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($0)) }, "normal fill of \(count)")
        }
        #expect(start != cpu)
    }

    /// Boltzmann picks (one uniform per row, in row order) and the sinusoidal embedding.
    @Test(arguments: geometries)
    func categoricalPicksAndEmbeddingsMatchTheCPU(blocks: Int, threads: Int) {
        let logits = random(40, 9, seed: 41)
        Kernels.scale(logits, by: 3, into: logits)
        var cpu = RandomStream(seed: 5, stream: 6)
        _ = cpu.uniform()
        let before = cpu
        var picks = [Int](repeating: -1, count: 40), gpuPicks = [Int64](repeating: -1, count: 40)
        picks.withUnsafeMutableBufferPointer { cpu.categorical(logits: logits, into: $0) }
        gpuPicks.withUnsafeMutableBufferPointer {
            rfm_emulate_categorical(logits.data, $0.baseAddress, 40, 9, before.seed, before.stream, before.position, Int32(blocks), Int32(threads))
        }
        #expect(picks == gpuPicks.map { Int($0) })
        #expect(cpu.position == before.position + 40)
        let embedding = SinusoidalEmbedding(size: 16)
        let x = Tensor(shape: [5], values: [0, 0.01, 0.5, 0.99, 7])
        let expected = Tensor(rows: 5, cols: 16), got = Tensor(rows: 5, cols: 16)
        embedding.forward(x, into: expected)
        let f = Tensor(shape: [8], values: embedding.frequencies)
        rfm_emulate_sinusoidal_embedding(x.data, f.data, got.data, 5, 8, Int32(blocks), Int32(threads))
        #expect(zip(expected.toArray(), got.toArray()).allSatisfy { abs($0 - $1) <= 1e-6 })
    }

    /// The estimator's named formulas: exact, except the log-Jacobian (another log1p and exp).
    @Test(arguments: geometries)
    func estimatorFormulasMatchTheCPU(blocks: Int, threads: Int) {
        let b = Int32(blocks), t = Int32(threads)
        let a = random(9, 6, seed: 51), c = random(9, 6, seed: 52), n = Int64(a.count)
        Kernels.scale(a, by: 4, into: a)
        let actions = Tensor(rows: 9, cols: 6)
        Kernels.tanh(a, into: actions)
        let ties = c.copy()
        ties[0] = a[0]; ties[7] = a[7]
        func check(_ op: Int32, _ what: String, _ x: Tensor, _ y: Tensor, p: Float = 0, q: Float = 0, tolerance: Float = 0,
                   _ cpu: (Tensor) -> Void) {
            let expected = Tensor(rows: 9, cols: 6), got = Tensor(rows: 9, cols: 6)
            cpu(expected)
            rfm_emulate_estimator_formula(op, x.data, y.data, got.data, p, q, n, b, t)
            let worst = zip(expected.toArray(), got.toArray()).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= tolerance, "\(what): \(worst)")
        }
        check(0, "reciprocal", a, c) { Kernels.reciprocal(a, into: $0) }
        check(0, "reciprocal plus", a, c, p: 1e-12) { Kernels.reciprocal(a, plus: 1e-12, into: $0) }
        check(1, "ratio", a, c) { Kernels.ratio(a, c, into: $0) }
        check(2, "negated ratio", a, c) { Kernels.ratio(a, c, negated: true, into: $0) }
        check(3, "squared ratio", a, c) { Kernels.squaredRatio(a, c, into: $0) }
        check(4, "one minus", a, c) { Kernels.oneMinus(a, into: $0) }
        check(5, "tanh log-Jacobian", a, c, tolerance: 2e-6) { Kernels.tanhLogJacobian(a, into: $0) }
        check(6, "tanh score", actions, c, p: 0.05) { Kernels.tanhScore(actions: actions, actionGradient: c, temperature: 0.05, into: $0) }
        check(7, "control-variate coefficient", a, c, p: 1e-4, q: 2) {
            Kernels.controlVariateCoefficient(numerator: a, denominator: c, ridge: 1e-4, clip: 2, into: $0)
        }
        check(8, "minimum share", a, ties) { Kernels.minimumShare(a, ties, into: $0) }
        check(9, "clamp", a, c, p: 1.5) { Kernels.clamp(a, bound: 1.5, into: $0) }
    }
}
