import ArgumentParser
import CUDA
import Foundation
import TensorCore

/// `rfm device`: finds the GPU and the CUDA libraries, compiles the kernels, and checks a product
/// and GELU against the CPU: the first thing to run on a new GPU machine.
struct Device: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the CUDA GPU and libraries, compile the kernels, and check them against the CPU.",
        discussion: """
            The CUDA libraries are opened at run time: the driver's libcuda.so.1, cuBLAS and NVRTC \
            (CUDA 13 or 12), looked for in RFM_CUDA_LIB_DIR, the loader's path, the nvidia/*/lib \
            folders of the Python environments on PATH, and /usr/local/cuda/lib64.
            """
    )

    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let device = try CUDADevice.open()  // a CUDAError prints as one line and exits with 1
        var check = DeviceSelfCheck(device: device)
        let checks = try check.run()
        if json {
            struct Report: Encodable {
                let name: String, memory_gib: Double, compute_capability: Int, driver: String, nvrtc: String
                let libraries: [String: String], max_errors: [String: Float]
            }
            try printJSON(Report(name: device.name, memory_gib: Double(device.memoryBytes) / 1_073_741_824,
                                 compute_capability: device.capability, driver: device.driverVersion,
                                 nvrtc: device.compilerVersion, libraries: device.libraryPaths, max_errors: checks))
        } else {
            print(String(format: "%@, %.1f GiB, compute capability %d.%d, driver CUDA %@, NVRTC %@", device.name,
                         Double(device.memoryBytes) / 1_073_741_824, device.capability / 10, device.capability % 10,
                         device.driverVersion, device.compilerVersion))
            for (name, path) in device.libraryPaths.sorted(by: { $0.key < $1.key }) { print("  \(name): \(path)") }
            print("self-check against the CPU kernels (largest difference):")
            for (name, error) in checks.sorted(by: { $0.key < $1.key }) { print(String(format: "  %-16@ %.2e", name, error)) }
        }
        if let bad = checks.first(where: { $0.value > DeviceSelfCheck.tolerance($0.key) }) {
            throw CUDAError("the GPU's \(bad.key) differs from the CPU by \(bad.value)")
        }
    }
}

/// Every GPU kernel against its CPU kernel on the same random inputs: the largest absolute
/// difference per kernel. Products in FP32 agree to rounding (different summation order); GELU to a
/// few ulp (different exponentials); the other kernels exactly.
struct DeviceSelfCheck {
    let device: CUDADevice
    private var rng = RandomStream(seed: 7)

    init(device: CUDADevice) { self.device = device }

    static func tolerance(_ kernel: String) -> Float {
        switch kernel {
        case "gemm": 1e-3
        case "gelu", "gelu backward": 1e-5
        case "tanh": 1e-6
        default: 0
        }
    }

