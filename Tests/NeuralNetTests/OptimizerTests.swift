import Foundation
import NeuralNet
import Testing
import TensorCore

/// A container with one vector parameter, for optimiser tests.
final class Vector: ParameterContainer {
    let value: Tensor
    init(_ values: [Float]) { value = Tensor(shape: [values.count], values: values) }
    func forEachParameter(_ body: (String, Tensor) throws -> Void) rethrows { try body("value", value) }
    func zerosLike() -> Vector { Vector([Float](repeating: 0, count: value.count)) }
}

@Suite struct OptimizerTests {
    /// θ₀ = (1, −2), lr 0.1, gradients (0.5, −0.1), (0.2, 0.3), (−0.4, 0): the expected values were
    /// worked out separately from the Adam formulas in Float64 (NumPy).
    @Test func adamFirstStepsMatchIndependentNumbers() {
        let theta = Vector([1, -2]), grad = Vector([0, 0])
        let adam = Adam(for: theta, settings: .init(learningRate: 0.1))
        let expected: [[Double]] = [[0.9, -1.90000001], [0.81014248, -1.94941899], [0.7925146, -1.98762001]]
        for (step, g) in [[Float(0.5), -0.1], [0.2, 0.3], [-0.4, 0]].enumerated() {
            grad.value[0] = g[0]; grad.value[1] = g[1]
            adam.step(ParameterList(grad))
            for j in 0..<2 { #expect(abs(Double(theta.value[j]) - expected[step][j]) < 2e-6, "step \(step + 1)") }
        }
        #expect(adam.stepCount == 3)
        #expect(adam.firstMoment.names == ["value"])
    }

    @Test func clippingScalesOnlyAboveTheThreshold() {
        let g = Vector([3, 4])
        #expect(clipGlobalNorm(ParameterList(g), maxNorm: 10) == 5)
        #expect(g.value.toArray() == [3, 4])
        #expect(clipGlobalNorm(ParameterList(g), maxNorm: 1) == 5)
        #expect(abs(g.value[0] - 0.6) < 1e-6 && abs(g.value[1] - 0.8) < 1e-6)
        // Norm across several tensors: √(3² + 4² + 12²) = 13.
        let two = ParameterList(Vector([3, 4])) + ParameterList(Vector([12]))
        #expect(globalNorm(two) == 13)
    }

    @Test func polyakAveraging() {
        let target = Vector([0, 10]), online = Vector([1, 0])
        polyakUpdate(target: ParameterList(target), online: ParameterList(online), tau: 0.25)
        #expect(target.value.toArray() == [0.25, 7.5])
    }

    @Test(arguments: [(6, 4), (4, 6), (5, 5)])
    func orthogonalInitialisation(rows: Int, cols: Int) {
        var rng = RandomStream(seed: 1)
        let w = Tensor(rows: rows, cols: cols)
        let gain = Float(2).squareRoot()
        fillOrthogonal(w, gain: gain, rng: &rng)
        // Columns orthonormal (tall) or rows orthonormal (wide), times the gain.
        let tall = rows >= cols
        let n = tall ? cols : rows
        let g = Tensor(rows: n, cols: n)
        if tall { Kernels.gemm(w, .transposed, w, .none, into: g) } else { Kernels.gemm(w, .none, w, .transposed, into: g) }
        for i in 0..<n { for j in 0..<n { #expect(abs(g[i, j] - (i == j ? 2 : 0)) < 1e-5) } }
    }

    @Test func parameterNamesAreStableAndDotted() {
        var rng = RandomStream(seed: 2)
        let net = MLP.feedForward(inputs: 3, hidden: [4], outputs: 1, activation: .relu, rng: &rng)
        #expect(ParameterList(net, prefix: "critic.0").names ==
                ["critic.0.layers.0.kernel", "critic.0.layers.0.bias", "critic.0.layers.1.kernel", "critic.0.layers.1.bias"])
        #expect(net.parameterCount == 3 * 4 + 4 + 4 + 1)
        let twin = net.copy()
        #expect(ParameterList(twin).tensors[0].toArray() == ParameterList(net).tensors[0].toArray())
        #expect(ParameterList(twin).tensors[0] !== ParameterList(net).tensors[0])
    }
}
