import ArgumentParser
import CUDA
import Foundation
import NeuralNet
import ReverseFlow
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
    @Flag(help: "Check the backend emulated on the CPU instead of a GPU (for machines without one).") var emulate = false
    @Option(help: """
        Also run whole RFM updates of this preset (paper or cpu) on the device and on the CPU from the same \
        weights, batch and random streams, and compare their metrics and parameters.
        """)
    var updateCheck: String?
    @Option(help: "Updates compared by --update-check.") var updates = 3
    @Option(help: """
        Only compile the kernels with NVRTC for these compute capabilities (e.g. 80,90) and exit: \
        needs NVRTC, no GPU and no driver.
        """)
    var compileOnly: String?

    func validate() throws {
        if let p = updateCheck, !RunConfig.presetNames.contains(p) {
            throw ValidationError("--update-check takes a preset (\(RunConfig.presetNames.joined(separator: ", "))), got '\(p)'")
        }
        try requirePositive([("--updates", updates)])
        if compileOnly != nil, emulate || updateCheck != nil {
            throw ValidationError("--compile-only cannot be combined with --emulate or --update-check")
        }
        _ = try compileCapabilities()
    }

    /// The capabilities of --compile-only, checked.
    func compileCapabilities() throws -> [Int]? {
        guard let list = compileOnly else { return nil }
        let values = list.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0.map { (50...130).contains($0) } ?? false }) else {
            throw ValidationError("--compile-only takes compute capabilities such as 80,90, got '\(list)'")
        }
        return values.compactMap { $0 }
    }

    func run() throws {
        if let capabilities = try compileCapabilities() {
            let report = try KernelCompilation.compile(capabilities: capabilities)
            if json {
                try printJSON(report)
            } else {
                print("NVRTC \(report.nvrtc) (\(report.library)) compiled Kernels/rfm_kernels.cu: "
                      + report.cubinBytes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) bytes" }.joined(separator: ", "))
            }
            return
        }
        // A CUDAError prints as one line and exits with 1.
        let device = emulate ? CUDADevice.emulated() : try CUDADevice.open()
        var check = DeviceSelfCheck(device: device)
        let checks = try check.run()
        let agreement = try updateCheck.map { preset in
            try UpdateAgreement.run(preset: preset, updates: updates, device: CUDAComputeDevice(device)) { if !json { print($0) } }
        }
        if json {
            struct Report: Encodable {
                let name: String, memory_gib: Double, compute_capability: Int, driver: String, nvrtc: String
                let libraries: [String: String], max_errors: [String: Float]
                let update_check: UpdateAgreement.Result?
            }
            try printJSON(Report(name: device.name, memory_gib: Double(device.memoryBytes) / 1_073_741_824,
                                 compute_capability: device.capability, driver: device.driverVersion,
                                 nvrtc: device.compilerVersion, libraries: device.libraryPaths, max_errors: checks,
                                 update_check: agreement))
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
        if let a = agreement {
            if !json {
                print(String(format: "RFM updates (%@ preset, %d): metrics within %.2e, parameters within %.2e (relative) of the CPU's",
                             a.preset, a.updates, a.metrics, a.parameters))
            }
            if a.metrics > UpdateAgreement.tolerance || a.parameters > UpdateAgreement.tolerance {
                throw CUDAError("the device's RFM update differs from the CPU's by \(max(a.metrics, a.parameters)) (relative)")
            }
        }
    }
}

/// Whole RFM updates on the device against the CPU: the same initial weights (both agents are
/// made from one seed), the same batch (cheetah-run sizes: 17 state and 6 action dimensions) and
/// the same random streams. Reports the largest relative difference `|x − y| / max(1, |x|)` over
/// every metric of every update and over every parameter (actor, critics, targets) at the end.
enum UpdateAgreement {
    struct Result: Encodable {
        let preset: String, updates: Int, metrics: Double, parameters: Double
    }

