import CUDA
import Experiments
import Foundation
import ReverseFlow
import TensorCore
import Testing

/// The GPU, when this machine has one; nil where the libraries or a GPU are missing, as on the
/// project's CPU build machines (the reason is printed).
let gpu: CUDADevice? = {
    do { return try CUDADevice.open() } catch {
        print("CUDA tests run on the CPU emulation of the backend: \(error)")
        return nil
    }
}()

/// The device the backend's tests run on: the GPU, or else the backend emulated on the CPU (the
/// same code above the driver: argument packing, launch geometry, the row-major products).
let testDevice: CUDADevice = gpu ?? CUDADevice.emulated()

/// The backend's products and kernels, called through `Kernels` on device tensors as training
/// calls them, against the same calls on host tensors.
@Suite struct DeviceTests {
    static let device = CUDAComputeDevice(testDevice)

    private func random(_ rows: Int, _ cols: Int, seed: UInt64) -> Tensor {
        var rng = RandomStream(seed: seed)
        let t = Tensor(rows: rows, cols: cols, on: nil)
        rng.fillUniform(t, low: -1, high: 1)
        return t
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func cublasProductsMatchTheCPU(transA: Bool, transB: Bool) throws {
        try testDevice.useTF32(false)
        let m = 67, n = 45, k = 130
        let a = transA ? random(k, m, seed: 1) : random(m, k, seed: 1)
        let b = transB ? random(n, k, seed: 2) : random(k, n, seed: 2)
        let c = random(m, n, seed: 3)
        let dc = c.copy(to: Self.device)
        Kernels.gemm(a.copy(to: Self.device), transA ? .transposed : .none, b.copy(to: Self.device), transB ? .transposed : .none,
                     into: dc, alpha: 0.5, beta: 1)
        Kernels.gemm(a, transA ? .transposed : .none, b, transB ? .transposed : .none, into: c, alpha: 0.5, beta: 1)
        let worst = zip(dc.toArray(), c.toArray()).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-4, "largest difference \(worst)")
    }

    @Test(.enabled(if: gpu != nil, "TF32 needs a GPU's tensor cores"))
    func tf32ProductsStayCloseToFP32() throws {
        let cuda = try #require(gpu), device = CUDAComputeDevice(cuda)
        let m = 256, n = 256, k = 256
        let a = random(m, k, seed: 4), b = random(k, n, seed: 5), c = Tensor(rows: m, cols: n, on: nil)
        let dc = Tensor(rows: m, cols: n, on: device)
        try cuda.useTF32(true)
        defer { try? cuda.useTF32(false) }
        Kernels.gemm(a.copy(to: device), .none, b.copy(to: device), .none, into: dc)
        Kernels.gemm(a, .none, b, .none, into: c)
        // TF32 keeps 10 mantissa bits of each factor: errors of order 1e-3 relative per term.
        let worst = zip(dc.toArray(), c.toArray()).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 0.05, "largest difference \(worst)")
    }

    @Test func geluMatchesTheCPU() {
        let x = Tensor(shape: [4001], values: (0..<4001).map { Float($0 - 2000) * 0.01 })  // −20 … 20
        let expected = Tensor(count: x.count, on: nil), got = Tensor(count: x.count, on: Self.device)
        Kernels.gelu(x, into: expected)
        Kernels.gelu(x.copy(to: Self.device), into: got)
        for (i, (g, e)) in zip(got.toArray(), expected.toArray()).enumerated() {
            #expect(abs(g - e) <= 2e-6 * max(1, abs(e)), "x = \(x[i])")
        }
    }

    /// Every check of `rfm device`'s self-check within its tolerance.
    @Test func theSelfCheckPasses() {
        var check = DeviceSelfCheck(device: Self.device)
        let errors = check.run()
        #expect(errors.count == 63)
        for (kernel, error) in errors {
            #expect(error <= DeviceSelfCheck.tolerance(kernel), "\(kernel): \(error)")
        }
    }

    /// The critic update's elementwise kernels and Adam, bit for bit against the CPU (NVRTC
    /// compiles without fused multiply-adds).
    @Test func elementwiseKernelsAndAdamEqualTheCPUExactly() {
        let device = Self.device
        let x = random(131, 67, seed: 8), y = random(131, 67, seed: 9)
        let dx = x.copy(to: device), dy = y.copy(to: device)
        func check(_ what: String, start: Tensor, _ run: (Tensor, Tensor, Tensor) -> Void) {
            let expected = start.copy(to: nil), got = start.copy(to: device)
            run(x, y, expected)
            run(dx, dy, got)
            #expect(got.toArray() == expected.toArray(), "\(what)")
        }
        let zero = Tensor(rows: 131, cols: 67, on: nil)
        check("relu", start: zero) { x, _, out in Kernels.relu(x, into: out) }
        check("relu backward", start: zero) { x, y, out in Kernels.reluBackward(y, input: x, into: out) }
        check("scale", start: zero) { x, _, out in Kernels.scale(x, by: -0.37, into: out) }
        check("axpy", start: y) { x, _, out in Kernels.axpy(0.61, x, out) }
        check("blend", start: y) { x, _, out in Kernels.blend(out, 0.995, x, 0.005) }
        check("minimum", start: zero) { x, y, out in Kernels.minimum(x, y, into: out) }
        let row = random(1, 67, seed: 12), dRow = row.copy(to: device)
        check("add row vector", start: x) { _, _, out in Kernels.addRowVector(out.device == nil ? row : dRow, to: out) }
        check("sum of columns", start: random(1, 67, seed: 10)) { x, _, out in Kernels.sumColumns(x, into: out, accumulate: true) }
        let p = random(131, 67, seed: 11), m = Tensor(rows: 131, cols: 67, on: nil), v = Tensor(rows: 131, cols: 67, on: nil)
        let dp = p.copy(to: device), dm = m.copy(to: device), dv = v.copy(to: device)
        for step in 1...3 {
            let c1 = 1 - Float(pow(0.9, Double(step))), c2 = 1 - Float(pow(0.999, Double(step)))
            Kernels.adamStep(parameter: p, firstMoment: m, secondMoment: v, gradient: x, learningRate: 3e-4, beta1: 0.9,
                             beta2: 0.999, correction1: c1, correction2: c2, epsilon: 1e-8)
            Kernels.adamStep(parameter: dp, firstMoment: dm, secondMoment: dv, gradient: dx, learningRate: 3e-4, beta1: 0.9,
                             beta2: 0.999, correction1: c1, correction2: c2, epsilon: 1e-8)
        }
        #expect(dp.toArray() == p.toArray(), "adam parameters")
        #expect(dv.toArray() == v.toArray(), "adam second moment")
    }
}
