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
    }

    @Test(arguments: [
        ("rfm.tempreature=0.1", "unknown config key 'rfm.tempreature' (did you mean 'rfm.temperature'?)"),
        ("trainer.batch_size=0", "config key 'trainer.batch_size' must be at least 1, got '0'"),
        ("trainer.steps=1.5", "config key 'trainer.steps' must be an integer, got '1.5'"),
        ("rfm.estimator=best", "config key 'rfm.estimator' must be one of optimal, noise, gradient, fixed, got 'best'"),
        ("critic.discount=1.5", "config key 'critic.discount' must be in 0.0...1.0, got '1.5'"),
        ("nonsense", "--set expects key=value, got 'nonsense'"),
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
        #expect(throws: ConfigError("cannot read config file '/no/such.yaml'")) { try RunConfig.file("/no/such.yaml") }
        #expect(throws: ConfigError.self) { try RunConfig.preset("huge") }
    }

    @Test func resolvedYAMLRoundTrips() throws {
        let c = try RunConfig.preset("cpu").overriding(["seed=3"])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rfm-roundtrip-\(UUID().uuidString).yaml")
        try c.yaml.write(to: file, atomically: true, encoding: .utf8)
        #expect(try RunConfig.file(file.path) == c)
    }
}
