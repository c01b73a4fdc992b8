import Foundation
import NeuralNet
import ReverseFlow
import TensorCore

/// `rfm device`'s self-check: the kernels an update runs, called through ``Kernels`` (and
/// `RandomStream`) on device tensors against the same calls on host tensors with the same
/// inputs, as `DeviceSeamTests` do. So it checks the path training takes (the named launches,
/// their argument lists, the grid of each kernel), not a separate API.
///
/// Reports the largest absolute difference per kernel (for arg-max and categorical draws, the
/// number of rows that differ; for the sums and SAC's tanh-Gaussian, the relative difference). Products in
/// FP32 agree to rounding (another summation order), the functions built on exp, tanh, log, sin
/// and cos to a few ulp (other implementations), everything else exactly.
public struct DeviceSelfCheck {
    public let device: ComputeDevice
    private var rng = RandomStream(seed: 7)
    let rows = 128, cols = 96

    public init(device: ComputeDevice) { self.device = device }

    /// The largest difference each check allows.
    public static func tolerance(_ kernel: String) -> Float {
        switch kernel {
        case "gemm": 1e-3
        case "gelu", "gelu backward", "log-sum-exp rows", "softmax rows", "sinusoidal embedding", "tanh log-Jacobian": 1e-5
        case "mish", "mish backward", "bias activation", "add shares activation": 1e-5
        case "fill normal": 5e-5     // values up to about 10, a few ulp of log, cos and sin each
        case "tanh": 1e-6
        case "sum of squares", "sum", "mean squared error": 1e-9   // relative; partial sums in another order
        case "tanh gaussian sample": 1e-4   // relative; exp, tanh and log over 48 terms of a log-probability
        case "tanh gaussian backward": 1e-3 // relative; 1/(1 − a² + 1e-6) magnifies tanh's last bits
        default: 0
        }
    }

    /// The inputs, drawn once in a fixed order: 32 groups of 4 rows for the group kernels.
    struct Inputs {
        let a, b, x, y, vector, column, shares, alpha, beta, centres, weights, positive: Tensor
        let zero: Tensor
    }

    /// Every check's largest difference, by the kernel's name.
    public mutating func run() -> [String: Float] {
        let groups = rows / 4
        let a = random(rows, 200), b = random(200, cols), x = random(rows, cols), y = random(rows, cols)
        let vector = random(1, cols), column = random(rows, 1), shares = random(groups, cols)
        let alpha = random(1, groups), beta = random(1, groups), centres = random(groups, cols), weights = random(groups, 4)
        let positive = random(rows, cols)
        Kernels.map(positive, into: positive) { abs($0) + 0.5 }
        let inputs = Inputs(a: a, b: b, x: x, y: y, vector: vector, column: column, shares: shares, alpha: alpha, beta: beta,
                            centres: centres, weights: weights, positive: positive, zero: Tensor(rows: rows, cols: cols))
        var errors = elementwise(inputs)
        errors.merge(layouts(inputs)) { $1 }
        errors.merge(reductions(inputs)) { $1 }
        errors.merge(groupKernels(inputs)) { $1 }
        errors.merge(randomNumbers(inputs)) { $1 }
        errors.merge(formulas(inputs)) { $1 }
        errors.merge(layersAndSteps(inputs)) { $1 }
        errors.merge(gathersAndMetrics(inputs)) { $1 }
        errors.merge(tanhGaussian(inputs)) { $1 }
        return errors
    }

    private func elementwise(_ t: Inputs) -> [String: Float] {
        let (x, y, zero) = (t.x, t.y, t.zero)
        var e: [String: Float] = [:]
        e["gemm"] = compare(zero, [t.a, t.b]) { Kernels.gemm($0[0], .none, $0[1], .none, into: $1) }
        e["gelu"] = compare(zero, [x]) { Kernels.gelu($0[0], into: $1) }
        e["relu"] = compare(zero, [x]) { Kernels.relu($0[0], into: $1) }
        e["relu backward"] = compare(zero, [y, x]) { Kernels.reluBackward($0[0], input: $0[1], into: $1) }
        e["scale"] = compare(zero, [x]) { Kernels.scale($0[0], by: -0.37, into: $1) }
        e["axpy"] = compare(y, [x]) { Kernels.axpy(0.61, $0[0], $1) }
        e["blend"] = compare(y, [x]) { Kernels.blend($1, 0.995, $0[0], 0.005) }
        e["minimum"] = compare(zero, [x, y]) { Kernels.minimum($0[0], $0[1], into: $1) }
        e["add"] = compare(zero, [x, y]) { Kernels.add($0[0], $0[1], into: $1) }
        e["subtract"] = compare(zero, [x, y]) { Kernels.subtract($0[0], $0[1], into: $1) }
        e["multiply"] = compare(zero, [x, y]) { Kernels.multiply($0[0], $0[1], into: $1) }
        e["tanh"] = compare(zero, [x]) { Kernels.tanh($0[0], into: $1) }
        e["gelu backward"] = compare(zero, [y, x]) { Kernels.geluBackward($0[0], input: $0[1], into: $1) }
        e["adam"] = compare(y, [x, zero, zero.copy()]) {
            Kernels.adamStep(parameter: $1, firstMoment: $0[1], secondMoment: $0[2], gradient: $0[0], learningRate: 3e-4,
                             beta1: 0.9, beta2: 0.999, correction1: 0.1, correction2: 0.001, epsilon: 1e-8)
        }
        return e
    }

