import Experiments
import Foundation
import NeuralNet
import ReverseFlow
import TensorCore
import Testing

/// A property the fuzz test checks failed (not an error the program may throw).
struct FuzzFinding: Error { let what: String; init(_ what: String) { self.what = what } }

/// Fuzzing the front door: the config loader (YAML files and `--set` values), the sweep file and
/// the checkpoint reader get mutated valid inputs for a bounded time each. Every input must end
/// in a value or one error of the documented type whose message is one line; never a crash (the
/// test process would die), a hang (every input within a second) or unbounded memory.
///
/// CI runs `RFM_FUZZ_SECONDS` (default 8) per surface; by hand, longer and with other seeds:
/// `RFM_FUZZ_SECONDS=600 RFM_FUZZ_SEED=3 swift test -c release --filter FrontDoorFuzzTests`.
@Suite(.serialized) struct FrontDoorFuzzTests {
    struct Tally: CustomStringConvertible {
        var executions = 0, accepted = 0, rejected = 0
        var slowest = 0.0
        var findings: [String] = []
        var description: String {
            "\(executions) executions (\(accepted) accepted, \(rejected) rejected), slowest \(String(format: "%.1f", slowest * 1000)) ms, \(findings.count) findings"
        }
    }

    /// Runs `body` on mutated inputs until the budget is spent; `body` returns whether the input
    /// was accepted and throws only what `expected` allows.
    static func fuzz(_ name: String, corpus: [String], dictionary: [String], memoryLimit: Double = 2e9,
                     expected: (Error) -> String?, _ body: ([UInt8]) throws -> Void) -> Tally {
        var mutator = Mutator(seed: FuzzBudget.seed, dictionary: dictionary)
        let seeds = corpus.map { Array($0.utf8) }
        var tally = Tally()
        let start = Date()
        while Date().timeIntervalSince(start) < FuzzBudget.seconds {
            let input = tally.executions < seeds.count ? seeds[tally.executions] : mutator.mutate(seeds)
            let began = Date()
            do {
                try body(input)
                tally.accepted += 1
            } catch {
                tally.rejected += 1
                if let problem = expected(error) {
                    tally.findings.append("\(problem) for input \(String(decoding: input.prefix(200), as: UTF8.self).debugDescription)")
                }
            }
            let took = Date().timeIntervalSince(began)
            tally.slowest = max(tally.slowest, took)
            if took > 1 { tally.findings.append("took \(took) s for input \(String(decoding: input.prefix(200), as: UTF8.self).debugDescription)") }
            tally.executions += 1
        }
        let peak = FuzzBudget.peakResidentBytes()
        if peak > memoryLimit { tally.findings.append("peak resident memory \(peak / 1e9) GB") }
        print("fuzz \(name): \(tally)")
        return tally
    }

    /// nil when `error` is the expected type with a one-line message, else what is wrong.
    static func oneLine<E: Error & CustomStringConvertible>(_ type: E.Type) -> (Error) -> String? {
        { error in
            guard let e = error as? E else { return "unexpected error type \(Swift.type(of: error)): \(error)" }
            return e.description.contains("\n") ? "multi-line message: \(e.description.debugDescription)" : nil
        }
    }

    static let configDictionary = ["trainer:", "trainer.steps: ", "  steps: ", "inherit: cpu\n", "inherit: paper\n", "agent: sac\n",
                                   "critic.max_grad_norm: null\n", "&a ", "*a", "<<: *a\n", "[", "]", "{", "}", "- ", "\n", ": ",
                                   "!!str ", "!!int ", "!!binary ", "'", "\"", "~", "? ", "|\n", ">\n", "#", "---\n", "...\n",
                                   "rfm.temperature: ", "seed: ", "env: ", "\t", "\u{FEFF}", "%YAML 1.2\n"]

