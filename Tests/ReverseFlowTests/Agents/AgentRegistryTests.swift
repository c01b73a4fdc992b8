import Foundation
import ReverseFlow
import Testing

/// The registry against what reads it: the schema, the agents' settings, the metric files.
@Suite struct AgentRegistryTests {
    @Test func namesAreUniqueAndAreTheChoicesOfTheAgentKey() throws {
        #expect(Set(AgentRegistry.names).count == AgentRegistry.names.count)
        #expect(AgentRegistry.names == ["rfm", "sac", "qsm", "maxentdp", "dqs", "qvpo"])
        let agentKey = try #require(ConfigSchema.keys.first { $0.name == "agent" })
        #expect(agentKey.kind == .choice(AgentRegistry.names))
        let schema = Set(ConfigSchema.keys.map(\.name))
        for entry in AgentRegistry.agents {
            #expect(!entry.keys.isEmpty && entry.keys.allSatisfy { schema.contains($0.name) }, "\(entry.name)")
        }
    }

    /// `config.yaml` lists its sections in the order every earlier version wrote.
    @Test func configYAMLKeepsItsSectionOrder() throws {
        let lines = try RunConfig.preset("paper").yaml.split(separator: "\n")
        let sections = lines.filter { !$0.hasPrefix(" ") && !$0.hasPrefix("#") }.map { String($0.split(separator: ":")[0]) }
        #expect(sections == ["seed", "agent", "env", "trainer", "critic", "actor", "rfm", "sac", "qsm", "dqs", "maxentdp", "qvpo", "gym"])
    }

    /// An agent's settings read every key of its own section and none of another agent's, so
    /// the schema it declares and the settings it decodes agree.
    @Test(arguments: AgentRegistry.names)
    func settingsReadExactlyTheirOwnSection(agent: String) throws {
        let entry = try #require(AgentRegistry.entry(named: agent))
        let decoder = ConfigDecoder(try RunConfig.preset("paper"))
        try entry.decodeSettings(decoder)
        let sections = Set(AgentRegistry.names)
        let agentKeys = Set(decoder.keysRead.filter { sections.contains(String($0.split(separator: ".")[0])) })
        #expect(agentKeys == Set(entry.keys.map(\.name)))
    }

    /// Each agent's metric keys are the last columns of `metrics.csv` and are filled; every
    /// metric an update returns (all of them reach `metrics.jsonl`) has its column.
    @Test(arguments: AgentRegistry.names)
    func metricKeysAreTheColumnsOfAShortRun(agent: String) throws {
        let entry = try #require(AgentRegistry.entry(named: agent))
        let dir = TrainerTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let trainer = try Trainer(config: try TrainerTests.tiny(agent, steps: 150), runDirectory: dir, resume: false)
        trainer.report = { _ in }
        try trainer.run()
        let csv = dir.appendingPathComponent("metrics.csv")
        let columns = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")[0].split(separator: ",").map(String.init)
        #expect(Array(columns.suffix(entry.metricKeys.count)) == entry.metricKeys)
        let written = Set(try MetricsLog.readRows(dir.appendingPathComponent("metrics.jsonl")).flatMap(\.keys))
        #expect(written.subtracting(columns).isEmpty, "not in metrics.csv: \(written.subtracting(columns).sorted())")
        let rows = try MetricsLog.readCSVRows(csv)
        for key in entry.metricKeys { #expect(rows.contains { $0[key] != nil }, "\(key) is never filled") }
    }

    @Test func settingsDecodeThePaperPreset() throws {
        let paper = try RunConfig.preset("paper")
        let critic = TwinCritic.Settings(hidden: [256, 256], learningRate: 0.001, maxGradNorm: 10, discount: 0.99, tau: 0.005)
        var unclipped = critic
        unclipped.maxGradNorm = nil
        let rfm = try RFMAgent.Settings(from: ConfigDecoder(paper))
        #expect(rfm == RFMAgent.Settings(
            networks: NetworkSettings(critic: critic, actorWidth: 256, actorBlocks: 2, embeddingSize: 128, actorLearningRate: 0.0003,
                                      actorMaxGradNorm: 10),
            flowSteps: 10, integrator: .euler, tMin: 0.01, posteriorSamples: 100, controlVariate: .paper, trainingParticles: 32,
            actingParticles: 32, evaluationParticles: 32, temperatureInitial: 0.02, temperatureFinal: 0.02, temperatureSteps: 250000))
        let diffusion = try RFMAgent.Settings(from: ConfigDecoder(paper.overriding(["rfm.policy=diffusion", "rfm.estimator=fixed"])))
        #expect(diffusion.diffusion == DiffusionPolicy.Settings(steps: 20, schedule: .cosine(), sampler: .ddpm, squash: true))
        #expect(diffusion.controlVariate == .fixed(0.5))
        let sac = try SACAgent.Settings(from: ConfigDecoder(paper))
        #expect(sac == SACAgent.Settings(critic: unclipped, actorWidth: 256, actorBlocks: 2, actorLearningRate: 0.0003,
                                         actorMaxGradNorm: nil, alphaLearningRate: 0.0003, logStdMin: -20, logStdMax: 2))
        let maxentdp = try MaxEntDPAgent.Settings(from: ConfigDecoder(paper))
        #expect(maxentdp.tMax == CosineDiffusionGrid.defaultTMax(betaMax: 999) && maxentdp.posteriorSamples == 500)
        #expect(try MaxEntDPAgent.Settings(from: ConfigDecoder(paper.overriding(["maxentdp.t_max=0.5"]))).tMax == 0.5)
        let qvpo = try QVPOAgent.Settings(from: ConfigDecoder(paper))
        #expect(qvpo.networks.critic.activation == .mish && qvpo.networks.critic.maxGradNorm == nil && qvpo.bestActions == .sampled)
        #expect(qvpo.networks.actorBlocks == 2 && qvpo.trainingSamples == 64 && qvpo.actionGradNormPerDimension == 0.1)
        let dqs = try DQSAgent.Settings(from: ConfigDecoder(paper))
        #expect(dqs.schedule == VESchedule(sigmaMin: 0.00001, sigmaMax: 1) && dqs.samples == 1000 && dqs.weightOffset == 0.001)
        let qsm = try QSMAgent.Settings(from: ConfigDecoder(paper))
        #expect(qsm.schedule == .vp(betaMin: 0.1, betaMax: 10) && qsm.clip == 1 && qsm.gradientScale == 50)
    }
}