    private func layouts(_ t: Inputs) -> [String: Float] {
        let (x, zero) = (t.x, t.zero)
        let columnVector = Tensor(shape: [rows], values: t.column.toArray())
        var e: [String: Float] = [:]
        e["add row vector"] = compare(x, [t.vector]) { Kernels.addRowVector($0[0], to: $1) }
        e["sum columns"] = compare(t.vector, [x]) { Kernels.sumColumns($0[0], into: $1, accumulate: true) }
        e["add column vector"] = compare(x, [columnVector]) { Kernels.addColumnVector($0[0], to: $1) }
        e["add group rows"] = compare(x, [t.shares]) { Kernels.addGroupRows($0[0], to: $1) }
        e["broadcast row"] = compare(zero, [t.vector]) { Kernels.broadcastRow($0[0], into: $1) }
        e["repeat rows"] = compare(zero, [t.shares]) { Kernels.repeatRows($0[0], times: 4, into: $1) }
        let order = (0..<rows).map { (7 * $0 + 3) % rows }
        let hostOrder = Indices(count: rows, on: nil), deviceOrder = Indices(count: rows, on: device)
        hostOrder.assign(order)
        deviceOrder.assign(order)
        e["gather rows"] = compare(zero, [x]) { Kernels.gatherRows($0[0], $1.device == nil ? hostOrder : deviceOrder, into: $1) }
        return e
    }

    private func reductions(_ t: Inputs) -> [String: Float] {
        let x = t.x, rowVector = Tensor(count: rows)
        var e: [String: Float] = [:]
        e["sum rows"] = compare(rowVector, [x]) { Kernels.sumRows($0[0], into: $1) }
        e["max rows"] = compare(rowVector, [x]) { Kernels.maxRows($0[0], into: $1) }
        e["log-sum-exp rows"] = compare(rowVector, [x]) { Kernels.logSumExpRows($0[0], into: $1) }
        e["softmax rows"] = compare(t.zero, [x]) { Kernels.softmaxRows($0[0], into: $1) }
        let stdHost = Tensor(count: rows), stdDevice = Tensor(count: rows, on: device)
        let mean = compare(rowVector, [x]) { Kernels.meanAndStdRows($0[0], mean: $1, std: $1.device == nil ? stdHost : stdDevice) }
        e["mean and std rows"] = max(mean, largestDifference(stdDevice.toArray(), stdHost.toArray()))
        let hostPicks = Indices(count: rows, on: nil), devicePicks = Indices(count: rows, on: device)
        Kernels.argmaxRows(x, into: hostPicks)
        Kernels.argmaxRows(x.copy(to: device), into: devicePicks)
        e["argmax rows"] = Float(zip(hostPicks.toArray(), devicePicks.toArray()).filter { $0 != $1 }.count)
        let squares = Kernels.sumOfSquares(x)
        e["sum of squares"] = Float(abs(Kernels.sumOfSquares(x.copy(to: device)) - squares) / squares)
        return e
    }

