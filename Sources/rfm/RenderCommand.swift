import ArgumentParser
import Environments
import Foundation
import ReverseFlow

extension VideoFormat: ExpressibleByArgument {}

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a video of a run's saved policy acting with its evaluation rule.",
        discussion: """
            The episodes are those of `rfm eval` with the same --seed (the same starts, the same \
            deterministic actions). DeepMind Control tasks are rendered by MuJoCo's own renderer in \
            an off-screen OpenGL context (EGL or OSMesa, opened at run time; RFM_GL=egl|osmesa \
            picks one); pendulum is drawn without GL. Videos are encoded by ffmpeg. The episode \
            return is printed and burned into the frames.
            """
    )

    @OptionGroup var compute: ComputeOptions
    @Argument(help: "Run folder (holding config.yaml and checkpoints/).") var runFolder: String
    @Option(help: "Episodes to record, one after the other.") var episodes = 1
    @Option(help: "Seed of the evaluation starts (0 or more; `rfm eval`'s default).") var seed = 12345
    // Unconditional, so that `--camera -1` reads -1 as the value rather than as an option.
    @Option(parsing: .unconditional, help: "Camera: a name or number of the task's model, or -1 for dm_control's default free camera.")
    var camera: String?
    @Option(help: "Frame width in pixels.") var width = 320
    @Option(help: "Frame height in pixels.") var height = 240
    @Option(help: "Render every k-th agent step (default: as few as keep the clip at 30 frames per second or less, in real time).")
    var every: Int?
    @Option(help: "Output file (default RUN/video.FORMAT).") var out: String?
    @Option(help: "Video format: mp4 (H.264) or gif (default: from --out's extension, else mp4).") var format: VideoFormat?

    func validate() throws {
        try requirePositive([("--episodes", episodes), ("--width", width), ("--height", height)])
        if let every { try requirePositive([("--every", every)]) }
        guard seed >= 0 else { throw ValidationError("--seed must be 0 or more, got \(seed)") }
        if let out, let format, let implied = VideoFormat(fileName: out), implied != format {
            throw ValidationError("--out \(out) names a .\(implied.rawValue) file but --format is \(format.rawValue)")
        }
    }

    /// Reads the run's config.yaml and checkpoint; writes only the video.
    func run() throws {
        compute.apply()
        let runDirectory = URL(fileURLWithPath: runFolder)
        let (cfg, agent) = try SavedAgent.load(runDirectory: runDirectory)
        let env = try EnvironmentRegistry.make(config: cfg)
        let chosen = format ?? out.flatMap { VideoFormat(fileName: $0) } ?? .mp4
        let url = out.map { URL(fileURLWithPath: $0) } ?? runDirectory.appendingPathComponent("video.\(chosen.rawValue)")
        let cam = try EnvironmentCamera(environment: env, camera: camera, width: width, height: height)
        let k = every ?? PolicyVideo.every(controlTimestep: cam.controlTimestep)
        let fps = PolicyVideo.fps(controlTimestep: cam.controlTimestep, every: k)
        let writer = try VideoWriter(url: url, width: width, height: height, fps: fps, format: chosen)
        let returns = try PolicyVideo.record(agent: agent, environment: env, camera: cam, episodes: episodes,
                                             runSeed: UInt64(seed), every: k, writer: writer)
        try writer.finish()
        let list = returns.map { String(format: "%.1f", $0) }.joined(separator: ", ")
        print(String(format: "%@ on %@: return %@ (%@); %d frames at %.1f fps, %@ → %@", cfg.string("agent"), cfg.string("env"),
                     list, episodes == 1 ? "1 episode" : "\(episodes) episodes", writer.frameCount, fps, cam.backend, url.path))
    }
}