    /// Float rounding (GELU, exponentials, another summation order in the products) compounds
    /// over a few Adam steps; a real error (a wrong index, a missing term) is orders larger.
    static let tolerance = 1e-2

    static func run(preset: String, updates: Int, device: ComputeDevice, progress: (String) -> Void) throws -> Result {
        let config = try RunConfig.preset(preset).overriding(["agent=rfm"])
        try Trainer.requireDeviceSupport(config, device)
        let (s, a) = (17, 6)
        var cpuRNG = RandomStream(seed: 5), deviceRNG = RandomStream(seed: 5)
        let cpu = AgentFactory.make(config, observationSize: s, actionSize: a, rng: &cpuRNG)
        let onDevice = Devices.using(device) { AgentFactory.make(config, observationSize: s, actionSize: a, rng: &deviceRNG) }
        let b = config.int("trainer.batch_size")
        let batch = ReplayBuffer.Batch(size: b, observationSize: s, actionSize: a)
        let deviceBatch = Devices.using(device) { ReplayBuffer.Batch(size: b, observationSize: s, actionSize: a) }
        var data = RandomStream(seed: 6)
        data.fillNormal(batch.observations)
        data.fillNormal(batch.nextObservations)
        data.fillUniform(batch.actions, low: -1, high: 1)
        data.fillUniform(batch.rewards)
        batch.masks.fill(1)
        for (x, y) in [(batch.observations, deviceBatch.observations), (batch.nextObservations, deviceBatch.nextObservations),
                       (batch.actions, deviceBatch.actions), (batch.rewards, deviceBatch.rewards), (batch.masks, deviceBatch.masks)] {
            y.assign(x)
        }
        func relative(_ x: Double, _ y: Double) -> Double { x.isFinite && y.isFinite ? abs(x - y) / max(1, abs(x)) : .infinity }
        var metrics = 0.0
        for u in 1...updates {
            let m1 = cpu.update(batch: batch, rng: &cpuRNG)
            let m2 = Devices.using(device) { onDevice.update(batch: deviceBatch, rng: &deviceRNG) }
            let worst = m1.map { relative($0.value, m2[$0.key] ?? .nan) }.max() ?? 0
            metrics = max(metrics, worst)
            progress(String(format: "update %d: largest metric difference %.2e (critic loss %.5g on the CPU, %.5g on the device)",
                            u, worst, m1["critic/loss"] ?? .nan, m2["critic/loss"] ?? .nan))
        }
        var parameters = 0.0
        for (x, y) in zip(cpu.stateTensors.tensors, onDevice.stateTensors.tensors) {
            for (p, q) in zip(x.toArray(), y.toArray()) { parameters = max(parameters, relative(Double(p), Double(q))) }
        }
        return Result(preset: preset, updates: updates, metrics: metrics, parameters: parameters)
    }
}

/// Every GPU kernel against its CPU kernel on the same random inputs: the largest absolute
/// difference per kernel (for arg-max and categorical draws, the number of rows that differ; for
/// the sum of squares, the relative difference). Products in FP32 agree to rounding (another
/// summation order), the functions built on exp, tanh, log, sin and cos to a few ulp (other
/// implementations), everything else exactly.
struct DeviceSelfCheck {
    let device: CUDADevice
    private var rng = RandomStream(seed: 7)

    init(device: CUDADevice) { self.device = device }

