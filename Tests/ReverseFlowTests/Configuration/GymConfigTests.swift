import Foundation
import ReverseFlow
import Testing

/// The `gym.*` keys: `gym.kwargs` is a free-form JSON object, given as JSON text, as a YAML
/// mapping or entry by entry; runs saved before the keys existed still load.
@Suite struct GymConfigTests {
    @Test func kwargsTakeEveryForm() throws {
        let base = try RunConfig.preset("cpu")
        #expect(base.string("gym.kwargs") == "{}" && base.string("gym.python") == "python3" && base.double("gym.timeout") == 60)
        #expect(try base.overriding(["gym.kwargs.ctrl_cost_weight=0.1"]).string("gym.kwargs") == #"{"ctrl_cost_weight":0.1}"#)
        #expect(try base.overriding([#"gym.kwargs={"b": [1, 2], "a": "x"}"#]).string("gym.kwargs") == #"{"a":"x","b":[1,2]}"#)
        #expect(try base.overriding([#"gym.kwargs='{"a": true}'"#, "gym.kwargs.c=null"]).string("gym.kwargs") == #"{"a":true,"c":null}"#)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rfm-gymcfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("run.yaml")
        try "inherit: cpu\nenv: gym:HalfCheetah-v5\ngym:\n  kwargs:\n    ctrl_cost_weight: 0.2\n    reset_noise_scale: 0\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let fromFile = try RunConfig.file(file.path)
        #expect(fromFile.string("gym.kwargs") == #"{"ctrl_cost_weight":0.2,"reset_noise_scale":0}"#)
        // The run folder's config.yaml reads back the same (JSON is quoted there).
        let saved = dir.appendingPathComponent("config.yaml")
        try fromFile.yaml.write(to: saved, atomically: true, encoding: .utf8)
        #expect(try RunConfig.savedRun(saved.path) == fromFile)
        #expect(try RunConfig.file(saved.path) == fromFile)
    }

    @Test func badKwargsAreOneLineNamingTheKey() throws {
        let base = try RunConfig.preset("cpu")
        for bad in ["gym.kwargs=[1, 2]", "gym.kwargs=3", "gym.kwargs='{not json'", "gym.timeout=0"] {
            do {
                _ = try base.overriding([bad])
                Issue.record("\(bad) was accepted")
            } catch let error as ConfigError {
                #expect(error.message.contains(String(bad.prefix(while: { $0 != "=" }))) && !error.message.contains("\n"), "\(error)")
            }
        }
        #expect(throws: ConfigError.self) { try base.overriding(["gym.kwarg.x=1"]) }
    }

    @Test func runsSavedBeforeTheBridgeStillLoad() throws {
        // A run saved before the gym section existed: the whole section (up to the next
        // top-level key) is absent.
        var inGym = false
        let yaml = try RunConfig.preset("cpu").yaml.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in
                if !line.hasPrefix(" "), !line.isEmpty { inGym = line.hasPrefix("gym:") }
                return !inGym
            }
            .joined(separator: "\n")
        let loaded = try RunConfig.savedRun(text: yaml, source: "old run")
        #expect(loaded == (try RunConfig.preset("cpu")))
    }
}
