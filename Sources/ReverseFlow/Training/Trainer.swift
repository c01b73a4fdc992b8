import Foundation
import NeuralNet
import TensorCore

/// Training stopped because a loss or a parameter stopped being finite.
public struct DivergenceError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The online training loop: warm-up with uniform random actions, then act / store / update every
/// step; evaluations, metric rows and atomic checkpoints at their intervals; exact resume.
///
/// The run folder holds `config.yaml` (resolved), `metrics.csv`, `metrics.jsonl`,
/// `learning_curve.svg`, `checkpoints/latest.safetensors`, `tb/` (TensorBoard event files, unless
/// `trainer.tensorboard` is false) and, at the end, `summary.json`.
///
/// With a `device` (a GPU), the agent's parameters, optimiser state and the replay buffer live
/// there and every update runs there; the environment stays on the host, so an observation goes
/// up and an action comes back at each step, and a transition goes up when it is stored.
public final class Trainer {
    public let config: RunConfig
    public let runDirectory: URL
    public let agent: Agent
    public let replay: ReplayBuffer
    /// Where the agent and the replay buffer live; nil for the host.
    public let device: ComputeDevice?
    let env: Environment
    let evalEnv: Environment
    let log: MetricsLog
    /// The metric rows again as TensorBoard events (`trainer.tensorboard`).
    let tensorboard: TensorBoardLog?
    /// `trainer.video_interval`'s clips; nil when off.
    let video: TrainingVideo?
    var state: TrainerState
    var actRNG: RandomStream, updateRNG: RandomStream, replayRNG: RandomStream, warmupRNG: RandomStream
    var evaluations: [(step: Int, mean: Double, std: Double)] = []
    /// Receives one line per event (progress, evaluation, checkpoint).
    public var report: (String) -> Void = { print($0) }
    /// Stops the run after this many environment steps of this invocation (tests of resume).
    public var stopAfterSteps: Int?
    /// Asked after every step: a signal number stops the run cleanly (checkpoint, then
    /// ``TrainingStopped``). `rfm train` answers with ``StopSignal/received``.
    public var stopRequested: () -> Int32? = { nil }
    /// The exclusive lock on `runDirectory`: taken when the trainer is made, held until
    /// ``run()`` returns (by finishing, stopping or failing), taken again by a later ``run()``.
    var lock: RunLock?

    static let streamNames = ["act", "update", "replay", "warmup"]

