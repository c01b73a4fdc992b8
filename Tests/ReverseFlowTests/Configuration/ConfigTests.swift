import Foundation
import ReverseFlow
import Testing

@Suite struct ConfigTests {
    @Test func presetsLoadCompletely() throws {
        let paper = try RunConfig.preset("paper")
        #expect(paper.double("rfm.temperature") == 0.02 && paper.int("rfm.posterior_samples") == 100)
        #expect(paper.int("rfm.particles_train") == 32 && paper.int("rfm.flow_steps") == 10)
        #expect(paper.optionalFloat("critic.max_grad_norm") == 10 && paper.double("critic.tau") == 0.005)
        let cpu = try RunConfig.preset("cpu")
        #expect(cpu.string("env") == "pendulum")
        #expect(cpu.double("critic.discount") == 0.99)  // inherited from paper
    }

    @Test func overridesAreTypedAndValidated() throws {
        let c = try RunConfig.preset("cpu").overriding(["rfm.temperature=0.1", "critic.max_grad_norm=null", "agent=sac"])
        #expect(c.double("rfm.temperature") == 0.1 && c.optionalFloat("critic.max_grad_norm") == nil && c.string("agent") == "sac")
        // A boolean key, and its round trip through a run folder's config.yaml.
        let off = try RunConfig.preset("cpu").overriding(["trainer.tensorboard=false"])
        #expect(try RunConfig.preset("cpu").bool("trainer.tensorboard") && !off.bool("trainer.tensorboard"))
        #expect(try RunConfig.savedRun(text: off.yaml, source: "config.yaml") == off)
    }

    @Test(arguments: [
        ("rfm.tempreature=0.1", "unknown config key 'rfm.tempreature' (did you mean 'rfm.temperature'?)"),
        ("trainer.batch_size=0", "config key 'trainer.batch_size' must be at least 1, got '0'"),
        ("trainer.steps=1.5", "config key 'trainer.steps' must be an integer, got '1.5'"),
        ("rfm.estimator=best", "config key 'rfm.estimator' must be one of optimal, noise, gradient, fixed, got 'best'"),
        ("critic.discount=1.5", "config key 'critic.discount' must be in 0.0...1.0, got '1.5'"),
        ("nonsense", "--set expects key=value, got 'nonsense'"),
        ("trainer.tensorboard=1", "config key 'trainer.tensorboard' must be true or false, got '1'"),
        ("trainer.tensorboard=yes please", "config key 'trainer.tensorboard' must be true or false, got 'yes please'"),
        // The agents' sections (declared by each agent): unknown keys, types, ranges, their own rules.
        ("qvpo.eps_greed=0.1", "unknown config key 'qvpo.eps_greed' (did you mean 'qvpo.eps_greedy'?)"),
        ("sac.nonsense=1", "unknown config key 'sac.nonsense'"),
        ("qsm.steps=1.5", "config key 'qsm.steps' must be an integer, got '1.5'"),
        ("qsm.steps=0", "config key 'qsm.steps' must be at least 1, got '0'"),
        ("qvpo.best_actions=best", "config key 'qvpo.best_actions' must be one of sampled, gradient, got 'best'"),
        ("rfm.integrator=rk4", "config key 'rfm.integrator' must be one of euler, heun, got 'rk4'"),
        ("maxentdp.t_max=2", "config key 'maxentdp.t_max' must be in 1e-06...1.0 or null, got '2'"),
        ("sac.log_std_min=5", "config key 'sac.log_std_min' (5.0) must be below 'sac.log_std_max' (2.0)"),
        ("dqs.sigma_min=5", "config key 'dqs.sigma_min' (5.0) must be below 'dqs.sigma_max' (1.0)"),
        ("agent=td3", "config key 'agent' must be one of rfm, sac, qsm, maxentdp, dqs, qvpo, got 'td3'"),
    ])
    func badOverridesFailWithOneLineNamingTheKey(assignment: String, message: String) throws {
        #expect(throws: ConfigError(message)) { try RunConfig.preset("cpu").overriding([assignment]) }
    }

