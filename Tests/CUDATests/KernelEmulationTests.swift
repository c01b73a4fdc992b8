import CUDA
import Foundation
import NeuralNet
import ReverseFlow
import TensorCore
import Testing

/// The CUDA kernels' source, compiled for the CPU by the emulation target, against the CPU kernels
/// they mirror: the arithmetic and the indexing of every kernel are checked on any machine, before
/// a GPU runs them. Each kernel is called as training calls it (`Kernels` on device tensors, so
/// through its named launch and the kernel table) on emulated devices whose launch grids have
/// fewer threads than elements (the grid-stride loop wraps) and more (threads past the end do
/// nothing).
@Suite struct KernelEmulationTests {
    static let geometries = [(1, 1), (3, 32), (64, 256)]

    @Test func theSourceShipsWithTheModuleAndDefinesEveryKernel() throws {
        let source = try DeviceKernels.source()
        for name in KernelTable.names {
            #expect(source.contains("__global__ void \(name)("), "\(name) is not defined in Kernels/*.cu")
        }
        // Every kernel in the source is in the table the GPU compiles and the launches are checked against.
        let defined = source.components(separatedBy: "__global__ void ").dropFirst().map { String($0.prefix { $0 != "(" }) }
        #expect(Set(defined) == Set(KernelTable.names))
        #expect(KernelTable.layouts["rfm_no_such_kernel"] == nil)
    }

    func random(_ rows: Int, _ cols: Int, seed: UInt64) -> Tensor {
        var rng = RandomStream(seed: seed)
        let t = Tensor(rows: rows, cols: cols, on: nil)
        rng.fillNormal(t)
        return t
    }

    /// `kernel` on host copies of `inputs` into a copy of `start`, and on device copies of both:
    /// the host's result and the device's.
    func run(_ device: ComputeDevice, _ start: Tensor, _ inputs: [Tensor],
                     _ kernel: ([Tensor], Tensor) -> Void) -> (expected: [Float], got: [Float]) {
        let onDevice = inputs.map { $0.copy(to: device) }, got = start.copy(to: device), expected = start.copy(to: nil)
        kernel(inputs.map { $0.copy(to: nil) }, expected)
        kernel(onDevice, got)
        return (expected.toArray(), got.toArray())
    }

    /// The largest difference, relative to `max(1, |expected|)` when `relative`.
    func worst(_ r: (expected: [Float], got: [Float]), relative: Bool = false) -> Float {
        zip(r.expected, r.got).map { abs($0 - $1) / (relative ? max(1, abs($0)) : 1) }.max() ?? 0
    }

    @Test(arguments: geometries)
    func geluMatchesTheCPUKernel(blocks: Int, threads: Int) {
        let device = CUDAComputeDevice.emulated(blocks: blocks, threads: threads)
        // −30 … 30 in steps of 0.01, plus the far tails.
        var values = (0...6000).map { Float($0 - 3000) * 0.01 }
        values += [-1000, -90, -50, 50, 90, 1000, 0, -0.0]
        let x = Tensor(shape: [values.count], values: values)
        let r = run(device, Tensor(count: values.count, on: nil), [x]) { Kernels.gelu($0[0], into: $1) }
        for i in 0..<values.count {
            // The CPU's exponential is a polynomial within 2 ulp; the C library's is correctly
            // rounded, so the two agree to a few ulp of the result.
            #expect(abs(r.got[i] - r.expected[i]) <= 4e-6 * max(1, abs(r.expected[i])), "x = \(values[i])")
        }
    }

