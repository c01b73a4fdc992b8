import CUDA
import CUDAEmulation
import Foundation
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
        }
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
}
