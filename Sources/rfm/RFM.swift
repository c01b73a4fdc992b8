import ArgumentParser
import CSupport
import ReverseFlow

/// `rfm`: Reverse Flow Matching for online reinforcement learning.
@main
struct RFM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rfm",
        abstract: "Reverse Flow Matching: online RL with flow and diffusion policies.",
        discussion: "Run `rfm help <command>` for a command's options.",
        version: ReverseFlowVersion.string,
        subcommands: [Train.self, Eval.self, Render.self, Env.self, Sweep.self, Report.self, Toy.self, Bench.self, Device.self]
    )

    /// Line-buffered output, so progress reaches a pipe or a log file as it happens.
    static func main() {
        rfm_line_buffer_stdout()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