    /// The critic update's elementwise kernels and three Adam steps, bit for bit (same operations
    /// in the same order, no fused multiply-adds on either side).
    @Test(arguments: geometries)
    func elementwiseKernelsAndAdamEqualTheCPUKernelsExactly(blocks: Int, threads: Int) {
        let device = CUDAComputeDevice.emulated(blocks: blocks, threads: threads)
        let x = random(13, 29, seed: 1), y = random(13, 29, seed: 2), zero = Tensor(rows: 13, cols: 29, on: nil)
        let v = Tensor(shape: [29], values: random(1, 29, seed: 11).toArray())
        let checks: [(String, Tensor, [Tensor], ([Tensor], Tensor) -> Void)] = [
            ("relu", zero, [x], { Kernels.relu($0[0], into: $1) }),
            ("relu backward", zero, [y, x], { Kernels.reluBackward($0[0], input: $0[1], into: $1) }),
            ("scale", zero, [x], { Kernels.scale($0[0], by: -0.37, into: $1) }),
            ("axpy", y, [x], { Kernels.axpy(0.61, $0[0], $1) }),
            ("blend", y, [x], { Kernels.blend($1, 0.995, $0[0], 0.005) }),
            ("minimum", zero, [x, y], { Kernels.minimum($0[0], $0[1], into: $1) }),
            ("add row vector", x, [v], { Kernels.addRowVector($0[0], to: $1) }),
            ("sum of columns", random(1, 29, seed: 3), [x], { Kernels.sumColumns($0[0], into: $1) }),
            ("sum of columns, accumulated", random(1, 29, seed: 3), [x], { Kernels.sumColumns($0[0], into: $1, accumulate: true) }),
            ("add", zero, [x, y], { Kernels.add($0[0], $0[1], into: $1) }),
            ("subtract", zero, [x, y], { Kernels.subtract($0[0], $0[1], into: $1) }),
            ("multiply", zero, [x, y], { Kernels.multiply($0[0], $0[1], into: $1) }),
        ]
        for (what, start, inputs, kernel) in checks {
            let r = run(device, start, inputs, kernel)
            #expect(r.got == r.expected, "\(what) with \(blocks)×\(threads)")
        }
        let p = random(7, 31, seed: 4)
        let cpu = (p: p, m: Tensor(rows: 7, cols: 31, on: nil), v: Tensor(rows: 7, cols: 31, on: nil))
        let gpu = (p: p.copy(to: device), m: Tensor(rows: 7, cols: 31, on: device), v: Tensor(rows: 7, cols: 31, on: device))
        for step in 1...3 {
            let g = random(7, 31, seed: 10 + UInt64(step))
            let c1 = 1 - Float(pow(0.9, Double(step))), c2 = 1 - Float(pow(0.999, Double(step)))
            for (s, gradient) in [(cpu, g), (gpu, g.copy(to: device))] {
                Kernels.adamStep(parameter: s.p, firstMoment: s.m, secondMoment: s.v, gradient: gradient, learningRate: 3e-4,
                                 beta1: 0.9, beta2: 0.999, correction1: c1, correction2: c2, epsilon: 1e-8)
            }
        }
        #expect(gpu.p.toArray() == cpu.p.toArray() && gpu.m.toArray() == cpu.m.toArray() && gpu.v.toArray() == cpu.v.toArray())
    }

    /// The rollout's and the estimator's layout and arithmetic kernels against the CPU.
    @Test(arguments: geometries)
    func layoutAndArithmeticKernelsMatchTheCPU(blocks: Int, threads: Int) {
        let device = CUDAComputeDevice.emulated(blocks: blocks, threads: threads)
        let x = random(12, 7, seed: 21), y = random(12, 7, seed: 22), zero = Tensor(rows: 12, cols: 7, on: nil)
        // tanh and GELU's derivative: the CPU's tanh is a polynomial within 3e-7.
        let wide = Tensor(shape: [12, 7], values: (0..<84).map { Float($0 - 42) * 0.2 })
        #expect(worst(run(device, zero, [wide]) { Kernels.tanh($0[0], into: $1) }) <= 5e-7, "tanh")
        #expect(worst(run(device, zero, [y, wide]) { Kernels.geluBackward($0[0], input: $0[1], into: $1) }, relative: true) <= 2e-6,
                "geluBackward")
        // Layouts, exactly.
        let column = Tensor(shape: [12], values: random(12, 1, seed: 23).toArray()), shares = random(3, 7, seed: 24)
        let row = Tensor(shape: [7], values: Array(shares.toArray()[0..<7]))
        let checks: [(String, Tensor, [Tensor], ([Tensor], Tensor) -> Void)] = [
            ("addColumnVector", x, [column], { Kernels.addColumnVector($0[0], to: $1) }),
            ("addGroupRows", x, [shares], { Kernels.addGroupRows($0[0], to: $1) }),
            ("broadcastRow", Tensor(rows: 5, cols: 7, on: nil), [row], { Kernels.broadcastRow($0[0], into: $1) }),
            ("repeatRows", zero, [shares], { Kernels.repeatRows($0[0], times: 4, into: $1) }),
        ]
        for (what, start, inputs, kernel) in checks {
            let r = run(device, start, inputs, kernel)
            #expect(r.got == r.expected, "\(what) with \(blocks)×\(threads)")
        }
        let picks = [11, 0, 5, 5, 2], hostPicks = Indices(picks), devicePicks = Indices(count: 5, on: device)
        devicePicks.assign(picks)
        let gathered = run(device, Tensor(rows: 5, cols: 7, on: nil), [x]) {
            Kernels.gatherRows($0[0], $1.device == nil ? hostPicks : devicePicks, into: $1)
        }
        #expect(gathered.got == gathered.expected, "gatherRows")
    }
}
