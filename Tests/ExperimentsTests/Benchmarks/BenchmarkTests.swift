import Experiments
import Foundation
import ReverseFlow
import Testing

@Suite struct BenchmarkTests {
    @Test func criticUpdateBenchmarkReportsTheDocumentedJSONKeys() throws {
        var o = CriticUpdateBenchmark.Options()
        o.batch = 16
        o.hidden = [8, 8]
        o.iterations = 3
        o.warmup = 1
        let r = CriticUpdateBenchmark.run(o, threads: 1)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(r)) as! [String: Any]
        for key in ["update_ms", "gflops_effective", "sgemm_gflops", "gflop_per_update"] {
            #expect((json[key] as? Double).map { $0 > 0 } == true, "\(key)")
        }
        // FLOPs of the products: per critic, target forward + online forward + backward.
        // Forward: 2·B·(in·h + h·h + h·1); backward: weight grads of all layers and input grads of layers 2, 3.
        let b = 16.0, i = 23.0, h = 8.0
        let forward = 2 * b * (i * h + h * h + h)
        let backward = 2 * b * (i * h + h * h + h) + 2 * b * (h * h + h)
        #expect(abs(r.gflopPerUpdate * 1e9 - 2 * (2 * forward + backward)) < 1)
    }

    @Test(arguments: ["rfm", "sac"])
    func updateBenchmarkReportsTheDocumentedJSONKeysAndPhases(agent: String) throws {
        let config = try RunConfig.preset("cpu").overriding([
            "agent=\(agent)", "trainer.batch_size=8", "critic.hidden=8", "actor.hidden=8", "actor.embedding=8",
            "rfm.posterior_samples=4", "rfm.particles_train=2", "rfm.particles_act=2",
        ])
        let r = UpdateBenchmark.run(config: config, stateDim: 5, actionDim: 2, iterations: 2, threads: 1)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(r)) as! [String: Any]
        for key in ["update_ms", "act_ms", "gflop_per_update", "gflops_effective", "sgemm_gflops"] {
            #expect((json[key] as? Double).map { $0 > 0 } == true, "\(key)")
        }
        if agent == "rfm" {
            #expect(Set(r.phasesMs.keys) == ["rollouts", "particle Q", "critic step", "posterior", "actor step"])
        }
    }

    @Test func gemmBenchmarkCoversTheAgentShapes() {
        let shapes = GemmBenchmark.agentShapes(batch: 4, hidden: 8, particles: 2, posteriorSamples: 3)
        #expect(shapes.count == 10)
        let results = GemmBenchmark.run(Array(shapes.prefix(2)), minimumSeconds: 0.001)
        #expect(results.allSatisfy { $0.gflops > 0 && $0.microseconds > 0 })
    }
}
