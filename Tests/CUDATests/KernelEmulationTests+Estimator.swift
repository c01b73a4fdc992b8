import CUDA
import Foundation
import NeuralNet
import ReverseFlow
import TensorCore
import Testing

/// The estimator's kernels on the emulation: reductions, groups, random numbers, the embedding
/// and the named formulas, each through its `Kernels` call on device tensors.
extension KernelEmulationTests {
    /// Row and group reductions: exactly where both sum in the same order, to rounding where the
    /// CPU's exponential is its polynomial.
    @Test(arguments: geometries)
    func reductionsMatchTheCPU(blocks: Int, threads: Int) {
        let device = CUDAComputeDevice.emulated(blocks: blocks, threads: threads)
        let m = random(6, 20, seed: 31)
        Kernels.scale(m, by: 5, into: m)
        let rowVector = Tensor(count: 6, on: nil)
        #expect(worst(run(device, rowVector, [m]) { Kernels.sumRows($0[0], into: $1) }) == 0, "sumRows")
        #expect(worst(run(device, rowVector, [m]) { Kernels.maxRows($0[0], into: $1) }) == 0, "maxRows")
        #expect(worst(run(device, rowVector, [m]) { Kernels.logSumExpRows($0[0], into: $1) }, relative: true) <= 2e-6, "logSumExpRows")
        #expect(worst(run(device, Tensor(rows: 6, cols: 20, on: nil), [m]) { Kernels.softmaxRows($0[0], into: $1) }) <= 1e-6, "softmaxRows")
        let hostPicks = Indices(count: 6, on: nil), devicePicks = Indices(count: 6, on: device)
        Kernels.argmaxRows(m, into: hostPicks)
        Kernels.argmaxRows(m.copy(to: device), into: devicePicks)
        #expect(hostPicks.toArray() == devicePicks.toArray(), "argmaxRows")
        let stdHost = Tensor(count: 6, on: nil), stdDevice = Tensor(count: 6, on: device)
        let mean = run(device, rowVector, [m]) { Kernels.meanAndStdRows($0[0], mean: $1, std: $1.device == nil ? stdHost : stdDevice) }
        #expect(mean.got == mean.expected && stdHost.toArray() == stdDevice.toArray(), "meanAndStdRows")
        // Groups: 3 groups of 4 rows of width 5.
        let x = random(12, 5, seed: 32), rows = random(3, 5, seed: 33), w = random(3, 4, seed: 34)
        let alpha = Tensor(shape: [3], values: random(1, 3, seed: 35).toArray()), beta = Tensor(shape: [3], values: random(1, 3, seed: 36).toArray())
        let checks: [(String, Tensor, [Tensor], ([Tensor], Tensor) -> Void)] = [
            ("groupAffine", Tensor(rows: 12, cols: 5, on: nil), [x, alpha, rows, beta],
             { Kernels.groupAffine($0[0], scale: $0[1], shift: $0[2], shiftScale: $0[3], into: $1) }),
            ("groupWeightedSum", Tensor(rows: 3, cols: 5, on: nil), [w, x], { Kernels.groupWeightedSum($0[0], $0[1], into: $1) }),
            ("subtractGroupRows", Tensor(rows: 12, cols: 5, on: nil), [x, rows], { Kernels.subtractGroupRows($0[0], $0[1], into: $1) }),
            ("broadcastColumn", Tensor(rows: 3, cols: 5, on: nil), [alpha], { Kernels.broadcastColumn($0[0], into: $1) }),
        ]
        for (what, start, inputs, kernel) in checks {
            let r = run(device, start, inputs, kernel)
            #expect(r.got == r.expected, "\(what) with \(blocks)×\(threads)")
        }
        let squares = Kernels.sumOfSquares(x)
        #expect(abs(Kernels.sumOfSquares(x.copy(to: device)) - squares) <= 1e-12 * squares, "sumOfSquares")
    }

    /// Philox fills from a stream's current position: the same uniforms bit for bit, normals to
    /// a few ulp (the C library's log, cos and sin), and the stream left where the CPU leaves it.
    @Test(arguments: geometries)
    func randomFillsDrawTheCPUsNumbers(blocks: Int, threads: Int) {
        let device = CUDAComputeDevice.emulated(blocks: blocks, threads: threads)
        var cpu = RandomStream(seed: 0xDEAD_BEEF_1234, stream: 77).split(3)
        _ = cpu.normal()  // start mid-stream
        let start = cpu
        for count in [1, 5, 42] {
            var onDevice = cpu
            let u1 = Tensor(count: count, on: nil), u2 = Tensor(count: count, on: device)
            cpu.fillUniform(u1, low: -2, high: 3)
            onDevice.fillUniform(u2, low: -2, high: 3)
            #expect(u1.toArray() == u2.toArray(), "uniform fill of \(count)")
            #expect(onDevice.position == cpu.position)
            let n1 = Tensor(count: count, on: nil), n2 = Tensor(count: count, on: device)
            cpu.fillNormal(n1, mean: 0.5, std: 2)
            onDevice.fillNormal(n2, mean: 0.5, std: 2)
            #expect(zip(n1.toArray(), n2.toArray()).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($0)) }, "normal fill of \(count)")
            #expect(onDevice.position == cpu.position)
        }
        #expect(start != cpu)
    }

