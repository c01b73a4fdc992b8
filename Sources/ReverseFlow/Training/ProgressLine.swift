import Foundation

/// Progress of a long run: on a terminal, one live line (steps/s, ETA, last evaluation) redrawn in
/// place; otherwise plain lines, one every tenth of the run, that logs and pipes can keep.
final class ProgressLine {
    let total: Int
    let startStep: Int
    let startTime = Stopwatch.now()
    let interactive = isatty(STDOUT_FILENO) != 0
    let report: (String) -> Void
    var lastDraw = 0.0
    var nextPlainStep: Int

    init(total: Int, start: Int, report: @escaping (String) -> Void) {
        self.total = total
        startStep = start
        self.report = report
        nextPlainStep = start + max(total / 10, 1)
    }

    var stepsPerSecond: Double = 0

    func tick(step: Int, lastEvaluation: Double?) {
        let now = Stopwatch.now()
        stepsPerSecond = Double(step - startStep) / max(now - startTime, 1e-9)
        let eta = Double(total - step) / max(stepsPerSecond, 1e-9)
        let eval = lastEvaluation.map { String(format: "  last eval %.1f", $0) } ?? ""
        let line = String(format: "step %d/%d  %.1f steps/s  ETA %@%@", step, total, stepsPerSecond, Self.duration(eta), eval)
        if interactive {
            if now - lastDraw > 0.25 || step == total {
                FileHandle.standardOutput.write(Data(("\r\u{1B}[2K" + line).utf8))
                lastDraw = now
            }
        } else if step >= nextPlainStep || step == total {
            report(line)
            nextPlainStep = step + max(total / 10, 1)
        }
    }

    /// A line that stays (an evaluation, a checkpoint).
    func event(_ line: String) {
        if interactive { FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8)) }
        report(line)
    }

    func finish() {
        if interactive { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds)
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
