import Foundation

/// A video of a policy acting with its evaluation rule: the episodes of ``Evaluation/run`` (same
/// seeds, same deterministic actions), one frame every `every` agent steps from the reset on, with
/// the episode number and the return so far burned into the top-left corner.
public enum PolicyVideo {
    /// The frame rate that plays the clip in real time: one frame per `every` control steps.
    public static func fps(controlTimestep: Double, every: Int) -> Double {
        1 / (controlTimestep * Double(every))
    }

    /// The smallest `every` that keeps the clip at or under `maxFPS` frames per second.
    public static func every(controlTimestep: Double, maxFPS: Double = 30) -> Int {
        max(1, Int((1 / (controlTimestep * maxFPS)).rounded(.up)))
    }

    /// Rolls out `episodes` evaluation episodes and writes them to `writer`; returns their returns.
    public static func record(agent: Agent, environment: Environment, camera: EnvironmentCamera,
                              episodes: Int, runSeed: UInt64, every: Int, writer: VideoWriter) throws -> [Double] {
        precondition(every >= 1, "PolicyVideo: every must be at least 1")
        let scale = max(1, camera.height / 120)
        return try Evaluation.run(agent: agent, environment: environment, episodes: episodes, runSeed: runSeed) { episode, step, total in
            guard step % every == 0 else { return }
            var frame = camera.frame()
            let caption = (episodes > 1 ? "ep \(episode + 1)  " : "") + "return " + String(format: "%.1f", total)
            BitmapFont.draw(caption, into: &frame, x: 2 * scale, y: 2 * scale, scale: scale)
            try writer.append(frame)
        }
    }

    /// Frames that ``record(agent:environment:camera:episodes:runSeed:every:writer:)`` writes for
    /// episodes of `length` steps: steps 0, every, 2·every, … ≤ length of each.
    public static func frameCount(episodes: Int, length: Int, every: Int) -> Int {
        episodes * (length / every + 1)
    }
}
