import TensorCore

/// The trainer's random streams, one per purpose, each a child of the run's root stream
/// `RandomStream(seed: seed)`.
///
/// Child 1 initialises the agent's parameters (``TrainerStream/initialisationSplit``) and is used
/// once, so it is never saved. The four below advance during training; a checkpoint stores each
/// under its `rawValue` and a resume reads it back, which is what makes a resumed run draw the
/// same numbers as one that never stopped.
enum TrainerStream: String, CaseIterable {
    /// The policy's noise when it acts after the warm-up.
    case act
    /// The agent's update (target noise, flow times, candidates, …).
    case update
    /// Which transitions a batch samples from the replay buffer.
    case replay
    /// The uniform actions of the warm-up.
    case warmup

    /// The child of the root stream that seeds the agent's parameters.
    static let initialisationSplit: UInt64 = 1

    /// Which child of the root stream this purpose starts from (2…5: the order is part of every
    /// run's numbers, so it never changes).
    var splitIndex: UInt64 {
        switch self {
        case .act: 2
        case .update: 3
        case .replay: 4
        case .warmup: 5
        }
    }
}

/// The four training streams of ``TrainerStream`` as stored values, so a call site passes
/// `&streams.act` and the names live in one place.
struct TrainerStreams {
    var act: RandomStream
    var update: RandomStream
    var replay: RandomStream
    var warmup: RandomStream

    /// A new run's streams: child ``TrainerStream/splitIndex`` of `root` for each purpose.
    init(root: RandomStream) {
        self.init { root.split($0.splitIndex) }
    }

    /// A resumed run's streams, from a checkpoint's `[name: [seed, stream, position]]`.
    init(saved: [String: [UInt64]]) throws {
        try self.init { try RandomStream(saved: saved[$0.rawValue]) }
    }

    private init(_ make: (TrainerStream) throws -> RandomStream) rethrows {
        act = try make(.act)
        update = try make(.update)
        replay = try make(.replay)
        warmup = try make(.warmup)
    }

    /// Every stream by name, for a checkpoint.
    var saved: [String: [UInt64]] {
        Dictionary(uniqueKeysWithValues: TrainerStream.allCases.map { ($0.rawValue, self[$0].saved) })
    }

    subscript(stream: TrainerStream) -> RandomStream {
        switch stream {
        case .act: act
        case .update: update
        case .replay: replay
        case .warmup: warmup
        }
    }
}
