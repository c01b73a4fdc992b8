import Foundation
import NeuralNet
import ReverseFlow
import Testing
import TensorCore

/// The 36 reference cases of the posterior-mean estimator (shared/reference/posterior_cases.json,
/// computed by the authors' JAX code with every random input written out): optimal, noise and
/// fixed (c = 0.5) coefficients; λ ∈ {0.02, 0.2, 1}; t ∈ {0.03, 0.3, 0.7, 0.97}.
@Suite struct PosteriorReferenceTests {
    struct File: Decodable {
        struct Layer: Decodable { let name: String; let kernel_in_out: [[Float]]; let bias: [Float] }
        struct Expected: Decodable {
            let y1_post: [Float], y0_post: [Float], target_velocity: [Float]
            let ess: Float, cv_weight_mean: Float, q_mean: Float, q_std: Float
        }
        struct Case: Decodable {
            let estimator: String, fixed_cv_weight: Float?, temperature: Float, t: Float
            let state: [Float], y_t: [Float], y0_samples: [[Float]]
            let expected: Expected
        }
        let state_dim: Int, action_dim: Int, num_samples: Int, ridge: Float, cv_clip: Float
        let q_networks: [[Layer]]
        let cases: [Case]
    }

    static let file: File = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/posterior_cases.json")
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url))
    }()

    /// A twin critic carrying the reference weights.
    static func critic() -> TwinCritic {
        let f = file
        var rng = RandomStream(seed: 0)
        let hidden = f.q_networks[0].dropLast().map { $0.bias.count }
        let critic = TwinCritic(stateDim: f.state_dim, actionDim: f.action_dim,
                                settings: .init(hidden: hidden, learningRate: 1e-3, maxGradNorm: nil, discount: 0.99, tau: 0.005),
                                rng: &rng)
        for (net, layers) in zip(critic.online, f.q_networks) {
            for (stage, layer) in zip(net.stages, layers) {
                let k = stage.dense.kernel
                for (r, row) in layer.kernel_in_out.enumerated() { for (j, v) in row.enumerated() { k[r, j] = v } }
                for (j, v) in layer.bias.enumerated() { stage.dense.bias[j] = v }
            }
        }
        return critic
    }

    static func rule(_ c: File.Case) -> ControlVariate {
        switch c.estimator {
        case "optimal": .optimal(ridge: file.ridge, clip: file.cv_clip)
        case "noise": .noise
        case "fixed": .fixed(c.fixed_cv_weight!)
        default: fatalError("unknown estimator \(c.estimator)")
        }
    }

    func close(_ a: Float, _ b: Float, relative: Float = 1e-3, absolute: Float = 1e-4) -> Bool {
        abs(a - b) <= absolute + relative * abs(b)
    }

    @Test func allThirtySixCasesMatch() {
        let f = Self.file
        #expect(f.cases.count == 36)
        let critic = Self.critic()
        let d = f.action_dim
        for (i, c) in f.cases.enumerated() {
            let estimator = PosteriorEstimator(actionDim: d, settings: .init(samples: f.num_samples, controlVariate: Self.rule(c)))
            let r = estimator.estimate(
                target: critic,
                conditions: Tensor(shape: [1, f.state_dim], values: c.state),
                yt: Tensor(shape: [1, d], values: c.y_t),
                alpha: Tensor(shape: [1], values: [c.t]), beta: Tensor(shape: [1], values: [1 - c.t]),
                temperature: c.temperature,
                noise: Tensor(shape: [f.num_samples, d], values: c.y0_samples.flatMap { $0 }))
            let e = c.expected
            let label = "case \(i): \(c.estimator), λ \(c.temperature), t \(c.t)"
            for j in 0..<d {
                let velocity = r.y1[j] - r.y0[j]
                #expect(close(velocity, e.target_velocity[j]), "\(label) velocity[\(j)] \(velocity) vs \(e.target_velocity[j])")
                #expect(close(r.y1[j], e.y1_post[j]), "\(label) y1[\(j)]")
                #expect(close(r.y0[j], e.y0_post[j]), "\(label) y0[\(j)]")
            }
            #expect(close(r.ess[0], e.ess), "\(label) ESS \(r.ess[0]) vs \(e.ess)")
            #expect(close(r.coefficientMean[0], e.cv_weight_mean, absolute: 1e-4), "\(label) coefficient \(r.coefficientMean[0]) vs \(e.cv_weight_mean)")
            #expect(close(r.qMean[0], e.q_mean), "\(label) Q mean")
            #expect(close(r.qStd[0], e.q_std, absolute: 1e-4), "\(label) Q std")
        }
    }

    /// The same cases stacked into one batch give the same numbers as one at a time: the grouped
    /// kernels keep every row to its own samples and state.
    @Test func batchedCasesAgreeWithSingleCases() {
        let f = Self.file
        let critic = Self.critic()
        let cases = f.cases.filter { $0.estimator == "optimal" && $0.temperature == 0.2 }
        let g = cases.count, d = f.action_dim, k = f.num_samples
        let estimator = PosteriorEstimator(actionDim: d, settings: .init(samples: k, controlVariate: .paper))
        let r = estimator.estimate(
            target: critic,
            conditions: Tensor(shape: [g, f.state_dim], values: cases.flatMap(\.state)),
            yt: Tensor(shape: [g, d], values: cases.flatMap(\.y_t)),
            alpha: Tensor(shape: [g], values: cases.map(\.t)), beta: Tensor(shape: [g], values: cases.map { 1 - $0.t }),
            temperature: 0.2,
            noise: Tensor(shape: [g * k, d], values: cases.flatMap { $0.y0_samples.flatMap { $0 } }))
        for (i, c) in cases.enumerated() {
            for j in 0..<d { #expect(close(r.y1[i, j] - r.y0[i, j], c.expected.target_velocity[j]), "row \(i) dim \(j)") }
        }
    }
}