    mutating func run() throws -> [String: Float] {
        let rows = 128, cols = 96
        let a = random(rows, 200), b = random(200, cols), x = random(rows, cols), y = random(rows, cols)
        let da = try upload(a), db = try upload(b), dx = try upload(x), dy = try upload(y)
        var errors: [String: Float] = [:]
        try device.useTF32(false)
        errors["gemm"] = try compare(Tensor(rows: rows, cols: cols), { Kernels.gemm(a, .none, b, .none, into: $0) }) {
            try device.gemm(da.matrix(rows: rows, cols: 200), db.matrix(rows: 200, cols: cols), into: $0.matrix(rows: rows, cols: cols))
        }
        let zero = Tensor(rows: rows, cols: cols)
        errors["gelu"] = try compare(zero, { Kernels.gelu(x, into: $0) }) { try device.gelu(dx, into: $0) }
        errors["relu"] = try compare(zero, { Kernels.relu(x, into: $0) }) { try device.relu(dx, into: $0) }
        errors["relu backward"] = try compare(zero, { Kernels.reluBackward(y, input: x, into: $0) }) {
            try device.reluBackward(dy, input: dx, into: $0)
        }
        errors["scale"] = try compare(zero, { Kernels.scale(x, by: -0.37, into: $0) }) { try device.scale(dx, by: -0.37, into: $0) }
        errors["axpy"] = try compare(y, { Kernels.axpy(0.61, x, $0) }) { try device.axpy(0.61, dx, $0) }
        errors["blend"] = try compare(y, { Kernels.blend($0, 0.995, x, 0.005) }) { try device.blend($0, 0.995, dx, 0.005) }
        errors["minimum"] = try compare(zero, { Kernels.minimum(x, y, into: $0) }) { try device.minimum(dx, dy, into: $0) }
        let vector = random(1, cols)
        errors["add row vector"] = try compare(x, { Kernels.addRowVector(vector.copy(), to: $0) }) {
            try device.addRowVector(try upload(vector), to: $0, rows: rows, cols: cols)
        }
        errors["sum columns"] = try compare(vector, { Kernels.sumColumns(x, into: $0, accumulate: true) }) {
            try device.sumColumns(dx, rows: rows, cols: cols, into: $0, accumulate: true)
        }
        errors["add"] = try compare(zero, { Kernels.add(x, y, into: $0) }) { try device.add(dx, dy, into: $0) }
        errors["subtract"] = try compare(zero, { Kernels.subtract(x, y, into: $0) }) { try device.subtract(dx, dy, into: $0) }
        errors["multiply"] = try compare(zero, { Kernels.multiply(x, y, into: $0) }) { try device.multiply(dx, dy, into: $0) }
        errors["tanh"] = try compare(zero, { Kernels.tanh(x, into: $0) }) { try device.tanh(dx, into: $0) }
        errors["gelu backward"] = try compare(zero, { Kernels.geluBackward(y, input: x, into: $0) }) {
            try device.geluBackward(dy, input: dx, into: $0)
        }
        let column = random(rows, 1), columnVector = Tensor(count: rows)
        for i in 0..<rows { columnVector[i] = column[i] }
        errors["add column vector"] = try compare(x, { Kernels.addColumnVector(columnVector, to: $0) }) {
            try device.addColumnVector(try upload(column), to: $0, rows: rows, cols: cols)
        }
        let shares = random(rows / 4, cols)
        errors["add group rows"] = try compare(x, { Kernels.addGroupRows(shares, to: $0) }) {
            try device.addGroupRows(try upload(shares), groups: rows / 4, to: $0, rowsOfX: rows, cols: cols)
        }
        errors["broadcast row"] = try compare(zero, { Kernels.broadcastRow(vector, into: $0) }) {
            try device.broadcastRow(try upload(vector), into: $0, rows: rows, cols: cols)
        }
        errors["repeat rows"] = try compare(zero, { Kernels.repeatRows(shares, times: 4, into: $0) }) {
            try device.repeatRows(try upload(shares), rows: rows / 4, cols: cols, times: 4, into: $0)
        }
        errors["adam"] = try compare(y, {
            Kernels.adamStep(parameter: $0, firstMoment: Tensor(rows: rows, cols: cols), secondMoment: Tensor(rows: rows, cols: cols),
                             gradient: x, learningRate: 3e-4, beta1: 0.9, beta2: 0.999, correction1: 0.1, correction2: 0.001, epsilon: 1e-8)
        }) {
            try device.adamStep(parameter: $0, firstMoment: try upload(zero), secondMoment: try upload(zero), gradient: dx,
                                learningRate: 3e-4, beta1: 0.9, beta2: 0.999, correction1: 0.1, correction2: 0.001, epsilon: 1e-8)
        }
        return errors
    }

    private mutating func random(_ rows: Int, _ cols: Int) -> Tensor {
        let t = Tensor(rows: rows, cols: cols)
        rng.fillNormal(t)
        return t
    }

    private func upload(_ t: Tensor) throws -> DeviceBuffer {
        let buffer = try DeviceBuffer(device: device, count: t.count)
        try buffer.upload(UnsafeBufferPointer(t.buffer))
        return buffer
    }

    /// Runs `cpu` on a copy of `start` and `gpu` on an uploaded copy; the largest difference.
    private func compare(_ start: Tensor, _ cpu: (Tensor) -> Void, _ gpu: (DeviceBuffer) throws -> Void) throws -> Float {
        let expected = start.copy()
        cpu(expected)
        let buffer = try upload(start)
        try gpu(buffer)
        let got = Tensor(rows: start.rows, cols: start.cols)
        try buffer.download(into: got.buffer)
        return zip(got.toArray(), expected.toArray()).map { abs($0 - $1) }.max() ?? 0
    }
}
