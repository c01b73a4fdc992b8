import Foundation
import NeuralNet

extension Trainer {
    /// CSV columns: the trainer's and the critic's keys, then the agent's (``AgentEntry/metricKeys``).
    static func columns(_ agent: AgentEntry) -> [String] {
        let common = ["step", "time/elapsed", "time/sps", "train/episode_return", "eval/return", "eval/return_std",
                      "critic/loss", "critic/grad_norm", "critic/target_mean", "actor/loss", "actor/grad_norm"]
        return common + agent.metricKeys
    }

    /// The metric row of a `trainer.log_interval` step: the last update's metrics, the time and
    /// speed, and the last finished episode's return (absent before the first episode ends).
    func logRow(lastMetrics: Metrics, progress: ProgressLine) -> [String: Double] {
        var row = lastMetrics
        row["time/elapsed"] = state.elapsedSeconds
        row["time/sps"] = progress.stepsPerSecond
        if let last = state.recentReturns.last { row["train/episode_return"] = last }
        return row
    }

    /// Appends `row` (if not empty) to `metrics.csv` / `metrics.jsonl` and, when on, to the
    /// TensorBoard events; a failed write becomes a ``RunWriteError``.
    func write(_ row: [String: Double], step: Int) throws {
        guard !row.isEmpty else { return }
        try writing(log.csvURL) { try log.append(step: step, row) }
        if let tensorboard { try writing(tensorboard.fileURL) { try tensorboard.append(step: step, row) } }
    }

    /// `summary.json` at the end of a run: steps, episodes, wall time, and the final evaluation.
    func writeSummary() throws {
        var summary: [String: Any] = ["steps": state.step, "episodes": state.episode, "wall_seconds": state.elapsedSeconds,
                                      "agent": config.string("agent"), "env": config.string("env"), "seed": config.int("seed")]
        if let e = evaluations.last { summary["final_eval_return"] = e.mean; summary["final_eval_return_std"] = e.std }
        let data = try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys])
        let url = runDirectory.appendingPathComponent("summary.json")
        try writing(url) { try AtomicFile.write(data, to: url) }
    }
}
