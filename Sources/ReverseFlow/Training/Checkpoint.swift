import Foundation
import NeuralNet
import TensorCore

/// Everything besides tensors that a run needs to continue exactly where it stopped.
public struct TrainerState: Codable, Sendable, Equatable {
    public var step = 0
    public var episode = 0
    public var episodeReturn = 0.0
    public var observation: [Float] = []
    public var environment: [Double] = []
    /// Random streams by purpose: [seed, stream, position].
    public var streams: [String: [UInt64]] = [:]
    public var agentScalars: [String: Double] = [:]
    public var replayCount = 0
    public var replayPosition = 0
    public var metricsOffsets: [UInt64] = [0, 0]
    public var recentReturns: [Double] = []
    public var lastEvaluation: Double?
    public var elapsedSeconds = 0.0
}

/// Writing and reading `checkpoints/latest.safetensors`: agent tensors (`agent.*`), replay tensors
/// (`replay.*`, only the filled rows) and the trainer state as JSON in the metadata. Written
/// atomically, so a kill during a write leaves the previous checkpoint intact.
public enum Checkpoint {
    public static func url(in runDirectory: URL) -> URL {
        runDirectory.appendingPathComponent("checkpoints/latest.safetensors")
    }

    public static func save(agent: Agent, replay: ReplayBuffer, state: TrainerState, configYAML: String, to url: URL) throws {
        var tensors = agent.stateTensors.named.map { NamedTensor("agent.\($0.name)", $0.tensor) }
        for (name, t) in replay.namedTensors {
            // The filled rows, brought to the host (from a device directly, without a second
            // device copy of the whole buffer).
            let filled = Tensor(rows: replay.count, cols: t.cols, on: nil)
            if let device = t.device {
                device.copy(filled.count, from: t.data, onDevice: true, to: filled.data, onDevice: false)
            } else {
                Kernels.copy(t.rows(0..<replay.count), into: filled.matrix)
            }
            tensors.append(NamedTensor("replay.\(name)", filled))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let meta = ["format": "rfm-checkpoint-2", "version": ReverseFlowVersion.string,
                    "trainer_state": String(decoding: try encoder.encode(state), as: UTF8.self), "config": configYAML]
        try Safetensors.write(tensors, metadata: meta, to: url)
    }

    /// Loads a checkpoint into `agent` and `replay` (same configuration) and returns the trainer state.
    /// `checkingMetadata` sees the verified metadata before anything is restored (the trainer
    /// compares the saved configuration with the run's), so the file is read once.
    public static func load(from url: URL, agent: Agent, replay: ReplayBuffer,
                            checkingMetadata: ([String: String]) throws -> Void = { _ in }) throws -> TrainerState {
        let (file, state) = try read(url, includingReplay: true)
        try checkingMetadata(file.metadata)
        try restore(agent, from: file.tensors, state: state)
        for (name, t) in replay.namedTensors {
            guard let e = file.tensors["replay.\(name)"] else { throw CheckpointError.missingTensor("replay.\(name)") }
            guard e.shape == [state.replayCount, t.cols], state.replayCount <= replay.capacity else {
                throw CheckpointError.shapeMismatch(name: "replay.\(name)", file: e.shape, expected: [state.replayCount, t.cols])
            }
            t.setValues(e.values)
        }
        try replay.restore(count: state.replayCount, position: state.replayPosition)
        return state
    }

    /// Loads only the agent (parameters, optimiser state, scalars) from a checkpoint: the replay
    /// buffer's tensors are checked by the checksum but not materialised. Reads the file and
    /// nothing else; writes nothing.
    public static func loadAgent(from url: URL, into agent: Agent) throws {
        let (file, state) = try read(url, includingReplay: false)
        try restore(agent, from: file.tensors, state: state)
    }

    static func read(_ url: URL, includingReplay: Bool) throws -> (file: (tensors: [String: Safetensors.Entry], metadata: [String: String]), state: TrainerState) {
        guard FileManager.default.fileExists(atPath: url.path) else { throw CheckpointError.unreadable(url.path) }
        let file = try Safetensors.read(from: url, including: { includingReplay || !$0.hasPrefix("replay.") })
        guard let json = file.metadata["trainer_state"],
              let state = try? JSONDecoder().decode(TrainerState.self, from: Data(json.utf8))
        else { throw CheckpointError.corrupt(url.path, "no readable trainer state in the metadata") }
        return (file, state)
    }

    static func restore(_ agent: Agent, from tensors: [String: Safetensors.Entry], state: TrainerState) throws {
        var agentEntries: [String: Safetensors.Entry] = [:]
        for (name, entry) in tensors where name.hasPrefix("agent.") { agentEntries[String(name.dropFirst(6))] = entry }
        try agent.stateTensors.load(from: agentEntries)
        try agent.restoreScalars(state.agentScalars)
    }

    /// Removes temporary checkpoint files (`.latest.safetensors.tmp-*`) that a killed writer left
    /// behind. Call only while holding the run's lock: no live writer can own them then.
    public static func removeStaleTemporaries(in runDirectory: URL) {
        let dir = url(in: runDirectory).deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        for name in names where name.hasPrefix(".latest.safetensors.tmp-") {
            try? FileManager.default.removeItem(at: dir.appendingPathComponent(name))
        }
    }
}

extension RandomStream {
    var saved: [UInt64] { [seed, stream, position] }

    init(saved: [UInt64]?) throws {
        guard let s = saved, s.count == 3 else { throw CheckpointStateError.invalid("a random stream is missing") }
        self.init(seed: s[0], stream: s[1], position: s[2])
    }
}
