import Foundation
import Testing
import ReverseFlow

@Suite("Sweeps and reports")
struct SweepTests {
    static let grid = """
    out: /tmp/x
    preset: cpu
    tasks: [pendulum, cartpole-swingup]
    agents: [rfm, sac]
    seeds: [0, 1, 2]
    steps: 5000
    set:
      critic.hidden: 128
    variants:
      - name: noise
        set: {rfm.estimator: noise}
      - name: base
    """

    @Test("A grid expands to tasks × agents × variants × seeds in a fixed order with its overrides")
    func expansion() throws {
        let spec = try SweepSpec.parse(Self.grid, defaultOut: "unused")
        let runs = try spec.runs()
        #expect(runs.count == 2 * 2 * 2 * 3)
        #expect(runs.map(\.index) == Array(0 ..< 24))
        let first = runs[0]
        #expect(first.task == "pendulum" && first.label == "rfm-noise" && first.seed == 0)
        #expect(first.directory.path == "/tmp/x/pendulum/rfm-noise/seed0")
        #expect(first.config.string("rfm.estimator") == "noise")
        #expect(first.config.int("critic.hidden") == 128)
        #expect(first.config.int("trainer.steps") == 5000)
        #expect(runs[3].label == "rfm-base" && runs[3].config.string("rfm.estimator") != "noise")
        #expect(runs.last!.task == "cartpole-swingup" && runs.last!.label == "sac-base" && runs.last!.seed == 2)
    }

    @Test("Bad sweep files are rejected with a message naming the problem", arguments: [
        ("tasks: [pendulum]\nagents: [rfm]\nseeds: [0]\nsteppes: 3", "unknown sweep key 'steppes'"),
        ("tasks: [pendulum]\nagents: [rfm]", "missing 'seeds'"),
        ("tasks: [pendulum]\nagents: [rfm]\nseeds: [-1]", "non-negative"),
        ("tasks: [pendulum]\nagents: [rfm, rfm]\nseeds: [0]", "twice"),
        ("tasks: [pendulum]\nagents: [rfm]\nseeds: [0]\nvariants:\n  - name: a b", "variant needs a 'name'"),
    ])
    func badFiles(text: String, message: String) throws {
        do {
            _ = try SweepSpec.parse(text, defaultOut: "o")
            Issue.record("accepted: \(text)")
        } catch let e as ConfigError {
            #expect(e.message.contains(message), "\(e.message)")
        }
    }

    @Test("Unknown tasks and config keys are caught before anything runs")
    func badCells() throws {
        let unknownTask = try SweepSpec.parse("tasks: [cheetah-walk]\nagents: [rfm]\nseeds: [0]", defaultOut: "o")
        #expect(throws: ConfigError.self) { try unknownTask.runs() }
        let unknownKey = try SweepSpec.parse("tasks: [pendulum]\nagents: [rfm]\nseeds: [0]\nset: {rfm.tempreature: 1}", defaultOut: "o")
        #expect(throws: ConfigError.self) { try unknownKey.runs() }
    }

    @Test("Run status: new, then partial with a checkpoint, finished once the summary has every step")
    func status() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-status-\(UInt32.random(in: 0 ... .max))")
        defer { try? FileManager.default.removeItem(at: root) }
        let spec = try SweepSpec.parse("out: \(root.path)\ntasks: [pendulum]\nagents: [sac]\nseeds: [0]\nsteps: 300", defaultOut: "o")
        let run = try spec.runs()[0]
        #expect(run.status == .new)
        let cfg = try run.config.overriding(["trainer.warmup=100", "trainer.eval_interval=150", "trainer.eval_episodes=1",
                                             "trainer.checkpoint_interval=150"])
        let trainer = try Trainer(config: cfg, runDirectory: run.directory, resume: false)
        trainer.report = { _ in }
        trainer.stopAfterSteps = 150
        try trainer.run()
        #expect(run.status == .partial)
        let resumed = try Trainer(config: cfg, runDirectory: run.directory, resume: true)
        resumed.report = { _ in }
        try resumed.run()
        #expect(run.status == .finished)

        let record = try RunRecord.load(run.directory)
        #expect(record.task == "pendulum" && record.label == "sac" && record.finished)
        #expect(record.evaluations.map(\.step) == [150, 300])
        var report = ExperimentReport(runs: [record])
        report.title = "status test"
        try report.write(to: root.appendingPathComponent("report"))
        let html = try String(contentsOf: root.appendingPathComponent("report/report.html"), encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("status test") && html.contains("pendulum"))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("report/figures/curve-pendulum.svg").path))
    }

    @Test("Report bands: mean, min and max over seeds at the steps all seeds reached")
    func bands() {
        let a = [(step: 10, value: 1.0), (step: 20, value: 3.0), (step: 30, value: 5.0)]
        let b = [(step: 10, value: 3.0), (step: 20, value: 7.0)]
        let band = ExperimentReport.band([a, b])
        #expect(band.count == 2)
        #expect(band[0] == (10, 2.0, 1.0, 3.0))
        #expect(band[1] == (20, 5.0, 3.0, 7.0))
    }
}
