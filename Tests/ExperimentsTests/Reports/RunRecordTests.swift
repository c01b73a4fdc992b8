import Foundation
import Experiments
import Testing
import ReverseFlow

@Suite("Run records")
struct RunRecordTests {
    @Test("Names that could leave the output folder are refused; the project's own names pass")
    func safeNames() {
        for name in ["cheetah-run", "finger-turn_hard", "rfm-noise", "v1.2"] { #expect(SafeName.isSafe(name)) }
        for name in ["", ".", "..", "x/../y", "a b", "a\\b", "ü", "x\n"] { #expect(!SafeName.isSafe(name)) }
    }

    @Test("A config.yaml whose env climbs out of the folder is skipped and nothing is written outside the output folder")
    func hostilePath() throws {
        let sweep = try SyntheticSweep("report-hostile")
        defer { sweep.remove() }
        try sweep.run("cheetah-run", "sac", seed: 0, steps: 20, evaluations: [(20, 10)], wallSeconds: 1)
        // figures/curve-<env>.svg would resolve to <root>/escaped.svg.
        let evil = try sweep.run("x/../../../escaped", "sac", seed: 0, steps: 20, evaluations: [(20, 10)], folder: "evil/sac/seed0")
        let evilLabel = try sweep.run("walker-walk", "sac", seed: 0, steps: 20, evaluations: [(20, 10)], folder: "evil-label/seed0")
        try sweep.write("{\"label\": \"../../../label\"}", evilLabel, "sweep_run.json")
        let before = sweep.files

        let (runs, skipped) = RunRecord.loadAll(under: [sweep.root.appendingPathComponent("runs")])
        #expect(runs.map(\.task) == ["cheetah-run"])
        #expect(Set(skipped.map(\.directory.path)) == [evil.path, evilLabel.path])
        #expect(skipped.allSatisfy { $0.reason.contains("A-Z a-z 0-9 . _ -") })
        var report = ExperimentReport(runs: runs)
        report.atSteps = [20]
        try report.write(to: sweep.root.appendingPathComponent("report"))

        let added = sweep.files.subtracting(before)
        #expect(!added.isEmpty && added.allSatisfy { $0.hasPrefix("report/") })
        #expect(!FileManager.default.fileExists(atPath: sweep.root.appendingPathComponent("escaped.svg").path))
    }

    @Test("An unreadable run is skipped with its reason and the others are reported")
    func unreadableRun() throws {
        let sweep = try SyntheticSweep("report-unreadable")
        defer { sweep.remove() }
        try sweep.run("cheetah-run", "sac", seed: 0, steps: 20, evaluations: [(20, 10)], wallSeconds: 1)
        let badYAML = try sweep.run("cheetah-run", "sac", seed: 1, steps: 20, evaluations: [(20, 10)])
        try sweep.write("seed: [1\nagent: sac\n", badYAML, "config.yaml")
        let noSeed = try sweep.run("cheetah-run", "sac", seed: 2, steps: 20, evaluations: [(20, 10)])
        try sweep.write("agent: sac\nenv: cheetah-run\ntrainer: {steps: 20}\n", noSeed, "config.yaml")
        // A metrics file that cannot be read at all (a folder where the file should be).
        let badMetrics = try sweep.run("cheetah-run", "sac", seed: 3, steps: 20, evaluations: [(20, 10)])
        try FileManager.default.removeItem(at: badMetrics.appendingPathComponent("metrics.jsonl"))
        try FileManager.default.createDirectory(at: badMetrics.appendingPathComponent("metrics.jsonl"), withIntermediateDirectories: false)

        let (runs, skipped) = RunRecord.loadAll(under: [sweep.root.appendingPathComponent("runs")])
        #expect(runs.map(\.seed) == [0])
        #expect(skipped.map(\.directory.path) == [badYAML.path, noSeed.path, badMetrics.path])
        #expect(skipped[0].reason.contains("not valid YAML") && skipped[1].reason.contains("'seed'"))
        try ExperimentReport(runs: runs).write(to: sweep.root.appendingPathComponent("report"))
    }

    @Test("Without metrics.jsonl a run is read from metrics.csv, empty cells being absent keys")
    func csvFallback() throws {
        let sweep = try SyntheticSweep("report-csv")
        defer { sweep.remove() }
        let dir = try sweep.run("finger-spin", "sac", seed: 1, steps: 20, evaluations: [], wallSeconds: 30)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("metrics.jsonl"))
        try sweep.write("""
            step,train/episode_return,eval/return,eval/return_std,agent/alpha
            5,1.5,,,0.5
            10,,120.5,3,
            20,2,640,4,0.25

            """, dir, "metrics.csv")
        #expect(RunRecord.find(under: [sweep.root]).map(\.path) == [dir.path])
        let record = try RunRecord.load(dir)
        #expect(record.evaluations.map(\.step) == [10, 20] && record.evaluations.map(\.value) == [120.5, 640])
        #expect(record.diagnostics["agent/alpha"]!.map(\.step) == [5, 20])
        #expect(record.steps == 20 && record.finished && record.wallSeconds == 30)
    }
}
