import CUDA
import Foundation
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

/// The backend's kernels and products against the CPU kernels on the same inputs.
@Suite struct DeviceTests {
    private func upload(_ t: Tensor, _ device: CUDADevice) throws -> DeviceBuffer {
        let buffer = try DeviceBuffer(device: device, count: t.count)
        try buffer.upload(UnsafeBufferPointer(t.buffer))
        return buffer
    }

    private func download(_ b: DeviceBuffer, rows: Int, cols: Int) throws -> Tensor {
        let t = Tensor(rows: rows, cols: cols)
        try b.download(into: t.buffer)
        return t
    }

    private func random(_ rows: Int, _ cols: Int, seed: UInt64) -> Tensor {
        var rng = RandomStream(seed: seed)
        let t = Tensor(rows: rows, cols: cols)
        rng.fillUniform(t, low: -1, high: 1)
        return t
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func cublasProductsMatchTheCPU(transA: Bool, transB: Bool) throws {
        let device = testDevice
        try device.useTF32(false)
        let m = 67, n = 45, k = 130
        let a = transA ? random(k, m, seed: 1) : random(m, k, seed: 1)
        let b = transB ? random(n, k, seed: 2) : random(k, n, seed: 2)
        let c = random(m, n, seed: 3)
        let da = try upload(a, device), db = try upload(b, device), dc = try upload(c, device)
        try device.gemm(da.matrix(rows: a.rows, cols: a.cols), transA: transA, db.matrix(rows: b.rows, cols: b.cols),
                        transB: transB, into: dc.matrix(rows: m, cols: n), alpha: 0.5, beta: 1)
        Kernels.gemm(a, transA ? .transposed : .none, b, transB ? .transposed : .none, into: c, alpha: 0.5, beta: 1)
        let got = try download(dc, rows: m, cols: n)
        let worst = zip(got.toArray(), c.toArray()).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-4, "largest difference \(worst)")
    }

    @Test(.enabled(if: gpu != nil, "TF32 needs a GPU's tensor cores"))
    func tf32ProductsStayCloseToFP32() throws {
        let device = try #require(gpu)
        let m = 256, n = 256, k = 256
        let a = random(m, k, seed: 4), b = random(k, n, seed: 5), c = Tensor(rows: m, cols: n)
        let da = try upload(a, device), db = try upload(b, device), dc = try DeviceBuffer(device: device, count: m * n)
        try device.useTF32(true)
        defer { try? device.useTF32(false) }
        try device.gemm(da.matrix(rows: m, cols: k), db.matrix(rows: k, cols: n), into: dc.matrix(rows: m, cols: n))
        Kernels.gemm(a, .none, b, .none, into: c)
        let got = try download(dc, rows: m, cols: n)
        // TF32 keeps 10 mantissa bits of each factor: errors of order 1e-3 relative per term.
        let worst = zip(got.toArray(), c.toArray()).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 0.05, "largest difference \(worst)")
    }

    @Test func geluMatchesTheCPU() throws {
        let device = testDevice
        let x = Tensor(rows: 1, cols: 4001)
        for i in 0..<x.count { x[i] = Float(i - 2000) * 0.01 }  // −20 … 20
        let dx = try upload(x, device), dy = try DeviceBuffer(device: device, count: x.count)
        try device.gelu(dx, into: dy)
        let expected = Tensor(rows: 1, cols: x.count)
        Kernels.gelu(x, into: expected)
        let got = try download(dy, rows: 1, cols: x.count)
        for i in 0..<x.count {
            #expect(abs(got[i] - expected[i]) <= 2e-6 * max(1, abs(expected[i])), "x = \(x[i])")
        }
    }

    @Test func rowVectorsAreAddedToEveryRow() throws {
        let device = testDevice
        let m = random(37, 19, seed: 6), v = random(1, 19, seed: 7)
        let dm = try upload(m, device), dv = try upload(v, device)
        try device.addRowVector(dv, to: dm, rows: 37, cols: 19)
        let vector = Tensor(count: 19)
        for j in 0..<19 { vector[j] = v[j] }
        Kernels.addRowVector(vector, to: m)
        #expect(try download(dm, rows: 37, cols: 19).toArray() == m.toArray())
    }

    /// The critic update's elementwise kernels and Adam on the GPU, bit for bit against the CPU
    /// (NVRTC compiles without fused multiply-adds).
    @Test func elementwiseKernelsAndAdamEqualTheCPUExactly() throws {
        let device = testDevice
        let x = random(131, 67, seed: 8), y = random(131, 67, seed: 9)
        let dx = try upload(x, device), dy = try upload(y, device)
        func check(_ what: String, start: Tensor, _ cpu: (Tensor) -> Void, _ run: (DeviceBuffer) throws -> Void) throws {
            let expected = start.copy()
            cpu(expected)
            let out = try upload(start, device)
            try run(out)
            #expect(try download(out, rows: start.rows, cols: start.cols).toArray() == expected.toArray(), "\(what)")
        }
        let zero = Tensor(rows: 131, cols: 67)
        try check("relu", start: zero, { Kernels.relu(x, into: $0) }) { try device.relu(dx, into: $0) }
        try check("relu backward", start: zero, { Kernels.reluBackward(y, input: x, into: $0) }) { try device.reluBackward(dy, input: dx, into: $0) }
        try check("scale", start: zero, { Kernels.scale(x, by: -0.37, into: $0) }) { try device.scale(dx, by: -0.37, into: $0) }
        try check("axpy", start: y, { Kernels.axpy(0.61, x, $0) }) { try device.axpy(0.61, dx, $0) }
        try check("blend", start: y, { Kernels.blend($0, 0.995, x, 0.005) }) { try device.blend($0, 0.995, dx, 0.005) }
        try check("minimum", start: zero, { Kernels.minimum(x, y, into: $0) }) { try device.minimum(dx, dy, into: $0) }
        try check("sum of columns", start: random(1, 67, seed: 10), { Kernels.sumColumns(x, into: $0, accumulate: true) }) {
            try device.sumColumns(dx, rows: 131, cols: 67, into: $0, accumulate: true)
        }
        let p = random(131, 67, seed: 11), m = Tensor(rows: 131, cols: 67), v = Tensor(rows: 131, cols: 67)
        let dp = try upload(p, device), dm = try upload(m, device), dv = try upload(v, device)
        for step in 1...3 {
            let c1 = 1 - Float(pow(0.9, Double(step))), c2 = 1 - Float(pow(0.999, Double(step)))
            Kernels.adamStep(parameter: p, firstMoment: m, secondMoment: v, gradient: x, learningRate: 3e-4, beta1: 0.9,
                             beta2: 0.999, correction1: c1, correction2: c2, epsilon: 1e-8)
            try device.adamStep(parameter: dp, firstMoment: dm, secondMoment: dv, gradient: dx, learningRate: 3e-4, beta1: 0.9,
                                beta2: 0.999, correction1: c1, correction2: c2, epsilon: 1e-8)
        }
        #expect(try download(dp, rows: 131, cols: 67).toArray() == p.toArray(), "adam parameters")
        #expect(try download(dv, rows: 131, cols: 67).toArray() == v.toArray(), "adam second moment")
    }
}
