import Foundation
import Experiments
import Testing
import ReverseFlow

@Suite("Experiment reports")
struct ExperimentReportTests {
    /// cheetah-run and walker-walk (DeepMind Control, normalised by 1000) and pendulum (no
    /// normaliser), rfm and sac, seeds 0–2, evaluations at steps 10 and 20. walker-walk's rfm
    /// seed 2 stopped after step 10, so its step-20 cell has two seeds.
    static func sweep() throws -> SyntheticSweep {
        let sweep = try SyntheticSweep("report-table")
        let at20: [String: [String: [Double]]] = [
            "cheetah-run": ["rfm": [100, 200, 300], "sac": [50, 50, 50]],
            "walker-walk": ["rfm": [400, 600], "sac": [700, 800, 900]],
            "pendulum": ["rfm": [-200, -200, -200], "sac": [-100, -100, -100]],
        ]
        for (task, agents) in at20 {
            for (agent, values) in agents {
                for seed in 0 ..< 3 {
                    let wall = 60.0 * Double(seed + 1)
                    if seed < values.count {
                        try sweep.run(task, agent, seed: seed, steps: 20, evaluations: [(10, values[seed] / 2), (20, values[seed])], wallSeconds: wall)
                    } else {
                        try sweep.run(task, agent, seed: seed, steps: 20, evaluations: [(10, 250)])
                    }
                }
            }
        }
        return sweep
    }

    static func report(_ sweep: SyntheticSweep) -> ExperimentReport {
        let (runs, skipped) = RunRecord.loadAll(under: [sweep.root.appendingPathComponent("runs")])
        #expect(skipped.isEmpty && runs.count == 18)
        return ExperimentReport(runs: runs)
    }

