import Foundation
import NeuralNet

extension Trainer {
    /// Evaluates the policy at `step`: `trainer.eval_episodes` deterministic episodes on the
    /// evaluation environment (their seeds depend only on the run's seed, so every evaluation of a
    /// run sees the same starts). Adds `eval/return` (mean) and `eval/return_std` (population
    /// std, ÷ n) to `row`, redraws `learning_curve.svg`, and records a clip when one is due.
    func evaluate(step: Int, total: Int, progress: ProgressLine, into row: inout [String: Double]) throws {
        let seed = UInt64(config.int("seed"))
        let returns = Evaluation.run(agent: agent, environment: evalEnv, episodes: config.int("trainer.eval_episodes"),
                                     runSeed: seed, device: device)
        try checkEnvironment(evalEnv)
        let mean = returns.reduce(0, +) / Double(returns.count)
        let std = (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count)).squareRoot()
        row["eval/return"] = mean
        row["eval/return_std"] = std
        row["time/elapsed"] = state.elapsedSeconds
        state.lastEvaluation = mean
        evaluations.append((step, mean, std))
        let curve = runDirectory.appendingPathComponent("learning_curve.svg")
        try writing(curve) {
            try AtomicFile.write(Data(LearningCurve.svg(evaluations, title: "\(config.string("agent")) on \(config.string("env")), seed \(seed)").utf8),
                                 to: curve)
        }
        progress.event(String(format: "step %d: eval return %.1f ± %.1f over %d episodes", step, mean, std, returns.count))
        if let video, video.isDue(step: step, total: total) { recordClip(step: step, runSeed: seed, progress: progress) }
    }

    /// Writes `video.gif` of one deterministic episode. A clip is an extra: a failure to write
    /// one is reported and training goes on.
    private func recordClip(step: Int, runSeed: UInt64, progress: ProgressLine) {
        guard let video else { return }
        do {
            let r = try video.record(agent: agent, runSeed: runSeed, device: device, into: runDirectory)
            progress.event(String(format: "step %d: video.gif written (return %.1f)", step, r))
        } catch {
            progress.event("step \(step): warning: no video.gif: \(error)")
        }
    }
}