    /// Boltzmann picks (one uniform per row, in row order) and the sinusoidal embedding.
    @Test(arguments: geometries)
    func categoricalPicksAndEmbeddingsMatchTheCPU(blocks: Int, threads: Int) {
        let device = CUDAComputeDevice.emulated(blocks: blocks, threads: threads)
        let logits = random(40, 9, seed: 41)
        Kernels.scale(logits, by: 3, into: logits)
        var cpu = RandomStream(seed: 5, stream: 6)
        _ = cpu.uniform()
        var onDevice = cpu
        let picks = Indices(count: 40, on: nil), devicePicks = Indices(count: 40, on: device)
        cpu.categorical(logits: logits, into: picks)
        onDevice.categorical(logits: logits.copy(to: device), into: devicePicks)
        #expect(picks.toArray() == devicePicks.toArray())
        #expect(onDevice.position == cpu.position)
        let embedding = SinusoidalEmbedding(size: 16)
        let x = Tensor(shape: [5], values: [0, 0.01, 0.5, 0.99, 7])
        let expected = Tensor(rows: 5, cols: 16, on: nil), got = Tensor(rows: 5, cols: 16, on: device)
        embedding.forward(x, into: expected)
        Kernels.sinusoidalEmbedding(x.copy(to: device), frequencies: Tensor(shape: [8], values: embedding.frequencies).copy(to: device),
                                    into: got)
        #expect(zip(expected.toArray(), got.toArray()).allSatisfy { abs($0 - $1) <= 1e-6 })
    }

    /// TensorCore's arithmetic and the estimator's named formulas: exact, except the log-Jacobian
    /// (another log1p and exp).
    @Test(arguments: geometries)
    func estimatorFormulasMatchTheCPU(blocks: Int, threads: Int) {
        let device = CUDAComputeDevice.emulated(blocks: blocks, threads: threads)
        let a = random(9, 6, seed: 51), c = random(9, 6, seed: 52), zero = Tensor(rows: 9, cols: 6, on: nil)
        Kernels.scale(a, by: 4, into: a)
        let actions = Tensor(rows: 9, cols: 6, on: nil)
        Kernels.tanh(a, into: actions)
        let ties = c.copy()
        ties[0] = a[0]; ties[7] = a[7]
        let checks: [(String, [Tensor], Float, ([Tensor], Tensor) -> Void)] = [
            ("reciprocal", [a], 0, { Kernels.reciprocal($0[0], into: $1) }),
            ("reciprocal plus", [a], 0, { Kernels.reciprocal($0[0], plus: 1e-12, into: $1) }),
            ("ratio", [a, c], 0, { Kernels.ratio($0[0], $0[1], into: $1) }),
            ("negated ratio", [a, c], 0, { Kernels.ratio($0[0], $0[1], negated: true, into: $1) }),
            ("squared ratio", [a, c], 0, { Kernels.squaredRatio($0[0], $0[1], into: $1) }),
            ("one minus", [a], 0, { Kernels.oneMinus($0[0], into: $1) }),
            ("tanh log-Jacobian", [a], 2e-6, { Kernels.tanhLogJacobian($0[0], into: $1) }),
            ("tanh score", [actions, c], 0, { Kernels.tanhScore(actions: $0[0], actionGradient: $0[1], temperature: 0.05, into: $1) }),
            ("control-variate coefficient", [a, c], 0,
             { Kernels.controlVariateCoefficient(numerator: $0[0], denominator: $0[1], ridge: 1e-4, clip: 2, into: $1) }),
            ("minimum share", [a, ties], 0, { Kernels.minimumShare($0[0], $0[1], into: $1) }),
            ("clamp", [a], 0, { Kernels.clamp($0[0], bound: 1.5, into: $1) }),
        ]
        for (what, inputs, tolerance, kernel) in checks {
            let error = worst(run(device, zero, inputs, kernel))
            #expect(error <= tolerance, "\(what): \(error)")
        }
    }
}
