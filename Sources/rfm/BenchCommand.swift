import ArgumentParser
import CUDA
import Experiments
import Foundation
import ReverseFlow
import TensorCore

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the speed of the kernels and updates.",
        subcommands: [GemmBench.self, CriticUpdateBench.self, UpdateBench.self, ActBench.self]
    )
}

/// Prints `value` as one line of JSON with sorted keys.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

struct GemmBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "GFLOP/s of sgemm on the product shapes the agents use (a preset's sizes; paper by default)."
    )

    @OptionGroup var compute: ComputeOptions
    @Option(help: "Preset whose batch, widths, particles and posterior samples set the shapes.") var preset = RunConfig.Preset.paper
    @Option(help: "State dimension.") var stateDim = 17
    @Option(help: "Action dimension.") var actionDim = 6
    @Option(help: "Batch size (default: the preset's).") var batch: Int?
    @Option(help: "Hidden width of the critic and the velocity net (default: the preset's).") var hidden: Int?
    @Option(help: "Where the products run: cpu (oneDNN, or OpenBLAS with RFM_GEMM=openblas) or cuda (cuBLAS, FP32 and TF32).") var device = ProductPlacement.cpu
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func validate() throws {
        try requirePositive([("--state-dim", stateDim), ("--action-dim", actionDim), ("--batch", batch ?? 1), ("--hidden", hidden ?? 1)])
    }

    func run() throws {
        compute.apply()
        let c = try RunConfig.preset(preset.rawValue)
        let shapes = GemmBenchmark.agentShapes(state: stateDim, action: actionDim, batch: batch ?? c.int("trainer.batch_size"),
                                               hidden: hidden ?? c.int("critic.hidden"), actorHidden: hidden ?? c.int("actor.hidden"),
                                               particles: c.int("rfm.particles_train"),
                                               posteriorSamples: c.int("rfm.posterior_samples"))
        if device == .cuda { return try runOnGPU(shapes) }
        let results = GemmBenchmark.run(shapes)
        if json {
            struct Report: Encodable { let threads: Int; let blas_core: String; let results: [GemmBenchmark.Result] }
            try printJSON(Report(threads: compute.threads, blas_core: BLAS.coreName, results: results))
            return
        }
        print("sgemm, \(compute.threads) thread(s), \(BLAS.coreName)")
        print("GFLOP/s of the library's own threading (library) and of the kernel layer's split product (kernels)")
        print("     m      n      k  op     time (µs)   library   kernels  use")
        for r in results {
            let s = r.shape
            let op = (s.transA ? "T" : "N") + (s.transB ? "T" : "N")
            print(String(format: "%6d %6d %6d  %@  %12.1f  %8.1f  %8.1f  %@", s.m, s.n, s.k, op, r.microseconds,
                         r.libraryGflops, r.kernelGflops, s.use))
        }
    }
}

struct CriticUpdateBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "critic-update",
        abstract: "Milliseconds per twin-critic update (target forward, both critics' forward/backward, clip, Adam, Polyak)."
    )

    @OptionGroup var compute: ComputeOptions
    @Option(help: "State dimension.") var stateDim = 17
    @Option(help: "Action dimension.") var actionDim = 6
    @Option(help: "Batch size.") var batch = 256
    @Option(help: "Hidden width (two ReLU layers).") var hidden = 256
    @Option(help: "Timed updates (median reported).") var iterations = 300
    @Flag(help: "Print one JSON object (keys update_ms, gflops_effective, sgemm_gflops, …).") var json = false

    func validate() throws {
        try requirePositive([("--state-dim", stateDim), ("--action-dim", actionDim), ("--batch", batch),
                          ("--hidden", hidden), ("--iterations", iterations)])
    }

    func run() throws {
        compute.apply()
        var o = CriticUpdateBenchmark.Options()
        o.stateDim = stateDim
        o.actionDim = actionDim
        o.batch = batch
        o.hidden = [hidden, hidden]
        o.iterations = iterations
        let r = CriticUpdateBenchmark.run(o, threads: compute.threads)
        if json { return try printJSON(r) }
        print("twin-critic update: batch \(r.batch), input \(r.stateDim)+\(r.actionDim), hidden \(r.hidden), \(r.threads) thread(s)")
        print(String(format: "  %.3f ms per update (median of %d)", r.updateMs, iterations))
        print(String(format: "  %.3f GFLOP per update, %.1f GFLOP/s effective", r.gflopPerUpdate, r.gflopsEffective))
        print(String(format: "  sgemm %d×%d×%d alone: %.1f GFLOP/s (%@)", r.batch, hidden, hidden, r.sgemmGflops, r.blasCore))
    }
}

/// The agent a benchmark builds (preset, agent, sizes, overrides) and where it runs.
struct BenchAgentOptions: ParsableArguments {
    @OptionGroup var placement: DeviceOptions
    @Option(help: "Preset.") var preset = RunConfig.Preset.paper
    @Option(help: "Agent.") var agent = AgentName.rfm
    @Option(help: "State dimension (17: cheetah-run).") var stateDim = 17
    @Option(help: "Action dimension (6: cheetah-run).") var actionDim = 6
    @Option(name: .customLong("set"), help: "Override a config key (repeatable).") var assignments: [String] = []

    func validate() throws {
        try requirePositive([("--state-dim", stateDim), ("--action-dim", actionDim)])
    }

