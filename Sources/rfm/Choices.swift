import ArgumentParser
import ReverseFlow

// The closed option sets: `--help` lists their values, and ArgumentParser rejects any other
// with its one-line error before a command starts.

extension AgentKind: ExpressibleByArgument {}
extension RunConfig.Preset: ExpressibleByArgument {}

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
