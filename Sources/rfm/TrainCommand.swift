import ArgumentParser
import Environments
import Experiments
import Foundation
import ReverseFlow

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an agent online and write a run folder.",
        discussion: """
        The configuration comes from a preset (--preset, default cpu) or a YAML file (--config), then \
        --env/--agent/--steps/--seed and any --set key=value overrides. The run folder (--out) receives \
        config.yaml, metrics.csv, metrics.jsonl, learning_curve.svg, checkpoints/latest.safetensors and \
        summary.json. A run stopped at any moment continues with `rfm train --resume RUN_DIR`.
        """
    )

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var placement: DeviceOptions
    @Option(help: "Built-in preset (default cpu).") var preset: RunConfig.Preset?
    @Option(help: "YAML config file (may start with `inherit: PRESET`).") var config: String?
    @Option(help: "Environment (shorthand for --set env=…): a name from `rfm env list`, or gym:ENV_ID for any Gymnasium environment.") var env: String?
    @Option(help: "Agent (shorthand for --set agent=…).") var agent: AgentName?
    @Option(help: "Environment steps (shorthand for --set trainer.steps=…).") var steps: Int?
    @Option(help: "Seed (shorthand for --set seed=…).") var seed: Int?
    @Option(name: .customLong("set"), help: "Override a config key: --set rfm.temperature=0.05 (repeatable).")
    var assignments: [String] = []
    @Option(help: "Run folder (default runs/AGENT-ENV-seedS).") var out: String?
    @Option(help: "Continue the run in this folder from its last checkpoint.") var resume: String?
    @Flag(help: "Start over in an --out folder whose earlier run never wrote a checkpoint (rfm sweep does this for a cell killed early); a folder with a checkpoint is never replaced.")
    var replaceUnstarted = false

    func validate() throws {
        if resume != nil, preset != nil || config != nil || env != nil || agent != nil || steps != nil || seed != nil
            || !assignments.isEmpty || out != nil || replaceUnstarted {
            throw ValidationError("--resume takes the run's own config; it cannot be combined with config options or --out")
        }
        if preset != nil, config != nil { throw ValidationError("give either --preset or --config, not both") }
    }

    /// The configuration from the options (validated before any work starts).
    func resolvedConfig() throws -> RunConfig {
        var base = try config.map { try RunConfig.file($0) } ?? RunConfig.preset((preset ?? .cpu).rawValue)
        var sets: [String] = []
        if let env { sets.append("env=\(env)") }
        if let agent { sets.append("agent=\(agent.rawValue)") }
        if let steps { sets.append("trainer.steps=\(steps)") }
        if let seed { sets.append("seed=\(seed)") }
        base = try base.overriding(sets + assignments)
        guard EnvironmentRegistry.accepts(base.string("env")) else {
            throw ConfigError("unknown environment '\(base.string("env"))'; available: \(EnvironmentRegistry.names.joined(separator: ", ")), gym:ENV_ID")
        }
        return base
    }

    func run() throws {
        compute.apply()
        if placement.device == .cudaHostOnly {
            throw ConfigError("--device cuda-host-only skips every kernel: it is for the benchmarks, not for training")
        }
        let trainer: Trainer
        if let resume {
            let dir = URL(fileURLWithPath: resume)
            let cfg = try RunConfig.savedRun(dir.appendingPathComponent("config.yaml").path)
            trainer = try Trainer(config: cfg, runDirectory: dir, resume: true, device: try placement.open())
            print("resuming \(dir.path) from its last checkpoint")
        } else {
            let cfg = try resolvedConfig()
            // A gym: id may hold a slash (gym:package/Name-v0); the default folder stays one level.
            let envName = cfg.string("env").replacingOccurrences(of: "/", with: "_")
            let dir = URL(fileURLWithPath: out ?? "runs/\(cfg.string("agent"))-\(envName)-seed\(cfg.int("seed"))")
            trainer = try Trainer(config: cfg, runDirectory: dir, resume: false, device: try placement.open(),
                                  replacingUnstarted: replaceUnstarted)
            let place = trainer.device.map { "on \($0.name)" } ?? "\(compute.threads) thread(s)"
            print("training \(cfg.string("agent")) on \(cfg.string("env")) for \(cfg.int("trainer.steps")) steps, seed \(cfg.int("seed")), \(place) → \(dir.path)")
        }
        StopSignal.install()
        trainer.stopRequested = { StopSignal.received }
        let final: Double?
        do {
            final = try trainer.run()
        } catch let stopped as TrainingStopped {
            print(stopped.description)
            Foundation.exit(stopped.exitCode)
        }
        if let final { print(String(format: "done: final evaluation return %.1f; run folder %@", final, trainer.runDirectory.path)) }
    }
}

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a run's saved policy (its last checkpoint) over fresh episodes."
    )

    @OptionGroup var compute: ComputeOptions
    @Argument(help: "Run folder (holding config.yaml and checkpoints/).") var runFolder: String
    @Option(help: "Evaluation episodes.") var episodes = 20
    @Option(help: "Seed of the evaluation starts (0 or more).") var seed = 12345
    @Flag(help: "Print one JSON object (returns, mean, std).") var json = false
    @Flag(help: "Act with the training rule (sampled actions) instead of the evaluation rule, to see what the evaluation rule itself gains or loses.")
    var stochastic = false
    @Option(help: "Evaluate on this environment instead of the run's own (same observation and action sizes), e.g. dm_control's own task through gym: (shorthand for --set env=…).")
    var env: String?
    @Option(name: .customLong("set"), help: "Override a key of the run's config for this evaluation: the environment's keys (gym.python, gym.kwargs.NAME=…) or how the agent acts (rfm.particles_eval=16) (repeatable).")
    var assignments: [String] = []

    func validate() throws {
        guard episodes >= 1 else { throw ValidationError("--episodes must be at least 1") }
        guard seed >= 0 else { throw ValidationError("--seed must be 0 or more, got \(seed)") }
        if let env, !EnvironmentRegistry.accepts(env) {
            throw ValidationError("unknown environment '\(env)'; available: \(EnvironmentRegistry.names.joined(separator: ", ")), gym:ENV_ID")
        }
    }

    /// Reads the run's config.yaml and checkpoint only: it never writes into the run folder, so
    /// it is safe on a run still training and on a read-only copy.
    func run() throws {
        compute.apply()
        let overrides = (env.map { ["env=\($0)"] } ?? []) + assignments
        let (cfg, agent) = try SavedAgent.load(runDirectory: URL(fileURLWithPath: runFolder), overrides: overrides)
        let env = try EnvironmentRegistry.make(config: cfg)
        let returns = Evaluation.run(agent: agent, environment: env, episodes: episodes, runSeed: UInt64(seed), stochastic: stochastic)
        if let fault = env.fault { throw fault }
        let (mean, std) = ExperimentReport.meanStd(returns)
        if json {
            struct Report: Encodable { let returns: [Double]; let mean: Double; let std: Double; let episodes: Int; let rule: String }
            try printJSON(Report(returns: returns, mean: mean, std: std, episodes: episodes, rule: stochastic ? "training" : "evaluation"))
        } else {
            print(String(format: "%@ on %@: return %.1f ± %.1f over %d episodes (%@ rule)", cfg.string("agent"), cfg.string("env"),
                         mean, std, episodes, stochastic ? "training" : "evaluation"))
        }
    }
}
