import Environments
import Foundation
import ReverseFlow
import Testing

/// The `gym.*` configuration keys (GymnasiumOptions+Config.swift).
@Suite struct GymnasiumConfigTests {
    @Test func presetsKeepEveryV5Default() throws {
        for preset in RunConfig.presetNames {
            #expect(GymnasiumOptions(config: try RunConfig.preset(preset)) == GymnasiumOptions(), "\(preset)")
        }
    }

    @Test func overridesReachTheTaskAndSurviveTheRunFolder() throws {
        let c = try RunConfig.preset("cpu").overriding([
            "env=Hopper-v5", "gym.ctrl_cost_weight=0.5", "gym.reset_noise_scale=0", "gym.terminate_when_unhealthy=false",
        ])
        let options = GymnasiumOptions(config: c)
        #expect(options == GymnasiumOptions(ctrlCostWeight: 0.5, resetNoiseScale: 0, terminateWhenUnhealthy: false))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rfm-gym-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try c.yaml.write(to: file, atomically: true, encoding: .utf8)
        #expect(try RunConfig.file(file.path) == c)
        #expect(try RunConfig.savedRun(file.path) == c)
        // The trainer's environment gets them: with termination off, a hopper falls and carries on.
        let env = try EnvironmentRegistry.make(config: c)
        _ = env.reset(seed: 0)
        for _ in 0 ..< 200 { #expect(!env.step([1, -1, 1]).terminated) }
    }

    @Test func runsSavedBeforeTheKeysExistedGetTheDefaults() throws {
        let c = try RunConfig.preset("paper")
        let old = c.yaml.components(separatedBy: "\ngym:\n")[0] + "\n"
        #expect(!old.contains("gym."))
        #expect(try RunConfig.savedRun(text: old, source: "old") == c)
    }

    @Test(arguments: [
        ("gym.terminate_when_unhealthy=maybe", "config key 'gym.terminate_when_unhealthy' must be true, false or null, got 'maybe'"),
        ("gym.ctrl_cost_weight=-1", "config key 'gym.ctrl_cost_weight' must be in 0.0...1000000.0 or null, got '-1'"),
    ])
    func badValuesFailWithOneLineNamingTheKey(assignment: String, message: String) throws {
        #expect(throws: ConfigError(message)) { try RunConfig.preset("cpu").overriding([assignment]) }
    }
}