    /// Sets up a new run in `runDirectory` (which must not hold one already) or, with `resume`,
    /// continues the run there from its last checkpoint.
    ///
    /// The folder is locked (``RunLock``) before anything in it is read or written, so a second
    /// trainer on the same folder is refused from the folder's first byte. `replacingUnstarted`
    /// lets a new run replace a run that never wrote a checkpoint (a sweep restarting a cell that
    /// was killed early); nothing resumable is lost then.
    public init(config: RunConfig, runDirectory: URL, resume: Bool, device: ComputeDevice? = nil,
                replacingUnstarted: Bool = false) throws {
        self.config = config
        self.runDirectory = runDirectory
        self.device = device
        if let device {
            try Self.requireDeviceSupport(config, device)
        }
        env = try EnvironmentRegistry.make(config: config)
        evalEnv = try EnvironmentRegistry.make(config: config)
        video = try TrainingVideo(config: config)
        try MemoryBudget(config: config, observationSize: env.observationSize, actionSize: env.actionSize).check()
        lock = try Self.prepareFolder(runDirectory, config: config, resume: resume, replacingUnstarted: replacingUnstarted)
        let seed = UInt64(config.int("seed"))
        let root = RandomStream(seed: seed)
        var initRNG = root.split(1)
        let (observationSize, actionSize) = (env.observationSize, env.actionSize)
        agent = Devices.using(device) {
            AgentFactory.make(config, observationSize: observationSize, actionSize: actionSize, rng: &initRNG)
        }
        replay = Devices.using(device) {
            ReplayBuffer(capacity: config.int("trainer.replay_size"), observationSize: observationSize, actionSize: actionSize)
        }
        actRNG = root.split(2); updateRNG = root.split(3); replayRNG = root.split(4); warmupRNG = root.split(5)
        let fm = FileManager.default
        let checkpoint = Checkpoint.url(in: runDirectory)
        if resume {
            state = try Checkpoint.load(from: checkpoint, agent: agent, replay: replay)
            lastCheckpointStep = state.step
            try env.restoreState(state.environment)
            actRNG = try RandomStream(saved: state.streams["act"])
            updateRNG = try RandomStream(saved: state.streams["update"])
            replayRNG = try RandomStream(saved: state.streams["replay"])
            warmupRNG = try RandomStream(saved: state.streams["warmup"])
            log = try MetricsLog(directory: runDirectory, columns: Self.columns(agent: config.string("agent")),
                                 truncateTo: (state.metricsOffsets[0], state.metricsOffsets[1]))
            evaluations = try MetricsLog.readRows(log.jsonlURL).compactMap { row in
                guard let s = row["step"], let m = row["eval/return"] else { return nil }
                return (Int(s), m, row["eval/return_std"] ?? 0)
            }
            if state.environment.isEmpty {
                // The environment cannot save its state (Python): continue with a new episode.
                state.episode += 1
                state.episodeReturn = 0
                state.observation = env.reset(seed: Self.episodeSeed(seed, state.episode))
            }
        } else {
            try fm.createDirectory(at: checkpoint.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(Data(config.yaml.utf8), to: runDirectory.appendingPathComponent("config.yaml"))
            log = try MetricsLog(directory: runDirectory, columns: Self.columns(agent: config.string("agent")))
            state = TrainerState()
            state.observation = env.reset(seed: Self.episodeSeed(seed, 0))
        }
        let tb = TensorBoardLog.directory(in: runDirectory)
        do {
            if config.bool("trainer.tensorboard") {
                tensorboard = try TensorBoardLog(runDirectory: runDirectory, resumingAt: resume ? state.step : nil)
            } else {
                // Switched off on resume: the files written so far still lose the rows after the checkpoint.
                if resume, fm.fileExists(atPath: tb.path) { try TensorBoardLog.cutBack(tb, toStep: state.step) }
                tensorboard = nil
            }
        } catch {
            throw FileWriteError(path: tb.path, error)
        }
        // A reset above may have failed in a Python worker (gym:): stop before any step.
        try checkEnvironment(env)
    }

    /// CSV columns: the trainer's keys then the agent's.
    static func columns(agent: String) -> [String] {
        let common = ["step", "time/elapsed", "time/sps", "train/episode_return", "eval/return", "eval/return_std",
                      "critic/loss", "critic/grad_norm", "critic/target_mean", "actor/loss", "actor/grad_norm"]
        let specific: [String]
        switch agent {
        case "sac": specific = ["actor/entropy", "agent/alpha"]
        case "qsm": specific = ["actor/target_rms", "agent/temperature"]
        case "dqs": specific = ["estimator/ess", "estimator/q_mean", "estimator/q_std", "agent/temperature"]
        case "maxentdp": specific = ["estimator/ess", "estimator/q_mean", "actor/log_prob", "agent/temperature"]
        case "qvpo": specific = ["actor/weight_mean", "agent/running_q_mean", "agent/running_q_std"]
        default: specific = ["estimator/ess", "estimator/coefficient", "estimator/q_mean", "estimator/q_std", "agent/temperature"]
        }
        return common + specific
    }

    /// The agents whose every kernel has a device implementation so far: RFM (flow or diffusion
    /// policy) and every baseline.
    public static func requireDeviceSupport(_ config: RunConfig, _ device: ComputeDevice) throws {
        let agent = config.string("agent")
        guard ["rfm", "sac", "qsm", "dqs", "qvpo", "maxentdp"].contains(agent) else {
            throw ConfigError("\(device.name): agent \(agent) has no device implementation; train it on the CPU")
        }
    }

    static func episodeSeed(_ runSeed: UInt64, _ episode: Int) -> UInt64 { splitMix64(runSeed &* 0x1_0000_0001 &+ UInt64(episode)) }

    /// Runs to `trainer.steps` (or `stopAfterSteps`); returns the final evaluation's mean return.
    @discardableResult
    public func run() throws -> Double? {
        lock = try lock ?? RunLock(runDirectory)
        defer { lock = nil }
        let total = config.int("trainer.steps"), warmup = config.int("trainer.warmup")
        let seed = UInt64(config.int("seed"))
        let batch = Devices.using(device) {
            ReplayBuffer.Batch(size: config.int("trainer.batch_size"), observationSize: env.observationSize, actionSize: env.actionSize)
        }
        let obs = Tensor(rows: 1, cols: env.observationSize, on: device)
        let progress = ProgressLine(total: total, start: state.step, report: report)
        let startTime = Stopwatch.now() - state.elapsedSeconds
        var lastMetrics: Metrics = [:]
        var stepsThisRun = 0
        while state.step < total {
            if let limit = stopAfterSteps, stepsThisRun >= limit { return nil }
            let t = state.step
            // Act.
            var action: [Float]
            if t < warmup {
                action = (0..<env.actionSize).map { _ in warmupRNG.uniform() * 2 - 1 }
            } else {
                obs.setRow(0, state.observation)
                action = Devices.using(device) { agent.act(observations: obs, deterministic: false, rng: &actRNG).toArray() }
            }
            let r = env.step(action)
            try checkEnvironment(env)
            replay.add(observation: state.observation, action: action, reward: Float(r.reward),
                       terminated: r.terminated, nextObservation: r.observation)
            state.episodeReturn += r.reward
            state.observation = r.observation
            if r.terminated || r.truncated {
                state.recentReturns = Array((state.recentReturns + [state.episodeReturn]).suffix(10))
                state.episode += 1
                state.episodeReturn = 0
                state.observation = env.reset(seed: Self.episodeSeed(seed, state.episode))
            }
            // Learn.
            if t >= warmup {
                for _ in 0..<config.int("trainer.updates_per_step") {
                    lastMetrics = Devices.using(device) {
                        replay.sample(into: batch, rng: &replayRNG)
                        return agent.update(batch: batch, rng: &updateRNG)
                    }
                    if let bad = lastMetrics.first(where: { !$0.value.isFinite }) {
                        throw DivergenceError(message: "training diverged at step \(t + 1): \(bad.key) is \(bad.value); "
                            + "the last good checkpoint (step \(lastCheckpointStep)) is kept in \(Checkpoint.url(in: runDirectory).path)")
                    }
                }
            }
            state.step += 1
            stepsThisRun += 1
            let step = state.step
            state.elapsedSeconds = Stopwatch.now() - startTime
            var row: [String: Double] = [:]
            if step % config.int("trainer.log_interval") == 0 {
                row = lastMetrics
                row["time/elapsed"] = state.elapsedSeconds
                row["time/sps"] = progress.stepsPerSecond
                if let last = state.recentReturns.last { row["train/episode_return"] = last }
            }
            if step % config.int("trainer.eval_interval") == 0 || step == total {
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
                if let video, video.isDue(step: step, total: total) {
                    // A clip is an extra: a failure to write one is reported and training goes on.
                    do {
                        let r = try video.record(agent: agent, runSeed: seed, device: device, into: runDirectory)
                        progress.event(String(format: "step %d: video.gif written (return %.1f)", step, r))
                    } catch {
                        progress.event("step \(step): warning: no video.gif: \(error)")
                    }
                }
            }
            if !row.isEmpty {
                try writing(log.csvURL) { try log.append(step: step, row) }
                if let tensorboard { try writing(tensorboard.fileURL) { try tensorboard.append(step: step, row) } }
            }
            progress.tick(step: step, lastEvaluation: state.lastEvaluation)
            if step % config.int("trainer.checkpoint_interval") == 0 || step == total { try saveCheckpoint() }
            if let signal = stopRequested() {
                if lastCheckpointStep != step { try saveCheckpoint() }
                progress.finish()
                throw TrainingStopped(signal: signal, step: step, runDirectory: runDirectory)
            }
        }
        progress.finish()
        try writeSummary()
        return state.lastEvaluation
    }

    private(set) var lastCheckpointStep = 0

    func saveCheckpoint() throws {
        for t in agent.stateTensors.tensors where !Kernels.allFinite(t) {
            throw DivergenceError(message: "training diverged before step \(state.step): a parameter is not finite; "
                + "the last good checkpoint (step \(lastCheckpointStep)) is kept in \(Checkpoint.url(in: runDirectory).path)")
        }
        try writing(log.csvURL) { try log.flush() }
        let offsets = try log.offsets()
        state.metricsOffsets = [offsets.jsonl, offsets.csv]
        state.environment = env.saveState()
        state.agentScalars = agent.stateScalars
        state.replayCount = replay.count
        state.replayPosition = replay.position
        state.streams = ["act": actRNG.saved, "update": updateRNG.saved, "replay": replayRNG.saved, "warmup": warmupRNG.saved]
        try writing(Checkpoint.url(in: runDirectory)) {
            try Checkpoint.save(agent: agent, replay: replay, state: state, configYAML: config.yaml, to: Checkpoint.url(in: runDirectory))
        }
        lastCheckpointStep = state.step
    }

    /// Runs a write of the run's files; a failure (a full disk, a read-only folder) becomes a
    /// ``RunWriteError`` naming the file, the step and the checkpoint that is kept.
    func writing(_ file: URL, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as FileWriteError {
            throw RunWriteError(step: state.step, path: error.path, reason: error.reason,
                                keptCheckpointStep: lastCheckpointStep, checkpoint: Checkpoint.url(in: runDirectory).path)
        } catch let error as DivergenceError {
            throw error
        } catch {
            throw RunWriteError(step: state.step, path: file.path, reason: FileWriteError(path: file.path, error).reason,
                                keptCheckpointStep: lastCheckpointStep, checkpoint: Checkpoint.url(in: runDirectory).path)
        }
    }

    func writeSummary() throws {
        var summary: [String: Any] = ["steps": state.step, "episodes": state.episode, "wall_seconds": state.elapsedSeconds,
                                      "agent": config.string("agent"), "env": config.string("env"), "seed": config.int("seed")]
        if let e = evaluations.last { summary["final_eval_return"] = e.mean; summary["final_eval_return_std"] = e.std }
        let data = try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys])
        let url = runDirectory.appendingPathComponent("summary.json")
        try writing(url) { try AtomicFile.write(data, to: url) }
    }
}