    @Test func configFilesAndSetValues() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rfm-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("c.yaml")
        let corpus = [
            "inherit: cpu\ntrainer:\n  steps: 500\n  warmup: 100\nrfm:\n  temperature: 0.05\n",
            "inherit: paper\nseed: 3\nagent: sac\nenv: cartpole-swingup\ncritic.max_grad_norm: null\n",
            "inherit: cpu\nactor: {hidden: 64, blocks: 2}\ncritic: {hidden: 32, layers: 2}\n",
            "inherit: cpu\nbase: &b {hidden: 32}\ncritic: *b\n",
        ]
        let tally = Self.fuzz("config file", corpus: corpus, dictionary: Self.configDictionary,
                              expected: Self.oneLine(ConfigError.self)) { bytes in
            try Data(bytes).write(to: file)
            _ = try RunConfig.file(file.path)
        }
        #expect(tally.findings.isEmpty, "\(tally.findings.prefix(5))")
        let base = try RunConfig.preset("cpu")
        let sets = ["trainer.steps=500", "critic.max_grad_norm=10", "rfm.temperature=0.1", "agent=sac", "seed=4",
                    "actor.hidden=[1, 2]", "critic.max_grad_norm=null", "trainer=5"]
        let setTally = Self.fuzz("--set", corpus: sets, dictionary: Self.configDictionary + ["=", "=="],
                                 expected: Self.oneLine(ConfigError.self)) { bytes in
            _ = try base.overriding([String(decoding: bytes, as: UTF8.self)])
        }
        #expect(setTally.findings.isEmpty, "\(setTally.findings.prefix(5))")
    }

    @Test func sweepFiles() {
        let corpus = [
            "out: runs/x\npreset: cpu\ntasks: [pendulum]\nagents: [rfm, sac]\nseeds: [0, 1]\nsteps: 300\nset: {trainer.warmup: 100}\n",
            "tasks: [cartpole-swingup, finger-spin]\nagents: [rfm]\nseeds: [0]\nvariants:\n  - name: base\n  - name: noise\n    set: {rfm.estimator: noise}\n",
        ]
        let tally = Self.fuzz("sweep file", corpus: corpus, dictionary: Self.configDictionary + ["tasks: ", "agents: ", "variants:", "out: ", "../", "/"],
                              expected: Self.oneLine(ConfigError.self)) { bytes in
            let spec = try SweepSpec.parse(String(decoding: bytes, as: UTF8.self), defaultOut: "/tmp/rfm-fuzz-sweep-unused", source: "fuzz.yaml")
            let root = URL(fileURLWithPath: spec.out).standardizedFileURL.path + "/"
            for run in try spec.runs() where !run.directory.standardizedFileURL.path.hasPrefix(root) {
                throw FuzzFinding("run folder \(run.directory.path) escapes the sweep's out folder \(root)")
            }
        }
        #expect(tally.findings.isEmpty, "\(tally.findings.prefix(5))")
    }

    @Test func checkpointReader() throws {
        let t = Tensor(rows: 4, cols: 3)
        for i in 0..<t.count { t.data[i] = Float(i) }
        let ours = try Safetensors.encode([NamedTensor("agent.w", t), NamedTensor("replay.r", Tensor(rows: 2, cols: 2))],
                                          metadata: ["trainer_state": "{\"step\":10}", "config": "seed: 0\n"])
        // The same file without its checksum, as another program writes it: mutations then reach
        // the header's shapes and offsets instead of stopping at the checksum.
        let header = #"{"__metadata__":{"format":"pt"},"agent.w":{"dtype":"F32","shape":[4,3],"data_offsets":[0,48]},"b":{"dtype":"F32","shape":[2],"data_offsets":[48,56]}}"#
        var foreign = Data()
        var n = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { foreign.append(contentsOf: $0) }
        foreign.append(contentsOf: Array(header.utf8))
        foreign.append(Data(count: 56))
        let raw = [[UInt8](ours), [UInt8](foreign)]
        var mutator = Mutator(seed: FuzzBudget.seed, dictionary: ["\"shape\":[", "\"data_offsets\":[", "9223372036854775807", ",", "]", "}", "\"F16\"", "-1"])
        var tally = Tally()
        let start = Date()
        while Date().timeIntervalSince(start) < FuzzBudget.seconds {
            let input = mutator.mutate(raw)
            for verification in [Safetensors.Verification.required, .ifPresent] {
                do {
                    _ = try Safetensors.decode(Data(input), source: "fuzz", verification: verification)
                    tally.accepted += 1
                } catch {
                    tally.rejected += 1
                    if let problem = Self.oneLine(CheckpointError.self)(error) { tally.findings.append(problem) }
                }
                tally.executions += 1
            }
        }
        print("fuzz checkpoint reader: \(tally)")
        #expect(tally.findings.isEmpty, "\(tally.findings.prefix(5))")
        #expect(tally.executions > 100)
    }
}