    private func groupKernels(_ t: Inputs) -> [String: Float] {
        let groups = rows / 4
        let alpha = Tensor(shape: [groups], values: t.alpha.toArray()), beta = Tensor(shape: [groups], values: t.beta.toArray())
        var e: [String: Float] = [:]
        e["group affine"] = compare(t.zero, [t.x, alpha, t.centres, beta]) {
            Kernels.groupAffine($0[0], scale: $0[1], shift: $0[2], shiftScale: $0[3], into: $1)
        }
        e["group weighted sum"] = compare(Tensor(rows: groups, cols: cols), [t.weights, t.x]) { Kernels.groupWeightedSum($0[0], $0[1], into: $1) }
        e["subtract group rows"] = compare(t.zero, [t.x, t.centres]) { Kernels.subtractGroupRows($0[0], $0[1], into: $1) }
        e["broadcast column"] = compare(Tensor(rows: groups, cols: cols), [alpha]) { Kernels.broadcastColumn($0[0], into: $1) }
        let embedding = SinusoidalEmbedding(size: 128)
        let times = Tensor(shape: [rows], values: (0..<rows).map { Float($0) / Float(rows) })
        let expected = Tensor(rows: rows, cols: 128)
        embedding.forward(times, into: expected)
        let got = Tensor(rows: rows, cols: 128, on: device)
        Kernels.sinusoidalEmbedding(times.copy(to: device), frequencies: Tensor(shape: [64], values: embedding.frequencies).copy(to: device),
                                    into: got)
        e["sinusoidal embedding"] = largestDifference(got.toArray(), expected.toArray())
        return e
    }

    /// The CPU's random streams drawn on the device from the same positions.
    private func randomNumbers(_ t: Inputs) -> [String: Float] {
        var stream = RandomStream(seed: 0xC0FFEE, stream: 9)
        _ = stream.normal()
        var e: [String: Float] = [:]
        let start = stream
        e["fill uniform"] = compare(t.zero, []) { _, out in var s = start; s.fillUniform(out, low: -1, high: 2) }
        stream.fillUniform(Tensor(rows: rows, cols: cols), low: -1, high: 2)
        let afterUniform = stream
        e["fill normal"] = compare(t.zero, []) { _, out in var s = afterUniform; s.fillNormal(out, mean: 0.5, std: 2) }
        stream.fillNormal(Tensor(rows: rows, cols: cols), mean: 0.5, std: 2)
        var hostStream = stream, deviceStream = stream
        let hostDraws = Indices(count: rows, on: nil), deviceDraws = Indices(count: rows, on: device)
        hostStream.categorical(logits: t.x, into: hostDraws)
        deviceStream.categorical(logits: t.x.copy(to: device), into: deviceDraws)
        e["categorical"] = Float(zip(hostDraws.toArray(), deviceDraws.toArray()).filter { $0 != $1 }.count)
        return e
    }

    /// TensorCore's small arithmetic and the estimator's formulas (ReverseFlow's kernels).
    private func formulas(_ t: Inputs) -> [String: Float] {
        let (x, y, zero, positive) = (t.x, t.y, t.zero, t.positive)
        let squashed = Tensor(rows: rows, cols: cols)
        Kernels.tanh(x, into: squashed)
        var e: [String: Float] = [:]
        e["reciprocal"] = compare(zero, [positive]) { Kernels.reciprocal($0[0], plus: 1e-12, into: $1) }
        e["ratio"] = compare(zero, [x, positive]) { Kernels.ratio($0[0], $0[1], negated: true, into: $1) }
        e["squared ratio"] = compare(zero, [x, positive]) { Kernels.squaredRatio($0[0], $0[1], into: $1) }
        e["one minus"] = compare(zero, [x]) { Kernels.oneMinus($0[0], into: $1) }
        e["clamp"] = compare(zero, [x]) { Kernels.clamp($0[0], bound: 0.5, into: $1) }
        e["tanh log-Jacobian"] = compare(zero, [x]) { Kernels.tanhLogJacobian($0[0], into: $1) }
        e["tanh score"] = compare(zero, [squashed, y]) { Kernels.tanhScore(actions: $0[0], actionGradient: $0[1], temperature: 0.05, into: $1) }
        e["control-variate coefficient"] = compare(zero, [x, positive]) {
            Kernels.controlVariateCoefficient(numerator: $0[0], denominator: $0[1], ridge: 1e-4, clip: 2, into: $1)
        }
        e["minimum share"] = compare(zero, [x, y]) { Kernels.minimumShare($0[0], $0[1], into: $1) }
        return e
    }

    private mutating func random(_ rows: Int, _ cols: Int) -> Tensor {
        let t = Tensor(rows: rows, cols: cols, on: nil)
        rng.fillNormal(t)
        return t
    }

    /// Runs `kernel` on host copies of the inputs into a copy of `start`, and on device copies of
    /// both (kernels such as Adam update their operands in place); the largest absolute difference
    /// of the two results.
    func compare(_ start: Tensor, _ inputs: [Tensor], _ kernel: ([Tensor], Tensor) -> Void) -> Float {
        let onDevice = inputs.map { $0.copy(to: device) }, got = start.copy(to: device)
        let expected = start.copy(to: nil)
        kernel(inputs.map { $0.copy(to: nil) }, expected)
        kernel(onDevice, got)
        return largestDifference(got.toArray(), expected.toArray())
    }

    func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }
}
