import Foundation
import Experiments
import ReverseFlow
import Testing
import TensorCore

@Suite struct TwoMoonsTests {
    let target = TwoMoons()

    @Test func centresFollowTheIssuesRecipe() {
        #expect(target.centres.rows == 200)
        // θ = 0 and θ = π are both included; every centre is shifted by (−0.5, −0.25).
        #expect(abs(target.centres[0, 0] - 0.5) < 1e-6 && abs(target.centres[0, 1] + 0.25) < 1e-6)
        #expect(abs(target.centres[99, 0] + 1.5) < 1e-6 && abs(target.centres[99, 1] + 0.25) < 1e-6)
        #expect(abs(target.centres[100, 0] + 0.5) < 1e-6 && abs(target.centres[100, 1] - 0.25) < 1e-6)
        #expect(abs(target.centres[199, 0] - 1.5) < 1e-6 && abs(target.centres[199, 1] - 0.25) < 1e-6)
    }

    @Test func logDensityIsNormalisedAndItsGradientMatchesFiniteDifferences() {
        // ∫ p over a fine grid of [−3, 3]² is 1.
        let n = 300, h = 6 / Double(n)
        let grid = Tensor(rows: n * n, cols: 2)
        for i in 0..<n { for j in 0..<n { grid[i * n + j, 0] = Float(-3 + (Double(i) + 0.5) * h); grid[i * n + j, 1] = Float(-3 + (Double(j) + 0.5) * h) } }
        let mass = target.density(grid).reduce(0.0) { $0 + Double($1) } * h * h
        #expect(abs(mass - 1) < 1e-3, "∫p = \(mass)")

        var rng = RandomStream(seed: 3)
        let x = target.sample(count: 16, rng: &rng)
        let q = Tensor(rows: 16, cols: 1), g = Tensor(rows: 16, cols: 2)
        target.evaluate(conditions: nil, actions: x, values: q, gradients: g)
        let eps: Float = 1e-3
        for r in 0..<16 {
            for j in 0..<2 {
                let plus = x.copy(), minus = x.copy()
                plus[r, j] += eps; minus[r, j] -= eps
                let qp = Tensor(rows: 16, cols: 1), qm = Tensor(rows: 16, cols: 1)
                target.evaluate(conditions: nil, actions: plus, values: qp, gradients: nil)
                target.evaluate(conditions: nil, actions: minus, values: qm, gradients: nil)
                let fd = (qp[r] - qm[r]) / (2 * eps)
                #expect(abs(fd - g[r, j]) <= 0.02 * max(1, abs(g[r, j])), "row \(r) dim \(j): \(fd) vs \(g[r, j])")
            }
        }
    }

    @Test(arguments: TwoMoonsExperiment.Method.allCases)
    func aShortRunOfEachMethodWritesItsFiles(method: TwoMoonsExperiment.Method) throws {
        var s = TwoMoonsExperiment.Settings(method: method, steps: method == .rfm ? 4 : 10)
        s.updates = 5; s.batch = 32; s.posteriorSamples = 8; s.width = 16; s.embeddingSize = 16
        s.evaluationSamples = 64; s.sinkhornSamples = 32
        let (result, samples, reference) = TwoMoonsExperiment.run(s)
        #expect(samples.shape == [64, 2] && reference.shape == [64, 2])
        #expect(result.slicedWasserstein.isFinite && result.mmdSquared.isFinite && result.sinkhorn.isFinite)
        // The same seed draws the same numbers.
        let again = TwoMoonsExperiment.run(s)
        #expect(again.samples.toArray() == samples.toArray() && again.result.sinkhorn == result.sinkhorn)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("two-moons-\(method.rawValue)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try TwoMoonsReport.write(result, samples: samples, to: dir)
        let csv = try String(contentsOf: dir.appendingPathComponent("samples.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("x,y\n") && csv.split(separator: "\n").count == 65)
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("metrics.json"))) as? [String: Any]
        for key in ["sliced_wasserstein", "mmd2", "sinkhorn", "method", "seed"] { #expect(metrics?[key] != nil, "metrics.json lacks \(key)") }
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("samples.svg").path))
    }
}