    static func tolerance(_ kernel: String) -> Float {
        switch kernel {
        case "gemm": 1e-3
        case "gelu", "gelu backward", "log-sum-exp rows", "softmax rows", "sinusoidal embedding", "tanh log-Jacobian": 1e-5
        case "fill normal": 5e-5     // values up to about 10, a few ulp of log, cos and sin each
        case "tanh": 1e-6
        case "sum of squares": 1e-9   // relative; partial sums in another order
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
        // The estimator's reductions and group kernels: 32 groups of 4 rows.
        let rowVector = Tensor(count: rows)
        errors["sum rows"] = try compare(rowVector, { Kernels.sumRows(x, into: $0) }) { try device.sumRows(dx, rows: rows, cols: cols, into: $0) }
        errors["max rows"] = try compare(rowVector, { Kernels.maxRows(x, into: $0) }) { try device.maxRows(dx, rows: rows, cols: cols, into: $0) }
        errors["log-sum-exp rows"] = try compare(rowVector, { Kernels.logSumExpRows(x, into: $0) }) {
            try device.logSumExpRows(dx, rows: rows, cols: cols, into: $0)
        }
        errors["softmax rows"] = try compare(zero, { Kernels.softmaxRows(x, into: $0) }) { try device.softmaxRows(dx, rows: rows, cols: cols, into: $0) }
        let meanCPU = Tensor(count: rows), stdCPU = Tensor(count: rows)
        Kernels.meanAndStdRows(x, mean: meanCPU, std: stdCPU)
        let meanGPU = try upload(Tensor(count: rows)), stdGPU = try upload(Tensor(count: rows))
        try device.meanAndStdRows(dx, rows: rows, cols: cols, mean: meanGPU, std: stdGPU)
        errors["mean and std rows"] = max(try difference(meanGPU, meanCPU), try difference(stdGPU, stdCPU))
        var picks = [Int](repeating: 0, count: rows)
        picks.withUnsafeMutableBufferPointer { Kernels.argmaxRows(x, into: $0) }
        errors["argmax rows"] = Float(zip(picks, try device.argmaxRows(dx, rows: rows, cols: cols)).filter { $0 != $1 }.count)
        let groups = rows / 4
        let alpha = random(1, groups), beta = random(1, groups), centres = random(groups, cols), weights = random(groups, 4)
        let alphaV = Tensor(count: groups), betaV = Tensor(count: groups)
        for i in 0..<groups { alphaV[i] = alpha[i]; betaV[i] = beta[i] }
        let dAlpha = try upload(alpha), dBeta = try upload(beta), dCentres = try upload(centres), dWeights = try upload(weights)
        errors["group affine"] = try compare(zero, { Kernels.groupAffine(x, scale: alphaV, shift: centres, shiftScale: betaV, into: $0) }) {
            try device.groupAffine(dx, scale: dAlpha, shift: dCentres, shiftScale: dBeta, into: $0, groups: groups, rows: rows, cols: cols)
        }
        errors["group weighted sum"] = try compare(Tensor(rows: groups, cols: cols), { Kernels.groupWeightedSum(weights, x, into: $0) }) {
            try device.groupWeightedSum(dWeights, dx, into: $0, groups: groups, perGroup: 4, cols: cols)
        }
        errors["subtract group rows"] = try compare(zero, { Kernels.subtractGroupRows(x, centres, into: $0) }) {
            try device.subtractGroupRows(dx, dCentres, into: $0, groups: groups, rowsOfX: rows, cols: cols)
        }
        errors["broadcast column"] = try compare(Tensor(rows: groups, cols: cols), { Kernels.broadcastColumn(alphaV, into: $0) }) {
            try device.broadcastColumn(dAlpha, into: $0, rows: groups, cols: cols)
        }
        let order = (0..<rows).map { (7 * $0 + 3) % rows }
        errors["gather rows"] = try compare(zero, { t in order.withUnsafeBufferPointer { Kernels.gatherRows(x, $0, into: t) } }) {
            try device.gatherRows(dx, rows: rows, cols: cols, indices: order, into: $0)
        }
        let squares = Kernels.sumOfSquares(x)
        errors["sum of squares"] = Float(abs(try device.sumOfSquares(dx) - squares) / squares)
        // Random numbers: the CPU's stream, drawn on the GPU from the same position.
        var stream = RandomStream(seed: 0xC0FFEE, stream: 9)
        _ = stream.normal()
        let start = stream
        errors["fill uniform"] = try compare(zero, { stream.fillUniform($0, low: -1, high: 2) }) {
            try device.fillUniform($0, count: rows * cols, low: -1, high: 2, seed: start.seed, stream: start.stream, position: start.position)
        }
        let afterUniform = stream
        errors["fill normal"] = try compare(zero, { stream.fillNormal($0, mean: 0.5, std: 2) }) {
            try device.fillNormal($0, count: rows * cols, mean: 0.5, std: 2, seed: afterUniform.seed, stream: afterUniform.stream,
                                  position: afterUniform.position)
        }
        let beforeDraws = stream
        var draws = [Int](repeating: 0, count: rows)
        draws.withUnsafeMutableBufferPointer { stream.categorical(logits: x, into: $0) }
        let gpuDraws = try device.categorical(logits: dx, rows: rows, cols: cols, seed: beforeDraws.seed, stream: beforeDraws.stream,
                                              position: beforeDraws.position)
        errors["categorical"] = Float(zip(draws, gpuDraws).filter { $0 != $1 }.count)
        let embedding = SinusoidalEmbedding(size: 128)
        let times = Tensor(shape: [rows], values: (0..<rows).map { Float($0) / Float(rows) })
        let frequencies = Tensor(shape: [64], values: embedding.frequencies)
        let dTimes = try upload(times), dFrequencies = try upload(frequencies)
        errors["sinusoidal embedding"] = try compare(Tensor(rows: rows, cols: 128), { embedding.forward(times, into: $0) }) {
            try device.sinusoidalEmbedding(dTimes, count: rows, frequencies: dFrequencies, half: 64, into: $0)
        }
        // The estimator's formulas.
        let positive = random(rows, cols)
        Kernels.map(positive, into: positive) { abs($0) + 0.5 }
        let dPositive = try upload(positive)
        errors["reciprocal"] = try compare(zero, { Kernels.reciprocal(positive, plus: 1e-12, into: $0) }) {
            try device.reciprocal(dPositive, plus: 1e-12, into: $0)
        }
        errors["ratio"] = try compare(zero, { Kernels.ratio(x, positive, negated: true, into: $0) }) {
            try device.ratio(dx, dPositive, negated: true, into: $0)
        }
        errors["squared ratio"] = try compare(zero, { Kernels.squaredRatio(x, positive, into: $0) }) {
            try device.squaredRatio(dx, dPositive, into: $0)
        }
        errors["one minus"] = try compare(zero, { Kernels.oneMinus(x, into: $0) }) { try device.oneMinus(dx, into: $0) }
        errors["clamp"] = try compare(zero, { Kernels.clamp(x, bound: 0.5, into: $0) }) { try device.clamp(dx, bound: 0.5, into: $0) }
        errors["tanh log-Jacobian"] = try compare(zero, { Kernels.tanhLogJacobian(x, into: $0) }) { try device.tanhLogJacobian(dx, into: $0) }
        let squashed = Tensor(rows: rows, cols: cols)
        Kernels.tanh(x, into: squashed)
        let dSquashed = try upload(squashed)
        errors["tanh score"] = try compare(zero, { Kernels.tanhScore(actions: squashed, actionGradient: y, temperature: 0.05, into: $0) }) {
            try device.tanhScore(actions: dSquashed, actionGradient: dy, temperature: 0.05, into: $0)
        }
        errors["control-variate coefficient"] = try compare(zero, {
            Kernels.controlVariateCoefficient(numerator: x, denominator: positive, ridge: 1e-4, clip: 2, into: $0)
        }) { try device.controlVariateCoefficient(numerator: dx, denominator: dPositive, ridge: 1e-4, clip: 2, into: $0) }
        errors["minimum share"] = try compare(zero, { Kernels.minimumShare(x, y, into: $0) }) { try device.minimumShare(dx, dy, into: $0) }
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

    /// The largest difference between a GPU buffer and a CPU tensor.
    private func difference(_ buffer: DeviceBuffer, _ expected: Tensor) throws -> Float {
        let got = Tensor(shape: expected.shape)
        try buffer.download(into: got.buffer)
        return zip(got.toArray(), expected.toArray()).map { abs($0 - $1) }.max() ?? 0
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
