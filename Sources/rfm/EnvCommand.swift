import ArgumentParser
import Environments
import Experiments
import Foundation
import ReverseFlow

/// `rfm env`: the environments this build provides.
struct Env: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List environments, or run random-action episodes to check one.",
        subcommands: [EnvList.self, EnvCheck.self]
    )
}

struct EnvList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Print the environment names `--env` accepts.")
    @Flag(help: "Print one JSON object with observation and action sizes.") var json = false

    func run() throws {
        struct Entry: Encodable { let name: String; let observation_size: Int; let action_size: Int; let episode_length: Int }
        var entries: [Entry] = []
        for name in EnvironmentRegistry.names {
            let env = try EnvironmentRegistry.make(name)
            let length = (env as? RescaledActions).flatMap { ($0.inner as? TimeLimit)?.limit } ?? 0
            entries.append(Entry(name: name, observation_size: env.observationSize, action_size: env.actionSize, episode_length: length))
        }
        if json {
            struct Report: Encodable { let environments: [Entry] }
            try printJSON(Report(environments: entries))
        } else {
            // Names as wide as the longest (Gymnasium's `InvertedDoublePendulum-v5` is 25 characters).
            let width = max(20, entries.map(\.name.count).max() ?? 0)
            print("name".padding(toLength: width, withPad: " ", startingAt: 0) + "  obs  act  steps")
            for e in entries {
                print(e.name.padding(toLength: width, withPad: " ", startingAt: 0)
                      + " " + String(format: "%4d %4d %6d", e.observation_size, e.action_size, e.episode_length))
            }
            print("gym:ENV_ID           any Gymnasium environment with a Box observation and a bounded Box action,")
            print("                     run in a Python worker (gym.python, gym.kwargs; docs/environments.md)")
        }
    }
}

struct EnvCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run random-action episodes: per-episode return and length, and steps per second."
    )
    @Option(help: "Environment (see `rfm env list`), or gym:ENV_ID.") var env = "cheetah-run"
    @Option(name: .customLong("set"), help: "A gym.* config key for gym: environments: --set gym.python=.venv/bin/python (repeatable).")
    var assignments: [String] = []
    @Option(help: "Episodes to run.") var episodes = 5
    @Option(help: "Seed of the first episode (episode i resets with seed + i).") var seed: UInt64 = 0
    @Flag(help: "Print one JSON object (returns, lengths, steps_per_second).") var json = false

    func validate() throws { try requirePositive([("--episodes", episodes)]) }

    func run() throws {
        let settings = GymSettings(try RunConfig.preset("cpu").overriding(assignments))
        let environment = try EnvironmentRegistry.make(env, settings: settings)
        let report = RandomRollouts.run(environment, episodes: episodes, seed: seed) { e in
            if !json, environment.fault == nil {
                print("episode seed \(e.seed): return \(String(format: "%.3f", e.episodeReturn)), length \(e.length)")
            }
        }
        if let fault = environment.fault { throw fault }
        if json {
            struct Output: Encodable {
                let env: String; let seed: UInt64; let returns: [Double]; let lengths: [Int]
                let steps: Int; let seconds: Double; let steps_per_second: Double
            }
            try printJSON(Output(env: env, seed: seed, returns: report.returns, lengths: report.episodes.map(\.length),
                                 steps: report.steps, seconds: report.seconds, steps_per_second: report.stepsPerSecond))
        } else {
            let (mean, std) = ExperimentReport.meanStd(report.returns)
            print("\(env): return \(String(format: "%.2f ± %.2f", mean, std)) over \(report.returns.count) episodes, "
                  + "\(String(format: "%.0f", report.stepsPerSecond)) steps/s")
        }
    }
}
