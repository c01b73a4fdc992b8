import ArgumentParser
import ReverseFlow

/// `rfm`: Reverse Flow Matching for online reinforcement learning.
@main
struct RFM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rfm",
        abstract: "Reverse Flow Matching: online RL with flow and diffusion policies.",
        discussion: "Run `rfm help <command>` for a command's options.",
        version: ReverseFlowVersion.string,
        subcommands: [Toy.self, Bench.self]
    )
}
