import ArgumentParser
import TensorCore

/// Options every compute command shares.
struct ComputeOptions: ParsableArguments {
    @Option(name: .long, help: "Compute threads: the worker pool the math runs on (OpenBLAS itself stays single-threaded). Set explicitly for reproducible numbers.")
    var threads: Int = 2

    func validate() throws {
        guard (1...256).contains(threads) else {
            throw ValidationError("--threads must be between 1 and 256, got \(threads)")
        }
    }

    /// Applies the settings to the process (call before any math).
    func apply() {
        BLAS.setThreads(threads)
    }
}

/// Rejects any option below 1, naming it.
func requirePositive(_ options: [(String, Int)]) throws {
    for (name, value) in options where value < 1 {
        throw ValidationError("\(name) must be at least 1, got \(value)")
    }
}