    @Test func filesInheritAndRejectUnknownKeysAndMissingFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rfm-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let good = dir.appendingPathComponent("good.yaml"), bad = dir.appendingPathComponent("bad.yaml")
        try "inherit: cpu\ntrainer:\n  steps: 123\n".write(to: good, atomically: true, encoding: .utf8)
        try "inherit: cpu\ncritic:\n  widht: 3\n".write(to: bad, atomically: true, encoding: .utf8)
        #expect(try RunConfig.file(good.path).int("trainer.steps") == 123)
        #expect(throws: ConfigError.self) { try RunConfig.file(bad.path) }
        do { _ = try RunConfig.file(bad.path) } catch let e as ConfigError { #expect(e.message.contains("'critic.widht'")) }
        // An unknown key of an agent's section, nested as in a preset.
        try "inherit: cpu\nsac:\n  alpha_lrr: 0.1\n".write(to: bad, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError("'\(bad.path)': unknown config key 'sac.alpha_lrr' (did you mean 'sac.alpha_lr'?)")) {
            try RunConfig.file(bad.path)
        }
        #expect(throws: ConfigError("cannot read config file '/no/such.yaml'")) { try RunConfig.file("/no/such.yaml") }
        #expect(throws: ConfigError.self) { try RunConfig.preset("huge") }
    }

    @Test func resolvedYAMLRoundTrips() throws {
        let c = try RunConfig.preset("cpu").overriding(["seed=3"])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rfm-roundtrip-\(UUID().uuidString).yaml")
        try c.yaml.write(to: file, atomically: true, encoding: .utf8)
        #expect(try RunConfig.file(file.path) == c)
    }

    /// A key given both dotted and nested resolved by dictionary order (100 or 200 from one run
    /// to the next); now it is refused, naming the key, wherever it appears.
    @Test func aKeyGivenDottedAndNestedIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rfm-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("twice.yaml")
        try "inherit: cpu\ntrainer.steps: 100\ntrainer:\n  steps: 200\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError("'\(file.path)': config key 'trainer.steps' is given twice (dotted and nested); keep one")) {
            try RunConfig.file(file.path)
        }
        // A dotted key overriding the nested key of the inherited preset is not a duplicate.
        try "inherit: cpu\ntrainer.steps: 100\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try RunConfig.file(file.path).int("trainer.steps") == 100)
    }

    /// `--set 'critic.max_grad_norm="10'` used to switch clipping off (the unparsable value
    /// became null) and exit 0; only the explicit `null` (or YAML's `~`) does that now.
    @Test(arguments: [
        ("critic.max_grad_norm=\"10", "--set critic.max_grad_norm=\"10 is not valid YAML"),
        ("critic.max_grad_norm=", "--set critic.max_grad_norm=: empty value (write critic.max_grad_norm=null to switch an optional option off)"),
        ("critic.max_grad_norm=[10", "--set critic.max_grad_norm=[10 is not valid YAML"),
        ("critic.max_grad_norm=*x", "--set critic.max_grad_norm=*x: line 1: YAML anchors and aliases"),
    ])
    func malformedSetValuesAreErrorsNotNull(assignment: String, message: String) throws {
        do {
            let c = try RunConfig.preset("cpu").overriding([assignment])
            Issue.record("accepted \(assignment): critic.max_grad_norm = \(String(describing: c.optionalFloat("critic.max_grad_norm")))")
        } catch let e as ConfigError {
            #expect(e.message.hasPrefix(message), "\(e.message)")
            #expect(!e.message.contains("\n"), "\(e.message)")
        }
    }

    @Test func nullAndTildeSwitchAnOptionalOptionOff() throws {
        for off in ["null", "~", "Null"] {
            #expect(try RunConfig.preset("cpu").overriding(["critic.max_grad_norm=\(off)"]).optionalFloat("critic.max_grad_norm") == nil)
        }
        #expect(try RunConfig.preset("cpu").overriding(["critic.max_grad_norm=5"]).optionalFloat("critic.max_grad_norm") == 5)
        #expect(throws: ConfigError("config key 'critic.lr' must be a number, got 'null'")) {
            try RunConfig.preset("cpu").overriding(["critic.lr=null"])
        }
    }
}
