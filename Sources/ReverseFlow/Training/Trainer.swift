import Environments
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
    /// The training streams (act, update, replay, warmup), saved in every checkpoint.
    var streams: TrainerStreams
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
    /// The step of the last checkpoint written (0: none yet), named by every error that stops a run.
    var lastCheckpointStep = 0

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
        var initRNG = root.split(TrainerStream.initialisationSplit)
        let (observationSize, actionSize) = (env.observationSize, env.actionSize)
        agent = Devices.using(device) {
            AgentRegistry.make(config, observationSize: observationSize, actionSize: actionSize, rng: &initRNG)
        }
        replay = Devices.using(device) {
            ReplayBuffer(capacity: config.int("trainer.replay_size"), observationSize: observationSize, actionSize: actionSize)
        }
        streams = TrainerStreams(root: root)
        let fm = FileManager.default
        let checkpoint = Checkpoint.url(in: runDirectory)
        if resume {
            state = try Checkpoint.load(from: checkpoint, agent: agent, replay: replay) { metadata in
                try Self.checkResumable(config, savedYAML: metadata["config"], checkpoint: checkpoint)
            }
            lastCheckpointStep = state.step
            try env.restoreState(state.environment)
            streams = try TrainerStreams(saved: state.streams)
            log = try MetricsLog(directory: runDirectory, columns: Self.columns(AgentRegistry.entry(for: config)),
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
            log = try MetricsLog(directory: runDirectory, columns: Self.columns(AgentRegistry.entry(for: config)))
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

    /// Refuses an agent without a device implementation (``AgentEntry/runsOnDevices``).
    public static func requireDeviceSupport(_ config: RunConfig, _ device: ComputeDevice) throws {
        guard AgentRegistry.entry(for: config).runsOnDevices else {
            throw ConfigError("\(device.name): agent \(config.string("agent")) has no device implementation; train it on the CPU")
        }
    }

    static func episodeSeed(_ runSeed: UInt64, _ episode: Int) -> UInt64 { splitMix64(runSeed &* 0x1_0000_0001 &+ UInt64(episode)) }

    /// Runs to `trainer.steps` (or `stopAfterSteps`); returns the final evaluation's mean return.
    ///
    /// Each step is the paper's Algorithm 1: act (uniformly at random during `trainer.warmup`),
    /// store the transition, then `trainer.updates_per_step` updates; then, at their intervals,
    /// a metric row, an evaluation and a checkpoint, and the stop-signal check. The run folder's
    /// lock is held until this returns, however it returns.
    @discardableResult
    public func run() throws -> Double? {
        lock = try lock ?? RunLock(runDirectory)
        defer { lock = nil }
        let total = config.int("trainer.steps"), warmup = config.int("trainer.warmup")
        let batch = Devices.using(device) {
            ReplayBuffer.Batch(size: config.int("trainer.batch_size"), observationSize: env.observationSize, actionSize: env.actionSize)
        }
        let observation = Tensor(rows: 1, cols: env.observationSize, on: device)
        let progress = ProgressLine(total: total, start: state.step, report: report)
        let startTime = Stopwatch.now() - state.elapsedSeconds
        var lastMetrics: Metrics = [:]
        var stepsThisRun = 0
        while state.step < total {
            if let limit = stopAfterSteps, stepsThisRun >= limit { return nil }
            let t = state.step
            try stepAndStore(t < warmup ? warmupAction() : policyAction(observation))
            if t >= warmup { try update(batch, step: t, metrics: &lastMetrics) }
            state.step += 1
            stepsThisRun += 1
            let step = state.step
            state.elapsedSeconds = Stopwatch.now() - startTime
            var row = step % config.int("trainer.log_interval") == 0 ? logRow(lastMetrics: lastMetrics, progress: progress) : [:]
            if step % config.int("trainer.eval_interval") == 0 || step == total {
                try evaluate(step: step, total: total, progress: progress, into: &row)
            }
            try write(row, step: step)
            progress.tick(step: step, lastEvaluation: state.lastEvaluation)
            if step % config.int("trainer.checkpoint_interval") == 0 || step == total { try saveCheckpoint() }
            try stopIfRequested(step: step, progress: progress)
        }
        progress.finish()
        try writeSummary()
        return state.lastEvaluation
    }
}
