import TensorCore

/// Where a sampler draws its standard normals: one stream for the whole batch (exploration), or
/// one stream per row seeded from that row's state (evaluation, so the same observation always
/// gets the same action whatever else is in the batch).
struct NoiseSource {
    private var shared: RandomStream?
    private var perRow: [RandomStream]
    private let row: Tensor

    /// Draws from `rng` (advanced in place by ``fill(_:)``; read it back with ``stream``).
    init(_ rng: RandomStream) {
        shared = rng
        perRow = []
        row = Tensor(count: 0)
    }

    /// One stream per row of `states` `[B, S]`, seeded by the row (``StateSeededStreams``, with the
    /// RFM agent's evaluation purpose).
    init(seededBy states: Tensor, width: Int) {
        shared = nil
        perRow = StateSeededStreams.perRow(states, purpose: .rfmEvaluation)
        row = Tensor(rows: 1, cols: width, on: nil)
    }

    /// The shared stream's current state (nil for per-row noise).
    var stream: RandomStream? { shared }

    /// Runs `draw` with noise from `rng`, then moves `rng` on past what it drew (so the caller's
    /// next draws follow the sampler's, as with one stream throughout).
    static func drawing<Result>(from rng: inout RandomStream, _ draw: (inout NoiseSource) -> Result) -> Result {
        var noise = NoiseSource(rng)
        let result = draw(&noise)
        rng = noise.stream!
        return result
    }

    /// Fills `t` `[B, d]` with standard normals.
    mutating func fill(_ t: Tensor) {
        if shared != nil {
            shared!.fillNormal(t)
            return
        }
        precondition(t.rows == perRow.count && t.cols == row.cols, "NoiseSource: \(t.shape) for \(perRow.count) rows of \(row.cols)")
        for i in 0..<t.rows {
            perRow[i].fillNormal(row)
            if t.device == nil {
                Kernels.copy(row.matrix, into: t.rows(i..<(i + 1)))
            } else {
                t.setRow(i, row.toArray())
            }
        }
    }
}
