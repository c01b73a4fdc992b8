import ArgumentParser
import Experiments
import ReverseFlow

// The closed option sets: `--help` lists their values, and ArgumentParser rejects any other
// with its one-line error before a command starts.

extension RunConfig.Preset: ExpressibleByArgument {}

/// `--agent`: a name from ``AgentRegistry``, listed in `--help` in the registry's order.
struct AgentName: ExpressibleByArgument {
    let rawValue: String

    init?(argument: String) {
        guard AgentRegistry.entry(named: argument) != nil else { return nil }
        rawValue = argument
    }

    static let rfm = AgentName(argument: "rfm")!
    static var allValueStrings: [String] { AgentRegistry.names }
    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
    var defaultValueDescription: String { rawValue }
}

/// `--device`: where an agent runs (``DeviceOptions``).
enum Placement: String, ExpressibleByArgument, CaseIterable {
    case cpu, cuda
    case cudaEmulated = "cuda-emulated"
    case cudaHostOnly = "cuda-host-only"
}

/// `rfm bench gemm --device`: where the products run.
enum ProductPlacement: String, ExpressibleByArgument, CaseIterable {
    case cpu, cuda
}

/// `rfm toy two-moons --method`: one method, or all of them.
enum ToyMethod: String, ExpressibleByArgument, CaseIterable {
    case rfm, qne, idem, all

    var methods: [TwoMoonsExperiment.Method] {
        self == .all ? TwoMoonsExperiment.Method.allCases : [TwoMoonsExperiment.Method(rawValue: rawValue)!]
    }
}
