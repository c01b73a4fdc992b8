import Environments
import Foundation
import TensorCore

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
                              episodes: Int, runSeed: UInt64, every: Int, writer: VideoWriter,
                              device: ComputeDevice? = nil) throws -> [Double] {
        precondition(every >= 1, "PolicyVideo: every must be at least 1")
        let scale = max(1, camera.height / 120)
        return try Evaluation.run(agent: agent, environment: environment, episodes: episodes, runSeed: runSeed, device: device) { episode, step, total in
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

/// `trainer.video_interval`: during training, a GIF of the first evaluation episode at each
/// evaluation whose step is a multiple of the interval, and at the last one. It replaces
/// `RUN/video.gif` (written beside it, then moved), the clip `rfm report` shows for the run.
final class TrainingVideo {
    let interval: Int
    private let environment: Environment
    private let camera: EnvironmentCamera
    private let every: Int

    /// Nil when the interval is 0 (off). Throws before training starts when there is no
    /// off-screen GL or no ffmpeg, so a run that asked for videos does not train without them.
    init?(config: RunConfig) throws {
        interval = config.int("trainer.video_interval")
        guard interval > 0 else { return nil }
        environment = try EnvironmentRegistry.make(config: config)
        camera = try EnvironmentCamera(environment: environment)
        every = PolicyVideo.every(controlTimestep: camera.controlTimestep)
        guard VideoWriter.ffmpegPath() != nil else {
            throw VideoError("trainer.video_interval is \(interval) but ffmpeg is not on PATH: install it (apt-get install ffmpeg) or set the interval to 0")
        }
    }

    func isDue(step: Int, total: Int) -> Bool { step % interval == 0 || step == total }

    /// Records the episode into `directory/video.gif`; returns its return.
    func record(agent: Agent, runSeed: UInt64, device: ComputeDevice?, into directory: URL) throws -> Double {
        let url = directory.appendingPathComponent("video.gif")
        let partial = directory.appendingPathComponent("video.gif.tmp")
        let writer = try VideoWriter(url: partial, width: camera.width, height: camera.height,
                                     fps: PolicyVideo.fps(controlTimestep: camera.controlTimestep, every: every), format: .gif)
        let returns = try PolicyVideo.record(agent: agent, environment: environment, camera: camera, episodes: 1,
                                             runSeed: runSeed, every: every, writer: writer, device: device)
        try writer.finish()
        // rename(2) replaces the old clip atomically: a reader sees the old or the new one, whole.
        guard rename(partial.path, url.path) == 0 else {
            throw VideoError("cannot move \(partial.path) to \(url.path): \(String(cString: strerror(errno)))")
        }
        return returns[0]
    }
}
