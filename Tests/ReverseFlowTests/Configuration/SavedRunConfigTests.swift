import Foundation
import Testing
import ReverseFlow

@Suite("Saved run configurations")
struct SavedRunConfigTests {
    @Test("A run saved before newer agents existed still loads; a missing key of its own agent does not")
    func olderRunFolders() throws {
        let full = try RunConfig.preset("cpu").yaml
        // Drop every qsm.* line (a section added after the run was written) …
        var lines = full.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let start = lines.firstIndex(of: "qsm:") {
            var end = start + 1
            while end < lines.count, lines[end].hasPrefix("  ") { end += 1 }
            lines.removeSubrange(start ..< end)
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("saved-run-\(UInt32.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("config.yaml").path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = try RunConfig.savedRun(path)
        #expect(loaded.string("agent") == "rfm")
        let paper = try RunConfig.preset("paper")
        #expect(loaded.int("qsm.steps") == paper.int("qsm.steps"))
        #expect(throws: ConfigError.self) { try RunConfig.file(path) }
        // A SAC run saved before SAC had its own clip keys keeps the shared clip it trained with.
        let sac = full.split(separator: "\n").map(String.init)
            .filter { !$0.contains("actor_max_grad_norm") && !$0.contains("critic_max_grad_norm") && !$0.contains("  policy:")
                && !$0.contains("diffusion_") }
            .map { $0 == "agent: rfm" ? "agent: sac" : $0 }.joined(separator: "\n")
        try sac.write(toFile: path, atomically: true, encoding: .utf8)
        let oldSAC = try RunConfig.savedRun(path)
        #expect(oldSAC.optionalFloat("sac.critic_max_grad_norm") == oldSAC.optionalFloat("critic.max_grad_norm"))
        #expect(oldSAC.optionalFloat("sac.critic_max_grad_norm") == 10)
        #expect(oldSAC.string("rfm.policy") == "flow" && oldSAC.int("rfm.diffusion_steps") == 20)
        // … but a missing key of the run's own agent without a legacy value is an error.
        let own = full.split(separator: "\n").filter { !$0.contains("posterior_samples: 16") }.joined(separator: "\n")
        try own.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) { try RunConfig.savedRun(path) }
    }
}
