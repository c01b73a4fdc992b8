import ArgumentParser
import Experiments
import Foundation
import ReverseFlow
import TensorCore

struct Toy: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Toy problems with a fixed target and no critic learning.",
        subcommands: [TwoMoonsCommand.self]
    )
}

struct TwoMoonsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "two-moons",
        abstract: "Boltzmann sampling of the two-moons density: RFM (flow) vs QNE and iDEM (diffusion).",
        discussion: """
        Trains each method with the same updates, batch and posterior samples K, then draws samples and \
        compares them with exact target samples (sliced Wasserstein, MMD², Sinkhorn). Writes, per run, \
        samples.csv, metrics.json and samples.svg into OUT/METHOD-seedS/; with several runs also \
        OUT/comparison.svg and OUT/summary.md.
        """
    )

    @OptionGroup var compute: ComputeOptions
    @Option(help: "The method to train, or all.") var method = ToyMethod.all
    @Option(help: "Sampling steps (default: 20 for rfm, 100 for qne and idem).") var steps: Int?
    @Option(help: "Samples drawn after training and written to samples.csv.") var samples = 2000
    @Option(help: "Posterior samples K per training point (the same for every method).") var posteriorSamples = 100
    @Option(help: "Training updates.") var updates = 1000
    @Option(help: "On-policy endpoints per update.") var batch = 256
    @Option(help: "Adam learning rate.") var learningRate: Float = 1e-3
    @Option(help: "The flow's time margin t_min.") var tMin: Float = 0.01
    @Option(help: "Hidden width of the network.") var width = 128
    @Option(help: "Clip of the diffusions' clean-sample prediction (0 disables).") var clipDenoised: Float = 3
    @Option(help: "Box [-b, b]² onto which every method's posterior endpoint estimate is projected (0 disables).")
    var endpointBound: Float = 3
    @Option(help: "Seeds, comma separated (e.g. 0,1,2).") var seed = "0"
    @Option(help: "Output folder.") var out = "runs/two-moons"

    var seeds: [UInt64] { seed.split(separator: ",").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        guard !seeds.isEmpty, seeds.count == seed.split(separator: ",").count else {
            throw ValidationError("--seed must be a comma-separated list of non-negative integers; got '\(seed)'")
        }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        try requirePositive([("--samples", samples), ("--posterior-samples", posteriorSamples), ("--updates", updates), ("--batch", batch)])
        if samples < 2 { throw ValidationError("--samples must be at least 2 to compute MMD²") }
        if !(clipDenoised >= 0) { throw ValidationError("--clip-denoised must be 0 (off) or positive, got \(clipDenoised)") }
        if !(endpointBound >= 0) { throw ValidationError("--endpoint-bound must be 0 (off) or positive, got \(endpointBound)") }
    }

    func run() throws {
        compute.apply()
        let root = URL(fileURLWithPath: out)
        var runs: [(TwoMoonsExperiment.Result, Tensor)] = []
        for s in seeds {
            for m in method.methods {
                var settings = TwoMoonsExperiment.Settings(method: m, steps: steps)
                settings.updates = updates
                settings.batch = batch
                settings.posteriorSamples = posteriorSamples
                settings.evaluationSamples = samples
                settings.seed = s
                settings.learningRate = learningRate
                settings.tMin = tMin
                settings.width = width
                settings.clipDenoised = clipDenoised > 0 ? clipDenoised : nil
                settings.endpointBound = endpointBound > 0 ? endpointBound : nil
                let (result, drawn, _) = TwoMoonsExperiment.run(settings) { line in print(line) }
                let dir = root.appendingPathComponent("\(m.rawValue)-seed\(s)")
                try TwoMoonsReport.write(result, samples: drawn, to: dir)
                print(String(format: "%@ seed %d: SWD %.4f  MMD² %.5f  Sinkhorn %.4f  (%.1f s) → %@",
                             m.rawValue, s, result.slicedWasserstein, result.mmdSquared, result.sinkhorn, result.trainSeconds, dir.path))
                runs.append((result, drawn))
            }
        }
        if runs.count > 1 {
            let results = runs.map { $0.0 }
            try TwoMoonsReport.writeComparison(figure: runs.filter { $0.0.seed == seeds[0] }, results: results, to: root)
            print(TwoMoonsReport.summaryTable(results))
            print("comparison written to \(root.path)/comparison.svg and summary.md")
        }
    }
}
