import Foundation
import ReverseFlow
import TensorCore

/// The rest of the kernels an update launches: fills and strided copies, the fused layer kernels,
/// Mish, the samplers' step formulas, the group gather, the metrics' reductions and SAC's
/// tanh-Gaussian, so `rfm device` checks every kernel training runs before a run starts.
extension DeviceSelfCheck {
    func layersAndSteps(_ t: Inputs) -> [String: Float] {
        let (x, y, zero, positive) = (t.x, t.y, t.zero, t.positive)
        let bias = Tensor(shape: [cols], values: t.vector.toArray())
        var e: [String: Float] = [:]
        e["fill"] = compare(zero, []) { _, out in out.fill(0.25) }
        e["copy"] = compare(zero, [x]) { Kernels.copy($0[0].columns(3..<50), into: $1.columns(10..<57)) }
        e["add matrix"] = compare(y, [x]) { Kernels.add($0[0].rows(0..<64), to: $1.rows(64..<128)) }
        let activations: [DeviceKernel.Unary?] = [nil, .relu, .gelu, .tanh, .mish]
        e["bias activation"] = activations.map { f in
            compare(Tensor(rows: rows, cols: 2 * cols), [x, bias, y]) { inputs, joined in
                let out = Tensor(rows: rows, cols: cols, on: joined.device)
                Kernels.biasActivation(inputs[0], bias: inputs[1], activation: f, residual: f == .relu ? inputs[2].matrix : nil, into: out)
                Kernels.concatColumns(inputs[0], out, into: joined)  // the pre-activation is kept too
            }
        }.max()
        e["add shares activation"] = activations.map { f in
            compare(Tensor(rows: rows, cols: 2 * cols), [x, t.shares, t.vector]) { inputs, joined in
                let out = Tensor(rows: rows, cols: cols, on: joined.device)
                Kernels.addSharesActivation(inputs[0], groupRows: f == nil ? nil : inputs[1], row: inputs[2].matrix, activation: f, into: out)
                Kernels.concatColumns(inputs[0], out, into: joined)
            }
        }.max()
        e["mish"] = compare(zero, [x]) { Kernels.mish($0[0], into: $1) }
        e["mish backward"] = compare(zero, [y, x]) { Kernels.mishBackward($0[0], input: $0[1], into: $1) }
        e["linear combination"] = compare(zero, [x, y]) { Kernels.linearCombination(0.3, $0[0], -1.7, $0[1], into: $1) }
        e["scaled difference"] = max(compare(zero, [x, y]) { Kernels.scaledDifference($0[0], minus: 0.6, times: $0[1], over: 0.9, into: $1) },
                                     compare(zero, [x, y]) { Kernels.scaledDifference($0[0], minus: 0.6, times: $0[1], scaledBy: 1.3, into: $1) })
        e["square root"] = compare(zero, [positive]) { Kernels.squareRoot($0[0], into: $1) }
        e["shifted difference"] = compare(zero, [x, y]) { Kernels.shiftedDifference($0[0], plus: 0.4, minus: 0.7, times: $0[1], into: $1) }
        e["add scalar"] = compare(zero, [x]) { Kernels.addScalar($0[0], -0.8, into: $1) }
        e["maximum"] = compare(zero, [x]) { Kernels.maximum($0[0], 0.1, into: $1) }
        return e
    }

    func gathersAndMetrics(_ t: Inputs) -> [String: Float] {
        let groups = rows / 4, picks = (0..<groups).map { $0 % 4 }
        let hostPicks = Indices(count: groups, on: nil), devicePicks = Indices(count: groups, on: device)
        hostPicks.assign(picks)
        devicePicks.assign(picks)
        var e: [String: Float] = [:]
        e["gather group rows"] = compare(Tensor(rows: groups, cols: cols), [t.x]) {
            Kernels.gatherRows($0[0], $1.device == nil ? hostPicks : devicePicks, groupSize: 4, into: $1)
        }
        let (dx, dy) = (t.x.copy(to: device), t.y.copy(to: device))
        e["sum"] = Float(abs(Kernels.sum(dx) - Kernels.sum(t.x)) / max(1, abs(Kernels.sum(t.x))))
        let mse = Kernels.meanSquaredError(t.x, t.y)
        e["mean squared error"] = Float(abs(Kernels.meanSquaredError(dx, dy) - mse) / mse)
        return e
    }

    /// SAC's sample (actions, σ, clip mask, log-probabilities) and its backward on the sample,
    /// as relative differences.
    func tanhGaussian(_ t: Inputs) -> [String: Float] {
        let d = cols / 2, out = Tensor(rows: rows, cols: cols)
        // μ and raw log σ of moderate size, so tanh stays off ±1 (where a last-bit difference in
        // 1 − a² would swamp the backward pass); the range clips about a third of the entries.
        Kernels.scale(t.x, by: 0.5, into: out)
        let noise = Tensor(rows: rows, cols: d), dQ = Tensor(rows: rows, cols: d)
        Kernels.copy(t.y.columns(0..<d), into: noise.matrix)
        Kernels.copy(t.y.columns(d..<cols), into: dQ.matrix)
        func run(on place: ComputeDevice?) -> [[Float]] {
            let n = noise.copy(to: place), logProbs = Tensor(rows: rows, cols: 1, on: place)
            let parts = (0..<3).map { _ in Tensor(rows: rows, cols: d, on: place) }, gradient = Tensor(rows: rows, cols: cols, on: place)
            Kernels.tanhGaussianSample(out.copy(to: place), noise: n, logStdRange: -1...0.25, actions: parts[0], std: parts[1],
                                       insideClip: parts[2], logProbs: logProbs)
            Kernels.tanhGaussianBackward(actionGradient: dQ.copy(to: place), actions: parts[0], std: parts[1], noise: n,
                                         insideClip: parts[2], alpha: 0.2, into: gradient)
            return (parts + [logProbs, gradient]).map { $0.toArray() }
        }
        let host = run(on: nil), onDevice = run(on: device)
        // Relative differences: exp, tanh and log are other implementations on a GPU.
        let differences = zip(host, onDevice).map { zip($1, $0).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0 }
        return ["tanh gaussian sample": differences[0..<4].max() ?? 0, "tanh gaussian backward": differences[4]]
    }
}
