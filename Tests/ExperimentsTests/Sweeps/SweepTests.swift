import Foundation
import Experiments
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
        ("tasks: [pendulum]\nagents: [rfm]\nseeds: [0]\nvariants:\n  - name: a b", "variant name 'a b' is not a valid name"),
        // Names become folder names: one safe character set, one line naming the value.
        ("tasks: [pendulum]\nagents: ['rfm #/../../../tmp/x']\nseeds: [0]", "agent 'rfm #/../../../tmp/x' is not a valid name"),
        ("tasks: [../pendulum]\nagents: [rfm]\nseeds: [0]", "task '../pendulum' is not a valid name"),
        ("tasks: [pendulum]\nagents: [rfm]\nseeds: [0]\nvariants:\n  - name: ../up", "variant name '../up' is not a valid name"),
        ("tasks: [pendulum]\nagents: [[rfm]]\nseeds: [0]", "every entry of 'agents' must be a name"),
        ("tasks: [pendulum]\nagents: [rfm]\nseeds: [0]\nout: [a, b]", "'out' must be a non-empty string, got '[\"a\", \"b\"]'"),
        // Keys the grid itself sets: which value won depended on the order of the overrides.
        ("tasks: [pendulum]\nagents: [rfm]\nseeds: [0]\nset: {env: cartpole-swingup}", "'set' sets 'env', which the sweep's 'tasks' chooses"),
        ("tasks: [pendulum]\nagents: [rfm]\nseeds: [0]\nvariants:\n  - {name: a, set: {seed: 3}}", "'variants.a.set' sets 'seed', which the sweep's 'seeds' chooses"),
        ("tasks: [pendulum]\nagents: [rfm]\nseeds: [0]\nsteps: 9\nset: {trainer: {steps: 5}}", "'set' sets 'trainer.steps', which the sweep's 'steps' chooses"),
        ("tasks: [pendulum]\nagents: [rfm]\nseeds: [0]\nout: \"a\\nb\"", "'out' 'a\\nb' contains a control character"),
        ("tasks: [pendulum]\nagents: [rfm]\nseeds: [0]\nset:", "'set' is empty (null): give a mapping of config keys to values"),
        ("tasks: [pendulum]\nagents: [rfm]\nseeds: [0]\nset: {critic.hidden: [1, 2]}", "config key 'critic.hidden' must have a single value"),
        ("tasks: [pendulum]\nagents: [rfm]\nseeds: [0]\nset: {trainer.steps: 1, trainer: {steps: 2}}", "config key 'trainer.steps' is given twice"),
        ("tasks: [pendulum]\nagents: [rfm]\nseeds: [0, 0]", "'seeds' lists a value twice"),
    ])
    func badFiles(text: String, message: String) throws {
        do {
            _ = try SweepSpec.parse(text, defaultOut: "o")
            Issue.record("accepted: \(text)")
        } catch let e as ConfigError {
            #expect(e.message.contains(message), "\(e.message)")
        }
    }

    @Test("A 50 MB or billion-laughs sweep file is one line, not gigabytes and an abort in the parser")
    func hostileYAML() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-yaml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let line = "  - pendulum\n"
        let big = dir.appendingPathComponent("big.yaml")
        try ("seeds: [0]\nagents: [sac]\ntasks:\n" + String(repeating: line, count: 50_000_000 / line.utf8.count))
            .write(to: big, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError("sweep file '\(big.path)' is larger than 1048576 bytes (the limit for YAML input)")) {
            try SweepSpec.load(big.path)
        }
        var laughs = "tasks: [pendulum]\nagents: [sac]\nseeds: [0]\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1 ... 9 { laughs += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        #expect(throws: ConfigError("grid.yaml: line 4: YAML anchors and aliases (&name, *name) are not supported; write the values out")) {
            try SweepSpec.parse(laughs, defaultOut: "o", source: "grid.yaml")
        }
    }

    @Test("Set values keep their YAML type: null switches an option off, text stays text")
    func setValues() throws {
        let spec = try SweepSpec.parse("""
            tasks: [pendulum]
            agents: [sac]
            seeds: [0]
            set: {critic.max_grad_norm: null, rfm.estimator: noise, critic.lr: 1.0e-5, trainer: {warmup: 7}}
            """, defaultOut: "o")
        #expect(spec.assignments == ["critic.lr=1e-05", "critic.max_grad_norm=null", "rfm.estimator=\"noise\"", "trainer.warmup=7"])
        let run = try spec.runs()[0]
        #expect(run.config.optionalFloat("critic.max_grad_norm") == nil && run.config.string("rfm.estimator") == "noise")
        #expect(run.config.double("critic.lr") == 1e-5 && run.config.int("trainer.warmup") == 7)
        #expect(run.directory.path.hasSuffix("o/pendulum/sac/seed0"))
    }

    @Test("Every committed experiment still loads and resolves")
    func experiments() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../experiments").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        for file in files {
            let spec = try SweepSpec.load(root.appendingPathComponent(file).path)
            let runs = try spec.runs()
            #expect(runs.allSatisfy { $0.directory.path.hasPrefix(URL(fileURLWithPath: spec.out).path + "/") }, "\(file)")
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

/// A stop request reaches the sweep's running children once each, and nothing new starts.
@Suite struct SweepStopTests {
    @Test func aStopRequestReachesEveryRunningRunAndStartsNoOther() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rfm-sweep-stop-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // A stand-in for `rfm train`: says it started, then waits; on SIGTERM it notes the signal in
        // its run folder (the argument after --out) and exits 143 as rfm train does.
        let stub = root.appendingPathComponent("stub-rfm")
        try """
        #!/bin/sh
        out=""; prev=""
        for a in "$@"; do [ "$prev" = "--out" ] && out="$a"; prev="$a"; done
        trap 'echo TERM >> "$out/signals"; exit 143' TERM
        touch "$out/started"
        while true; do sleep 0.05; done
        """.write(to: stub, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub.path)
        let spec = try SweepSpec.parse("""
            out: \(root.path)/runs
            preset: cpu
            tasks: [pendulum]
            agents: [rfm]
            seeds: [0, 1, 2, 3]
            steps: 1000
            """, defaultOut: "unused")
        let runs = try spec.runs()
        var runner = SweepRunner(executable: stub, threads: 1, jobs: 2)
        var lines: [String] = []
        runner.report = { lines.append($0) }
        let started = { runs.prefix(2).allSatisfy { FileManager.default.fileExists(atPath: $0.directory.appendingPathComponent("started").path) } }
        runner.stopRequested = { started() ? SIGTERM : nil }
        do {
            _ = try runner.run(runs)
            Issue.record("the sweep finished instead of stopping")
        } catch let stop as SweepStopped {
            #expect(stop.exitCode == 143 && stop.description.contains("same command"))
        }
        for run in runs.prefix(2) {
            let signals = try String(contentsOf: run.directory.appendingPathComponent("signals"), encoding: .utf8)
            #expect(signals == "TERM\n", "each running run gets the signal once")
        }
        for run in runs.suffix(2) { #expect(!FileManager.default.fileExists(atPath: run.directory.path), "no new run starts") }
        #expect(lines.filter { $0.hasPrefix("stopped [") }.count == 2)
        #expect(!lines.contains { $0.hasPrefix("FAILED") })
    }
}