    /// The configuration, and the device (nil: the CPU) after checking that it runs this agent.
    func resolve() throws -> (RunConfig, ComputeDevice?) {
        let config = try RunConfig.preset(preset.rawValue).overriding(["agent=\(agent.rawValue)"] + assignments)
        let device = try placement.open()
        if let device { try Trainer.requireDeviceSupport(config, device) }
        return (config, device)
    }
}

struct UpdateBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Milliseconds per full agent update and per action, with FLOPs and a per-phase breakdown."
    )

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var subject: BenchAgentOptions
    @Option(help: "Timed updates (median reported).") var iterations = 5
    @Flag(help: "Print one JSON object (update_ms, act_ms, gflop_per_update, gflops_effective, sgemm_gflops, phases_ms, …).")
    var json = false

    func validate() throws {
        try requirePositive([("--iterations", iterations)])
    }

    func run() throws {
        compute.apply()
        let (config, device) = try subject.resolve()
        let r = UpdateBenchmark.run(config: config, stateDim: subject.stateDim, actionDim: subject.actionDim, iterations: iterations,
                                    threads: compute.threads, device: device) { if !json { print($0) } }
        if json { return try printJSON(r) }
        print("\(r.agent), preset \(subject.preset.rawValue), state \(r.stateDim), action \(r.actionDim), on \(r.device == "cpu" ? "the CPU, \(r.threads) thread(s)" : r.device)")
        print(String(format: "  %.1f ms per update (median of %d), %.2f ms per action", r.updateMs, r.iterations, r.actMs))
        print(String(format: "  %.2f GFLOP per update, %.1f GFLOP/s effective; sgemm on the dominant product %.1f GFLOP/s",
                     r.gflopPerUpdate, r.gflopsEffective, r.sgemmGflops))
        if let k = r.deviceKernelsPerUpdate, let w = r.deviceWaitsPerUpdate, let t = r.deviceTransfersPerUpdate {
            print("  per update on the device: \(k) kernels, \(w) waits for the host, \(t) host–device copies, "
                  + "\(r.deviceAllocationsPerUpdate ?? 0) allocations")
        }
        for (phase, ms) in r.phasesMs.sorted(by: { $0.value > $1.value }) {
            print("  " + phase.padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: "%8.1f ms", ms))
        }
    }
}

struct ActBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "act",
        abstract: "Milliseconds per action: one observation in, one stochastic action out (the training loop's acting)."
    )

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var subject: BenchAgentOptions
    @Option(help: "Timed actions (median reported).") var repeats = 200
    @Flag(help: "Print one JSON object (act_ms, agent, state_dim, action_dim, threads, device).") var json = false

    func validate() throws {
        try requirePositive([("--repeats", repeats)])
    }

    func run() throws {
        compute.apply()
        let (config, device) = try subject.resolve()
        let (agent, preset, stateDim, actionDim) = (subject.agent.rawValue, subject.preset.rawValue, subject.stateDim, subject.actionDim)
        var rng = RandomStream(seed: 0)
        var initRNG = rng.split(1)
        let made = Devices.using(device) { AgentRegistry.make(config, observationSize: stateDim, actionSize: actionDim, rng: &initRNG) }
        let before = device?.activity
        let ms = UpdateBenchmark.actionMilliseconds(agent: made, stateDim: stateDim, device: device, rng: &rng, repeats: repeats)
        // The timing ran warm-up + repeats actions.
        let perAction = device.map { ($0.activity - before!).kernels / (repeats + 3) }
        struct Report: Encodable {
            let act_ms: Double, agent: String, state_dim: Int, action_dim: Int, threads: Int, device: String, repeats: Int
            let device_kernels_per_action: Int?
        }
        let r = Report(act_ms: ms, agent: agent, state_dim: stateDim, action_dim: actionDim, threads: compute.threads,
                       device: device?.name ?? "cpu", repeats: repeats, device_kernels_per_action: perAction)
        if json { return try printJSON(r) }
        print(String(format: "%@, preset %@, state %d, action %d, on %@: %.3f ms per action (median of %d)", agent, preset, stateDim,
                     actionDim, device?.name ?? "the CPU", ms, repeats))
    }
}

extension GemmBench {
    /// The same shapes through cuBLAS, in FP32 and in TF32.
    func runOnGPU(_ shapes: [GemmBenchmark.Shape]) throws {
        let gpu = try CUDADevice.open()
        struct Row: Encodable { let shape: GemmBenchmark.Shape; let fp32_gflops: Double; let tf32_gflops: Double }
        var rows: [Row] = []
        for s in shapes {
            try gpu.useTF32(false)
            let fp32 = try gpu.timeGemm(m: s.m, n: s.n, k: s.k, transA: s.transA, transB: s.transB)
            try gpu.useTF32(true)
            let tf32 = try gpu.timeGemm(m: s.m, n: s.n, k: s.k, transA: s.transA, transB: s.transB)
            rows.append(Row(shape: s, fp32_gflops: s.flops / fp32 / 1e9, tf32_gflops: s.flops / tf32 / 1e9))
        }
        try gpu.useTF32(false)
        if json {
            struct Report: Encodable { let device: String; let results: [Row] }
            try printJSON(Report(device: gpu.name, results: rows))
            return
        }
        print("cuBLAS sgemm on \(gpu.name) (GFLOP/s; time per call includes queueing)")
        print("     m      n      k  op      FP32      TF32  use")
        for r in rows {
            let s = r.shape
            let op = (s.transA ? "T" : "N") + (s.transB ? "T" : "N")
            print(String(format: "%6d %6d %6d  %@  %8.0f  %8.0f  %@", s.m, s.n, s.k, op, r.fp32_gflops, r.tf32_gflops, s.use))
        }
    }
}
