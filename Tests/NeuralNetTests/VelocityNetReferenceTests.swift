import Foundation
import NeuralNet
import Testing
import TensorCore

/// The reference velocity network (shared/reference/velocity_net_cases.json, produced by the
/// authors' JAX code) rebuilt from our layers: input `[state, y_t, emb(t), emb(λ)]`, Dense + GELU,
/// two residual GELU blocks, Dense. Pins the input order, embedding and GELU conventions.
@Suite struct VelocityNetReferenceTests {
    struct Case: Decodable {
        struct Layer: Decodable { let name: String; let kernel_in_out: [[Float]]; let bias: [Float] }
        struct Inputs: Decodable { let t: [Float]; let temperature: [Float]; let y_t: [[Float]]; let state: [[Float]] }
        let state_dim: Int, action_dim: Int, hidden: Int, emb_size: Int
        let layers: [Layer]
        let inputs: Inputs
        let expected_velocity: [[Float]]
    }

    static func load() throws -> Case {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/velocity_net_cases.json")
        return try JSONDecoder().decode(Case.self, from: Data(contentsOf: url))
    }

    @Test func matchesReferenceOutputs() throws {
        let c = try Self.load()
        let stages = c.layers.enumerated().map { i, layer in
            let dense = Dense(inputs: layer.kernel_in_out.count, outputs: layer.bias.count)
            for (r, row) in layer.kernel_in_out.enumerated() { for (j, v) in row.enumerated() { dense.kernel[r, j] = v } }
            for (j, v) in layer.bias.enumerated() { dense.bias[j] = v }
            let last = i == c.layers.count - 1
            return MLP.Stage(dense: dense, activation: last ? .identity : .gelu, residual: layer.name.hasPrefix("Block"))
        }
        let net = MLP(stages: stages)
        let n = c.inputs.t.count
        let emb = SinusoidalEmbedding(size: c.emb_size)
        let width = c.state_dim + c.action_dim + 2 * c.emb_size
        let x = Tensor(rows: n, cols: width)
        let tEmb = Tensor(rows: n, cols: c.emb_size), lEmb = Tensor(rows: n, cols: c.emb_size)
        emb.forward(Tensor(shape: [n], values: c.inputs.t), into: tEmb)
        emb.forward(Tensor(shape: [n], values: c.inputs.temperature), into: lEmb)
        let s = Tensor(shape: [n, c.state_dim], values: c.inputs.state.flatMap { $0 })
        let y = Tensor(shape: [n, c.action_dim], values: c.inputs.y_t.flatMap { $0 })
        Kernels.concatColumns([s, y, tEmb, lEmb], into: x)
        let v = net.forward(x, cache: MLP.Cache())
        for i in 0..<n {
            for j in 0..<c.action_dim {
                let expected = c.expected_velocity[i][j]
                #expect(abs(v[i, j] - expected) <= 1e-4 * max(1, abs(expected)), "case \(i) dim \(j)")
            }
        }
    }
}
