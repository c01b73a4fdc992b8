import Foundation
import NeuralNet
import Testing
import TensorCore

@Suite struct GradientTests {
    /// Non-square sizes everywhere, so a transposed product cannot pass by accident.
    func single(_ activation: Activation, inputs: Int = 5, outputs: Int = 3, residual: Bool = false, seed: UInt64 = 1) -> MLP {
        var rng = RandomStream(seed: seed)
        let dense = Dense(inputs: inputs, outputs: outputs, rng: &rng)
        rng.fillNormal(dense.bias, std: 0.3)  // nonzero bias so its gradient path matters
        return MLP(stages: [MLP.Stage(dense: dense, activation: activation, residual: residual)])
    }

    @Test func denseLayer() {
        let bad = GradientChecker().check(single(.identity), input: randomInput(4, 5, seed: 2))
        #expect(bad.isEmpty, "\(bad)")
    }

    @Test func reluLayer() {
        let bad = GradientChecker(epsilon: 1e-3).check(single(.relu), input: randomInput(4, 5, seed: 3))
        #expect(bad.isEmpty, "\(bad)")
    }

    @Test func geluLayer() {
        let bad = GradientChecker().check(single(.gelu), input: randomInput(4, 5, seed: 4))
        #expect(bad.isEmpty, "\(bad)")
    }

    @Test func residualBlock() {
        let bad = GradientChecker().check(single(.gelu, inputs: 6, outputs: 6, residual: true), input: randomInput(3, 6, seed: 5))
        #expect(bad.isEmpty, "\(bad)")
    }

    @Test func criticShapedReLUNetwork() {
        var rng = RandomStream(seed: 6)
        let net = MLP.feedForward(inputs: 7, hidden: [9, 8], outputs: 1, activation: .relu, rng: &rng)
        let bad = GradientChecker(epsilon: 1e-3).check(net, input: randomInput(5, 7, seed: 7))
        #expect(bad.isEmpty, "\(bad)")
    }

    @Test func velocityShapedResidualGELUNetwork() {
        var rng = RandomStream(seed: 8)
        let net = MLP.residualGELU(inputs: 9, width: 8, blocks: 2, outputs: 3, rng: &rng)
        let bad = GradientChecker().check(net, input: randomInput(4, 9, seed: 9))
        #expect(bad.isEmpty, "\(bad)")
    }

    /// The checker itself must notice a wrong gradient: a 5 % error in one weight entry, a
    /// transposed kernel gradient, or a dropped residual term in the input gradient.
    @Test func checkerCatchesDamagedGradients() {
        var rng = RandomStream(seed: 10)
        let net = MLP.residualGELU(inputs: 5, width: 4, blocks: 1, outputs: 3, rng: &rng)
        let x = randomInput(3, 5, seed: 11)
        let checker = GradientChecker()
        #expect(checker.check(net, input: x).isEmpty)
        #expect(!checker.check(net, input: x) { g, _ in g.stages[1].dense.kernel.data[5] *= 1.05 }.isEmpty)
        let transposed = checker.check(net, input: x) { g, _ in
            let k = g.stages[1].dense.kernel, t = k.copy()
            for i in 0..<4 { for j in 0..<4 { k[i, j] = t[j, i] } }
        }
        #expect(!transposed.isEmpty)
        // Dropping the skip connection's share of ∂L/∂x.
        let cache = MLP.Cache(), grads = net.zerosLike()
        let r = randomInput(3, 3, seed: 12)
        net.forward(x, cache: cache)
        let dx = net.backward(r, cache: cache, gradients: grads, inputGradient: true)!.copy()
        let noSkip = MLP(stages: net.stages.map { MLP.Stage(dense: $0.dense, activation: $0.activation, residual: false) })
        let cache2 = MLP.Cache()
        noSkip.forward(x, cache: cache2)
        let dxNoSkip = noSkip.backward(r, cache: cache2, gradients: noSkip.zerosLike(), inputGradient: true)!
        #expect(dx.toArray() != dxNoSkip.toArray())
    }

    @Test func accumulateAddsToExistingGradients() {
        var rng = RandomStream(seed: 13)
        let net = MLP.feedForward(inputs: 3, hidden: [4], outputs: 2, activation: .relu, rng: &rng)
        let x = randomInput(2, 3, seed: 14), r = randomInput(2, 2, seed: 15)
        let cache = MLP.Cache(), once = net.zerosLike(), twice = net.zerosLike()
        net.forward(x, cache: cache)
        net.backward(r, cache: cache, gradients: once)
        net.backward(r, cache: cache, gradients: twice)
        net.backward(r, cache: cache, gradients: twice, accumulate: true)
        for (a, b) in zip(ParameterList(once).tensors, ParameterList(twice).tensors) {
            for i in 0..<a.count { #expect(abs(2 * a.data[i] - b.data[i]) < 1e-5) }
        }
    }

    @Test func sinusoidalEmbeddingDerivative() {
        let emb = SinusoidalEmbedding(size: 16)
        let x = Tensor(shape: [3], values: [0.03, 0.5, 0.97])
        var rng = RandomStream(seed: 16)
        let g = Tensor(rows: 3, cols: 16)
        rng.fillNormal(g)
        let dx = Tensor(count: 3)
        emb.backward(g, input: x, into: dx)
        let out = Tensor(rows: 3, cols: 16)
        func loss() -> Double {
            emb.forward(x, into: out)
            return zip(out.toArray(), g.toArray()).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        for i in 0..<3 {
            let keep = x[i], h: Float = 1e-3
            x[i] = keep + h; let up = loss()
            x[i] = keep - h; let down = loss()
            x[i] = keep
            #expect(abs((up - down) / (2 * Double(h)) - Double(dx[i])) < 5e-3)
        }
    }

    @Test func sinusoidalEmbeddingValues() {
        let emb = SinusoidalEmbedding(size: 128)
        #expect(emb.frequencies.count == 64)
        #expect(emb.frequencies[0] == 1)
        #expect(abs(Double(emb.frequencies[63]) - 1e-3) < 1e-8)
        let out = Tensor(rows: 1, cols: 128)
        emb.forward(Tensor(shape: [1], values: [0.25]), into: out)
        let f5 = exp(-5 * log(1000.0) / 63)
        #expect(abs(Double(out[0, 5]) - sin(0.25 * f5)) < 1e-6)
        #expect(abs(Double(out[0, 64 + 5]) - cos(0.25 * f5)) < 1e-6)
    }
}
