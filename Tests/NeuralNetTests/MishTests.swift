import Foundation
import NeuralNet
import Testing
import TensorCore

@Suite struct MishTests {
    /// Mish against `x·tanh(log(1 + eˣ))` in Float64, including the large-x branch.
    @Test func mishMatchesItsDefinition() {
        let xs: [Float] = [-30, -8, -2.5, -0.7, 0, 0.3, 1.9, 7, 19.5, 25, 60]
        let x = Tensor(shape: [xs.count], values: xs), y = Tensor(count: xs.count)
        Kernels.mish(x, into: y)
        for (i, v) in xs.enumerated() {
            let d = Double(v), expected = d * Foundation.tanh(Foundation.log1p(Foundation.exp(d)))
            #expect(abs(Double(y[i]) - expected) <= 1e-6 * max(1, abs(expected)), "mish(\(v)) = \(y[i]), expected \(expected)")
        }
    }

    @Test func mishLayerGradient() {
        var rng = RandomStream(seed: 11)
        let dense = Dense(inputs: 5, outputs: 3, rng: &rng)
        rng.fillNormal(dense.bias, std: 0.3)
        let net = MLP(stages: [MLP.Stage(dense: dense, activation: .mish)])
        let bad = GradientChecker().check(net, input: randomInput(4, 5, seed: 12))
        #expect(bad.isEmpty, "\(bad)")
    }

    @Test func mishNetworkGradient() {
        var rng = RandomStream(seed: 13)
        let net = MLP.feedForward(inputs: 6, hidden: [7, 5], outputs: 2, activation: .mish, rng: &rng)
        let bad = GradientChecker().check(net, input: randomInput(3, 6, seed: 14))
        #expect(bad.isEmpty, "\(bad)")
    }
}