    @Test("The at-step table: mean ± std over the seeds that reached the step, n= where fewer, best per row in bold")
    func stepTable() throws {
        let sweep = try Self.sweep()
        defer { sweep.remove() }
        let lines = Self.report(sweep).stepTable(at: 20).split(separator: "\n").map(String.init)
        #expect(lines == [
            "| task | rfm | sac |",
            "|---|---|---|",
            "| pendulum | -200.0 ± 0.0 | **-100.0 ± 0.0** |",
            "| cheetah-run | **200.0 ± 81.6** | 50.0 ± 0.0 |",
            "| walker-walk | 500.0 ± 100.0 (n=2) | **800.0 ± 81.6** |",
            "| mean normalised score | 0.350 | **0.425** |",
        ])
        // At step 10 every seed has an evaluation: no n= marks; walker rfm is (200, 300, 250).
        #expect(Self.report(sweep).tasks == ["pendulum", "cheetah-run", "walker-walk"], "the registry's order")
        let step10 = Self.report(sweep).stepTable(at: 10)
        #expect(step10.contains("| walker-walk | 250.0 ± 40.8 | **400.0 ± 40.8** |"))
        #expect(!step10.contains("n="))
        // A step no run logged leaves every cell empty.
        #expect(Self.report(sweep).stepTable(at: 15).contains("| cheetah-run | — | — |"))
    }

    @Test("A cell of one seed shows its value alone, marked n=1, and can still be the row's best")
    func singleSeedCell() throws {
        let sweep = try SyntheticSweep("report-single")
        defer { sweep.remove() }
        for seed in 0 ..< 3 {
            try sweep.run("cheetah-run", "sac", seed: seed, steps: 20, evaluations: [(20, 100 * Double(seed + 1))], wallSeconds: 60)
        }
        try sweep.run("cheetah-run", "dqs", seed: 0, steps: 20, evaluations: [(20, 321)], wallSeconds: 60)
        let (runs, skipped) = RunRecord.loadAll(under: [sweep.root.appendingPathComponent("runs")])
        #expect(skipped.isEmpty && runs.count == 4)
        let table = ExperimentReport(runs: runs).stepTable(at: 20)
        #expect(table.contains("| cheetah-run | **321.0** (n=1) | 200.0 ± 81.6 |"), "\(table)")
        #expect(!table.contains("± 0.0"))
    }

    @Test("The normalised row averages return / 1000 over DeepMind Control tasks only, and says so")
    func normalisedRow() throws {
        #expect(ScoreNormaliser.maximum(for: "walker-run") == 1000)
        #expect(ScoreNormaliser.maximum(for: "pendulum") == nil)
        let sweep = try Self.sweep()
        defer { sweep.remove() }
        let report = Self.report(sweep)
        #expect(report.tableNote.contains("/ 1000") && report.tableNote.contains("Left out of it: pendulum"))
        // Only sac has a step-20 value on cheetah-run when rfm's are removed: 1 of 2 tasks, shown
        // but not bolded (an average over fewer tasks is not comparable; the complete case is bolded above).
        let partial = ExperimentReport(runs: report.runs.filter { !($0.task == "cheetah-run" && $0.label == "rfm") })
        #expect(partial.stepTable(at: 20).contains("| mean normalised score | 0.500 (1 of 2 tasks) | 0.425 |"))
        // Without any normalisable task there is no such row.
        let pendulum = ExperimentReport(runs: report.runs.filter { $0.task == "pendulum" })
        #expect(!pendulum.stepTable(at: 20).contains("normalised"))
    }

    @Test("The final table keeps n= in every cell; the wall-clock table averages finished runs per agent")
    func finalAndWallClock() throws {
        let sweep = try Self.sweep()
        defer { sweep.remove() }
        let report = Self.report(sweep)
        // walker-walk rfm seed 2's last evaluation is its step-10 one (250).
        #expect(report.finalTable.contains("| walker-walk | 416.7 ± 143.4 (n=3) | **800.0 ± 81.6** (n=3) |"))
        // rfm: 8 finished runs, (3 × 360 − 180) s / 8 = 112.5 s; sac: 9 runs of 60, 120, 180 s.
        #expect(report.wallClockTable.contains("| rfm | 8 | 20 | 1.9 ± 0.8 min | 0.2 h |"))
        #expect(report.wallClockTable.contains("| sac | 9 | 20 | 2.0 ± 0.8 min | 0.3 h |"))
    }

    @Test("The written report: at-step tables, small multiples with every task in both files, per-task curves")
    func written() throws {
        let sweep = try Self.sweep()
        defer { sweep.remove() }
        var report = Self.report(sweep)
        report.atSteps = [10, 20]
        let out = sweep.root.appendingPathComponent("report")
        try report.write(to: out)
        let md = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(md.contains("## Evaluation return at step 10 ") && md.contains("## Evaluation return at step 20 "))
        #expect(!md.contains("## Final evaluation return"))
        #expect(md.contains("## Wall-clock per run"))
        #expect(html.contains("<td><b>800.0 ± 81.6</b></td>"))
        let grid = try String(contentsOf: out.appendingPathComponent("figures/curves-all.svg"), encoding: .utf8)
        for task in report.tasks {
            #expect(grid.contains(">\(task)</text>"))
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("figures/curve-\(task).svg").path))
        }
        #expect(grid.contains(">rfm</text>") && grid.contains(">sac</text>"))
        #expect(md.contains("](figures/curves-all.svg)"))
        #expect(html.contains(report.smallMultiplesSVG()))
    }
}

@Suite("Experiment reports: policy clips")
struct ReportVideoTests {
    @Test("A run folder's video.gif is copied into figures/ for report.md and inlined in report.html; runs without one add nothing")
    func embedsVideo() throws {
        let sweep = try SyntheticSweep("report-video")
        defer { sweep.remove() }
        try sweep.run("cartpole-swingup", "rfm", seed: 0, steps: 20, evaluations: [(20, 500)])
        try sweep.run("cartpole-swingup", "rfm", seed: 1, steps: 20, evaluations: [(20, 600)])
        let gif = Data("GIF89a-not-really".utf8)
        try gif.write(to: sweep.root.appendingPathComponent("runs/cartpole-swingup/rfm/seed1/video.gif"))
        let (runs, _) = RunRecord.loadAll(under: [sweep.root.appendingPathComponent("runs")])
        #expect(runs.map { $0.video != nil } == [false, true])
        let out = sweep.root.appendingPathComponent("report")
        try ExperimentReport(runs: runs).write(to: out)
        let md = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(md.contains("## Final policies"))
        #expect(md.contains("![cartpole-swingup rfm seed 1](figures/video-cartpole-swingup-rfm-seed1.gif)"))
        #expect(!md.contains("seed0.gif"))
        #expect(try Data(contentsOf: out.appendingPathComponent("figures/video-cartpole-swingup-rfm-seed1.gif")) == gif)
        #expect(html.contains("src=\"data:image/gif;base64,\(gif.base64EncodedString())\""))
    }
}
