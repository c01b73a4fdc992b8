import Environments
import Foundation
import ReverseFlow
import TensorCore
import Testing

/// The video files `rfm render` writes, checked with ffprobe; skipped, with the reason printed,
/// when ffmpeg is not installed.
@Suite("Videos of a policy")
struct VideoTests {
    /// (frames, width, height) of a video's first stream, counted by decoding it.
    static func probe(_ url: URL) throws -> (frames: Int, width: Int, height: Int) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                       "-show_entries", "stream=nb_read_frames,width,height", "-of", "csv=p=0", url.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let f = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").compactMap { Int($0) }
        guard f.count == 3 else { throw VideoError("ffprobe said '\(text)'") }
        return (f[2], f[0], f[1])
    }

    @Test("A pendulum policy's video has one frame per recorded step, at the asked size, as MP4 and GIF", arguments: VideoFormat.allCases)
    func pendulumVideo(format: VideoFormat) throws {
        guard VideoWriter.ffmpegPath() != nil else {
            print("skipped: ffmpeg is not installed (apt-get install ffmpeg)")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rfm-video-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try RunConfig.preset("cpu").overriding(["env=pendulum", "agent=sac", "critic.hidden=8", "actor.hidden=8"])
        let env = try EnvironmentRegistry.make("pendulum")
        var rng = RandomStream(seed: 1)
        let agent = AgentRegistry.make(config, observationSize: env.observationSize, actionSize: env.actionSize, rng: &rng)
        let camera = try EnvironmentCamera(environment: env, width: 96, height: 64)
        let url = dir.appendingPathComponent("video.\(format.rawValue)")
        let writer = try VideoWriter(url: url, width: 96, height: 64, fps: 20, format: format)
        let returns = try PolicyVideo.record(agent: agent, environment: env, camera: camera, episodes: 2, runSeed: 3, every: 7, writer: writer)
        try writer.finish()
        #expect(returns == Evaluation.run(agent: agent, environment: env, episodes: 2, runSeed: 3))
        let expected = PolicyVideo.frameCount(episodes: 2, length: 200, every: 7)
        #expect(expected == 2 * 29 && writer.frameCount == expected)
        let probe = try Self.probe(url)
        #expect(probe.frames == expected && probe.width == 96 && probe.height == 64)
    }

    @Test("The caption font draws digits and letters, and nothing outside the frame")
    func caption() {
        var frame = Frame(width: 40, height: 12, fill: Frame.RGB(10, 20, 30))
        BitmapFont.draw("-1.5", into: &frame, x: 1, y: 1, scale: 1)
        #expect(BitmapFont.width(of: "-1.5", scale: 1) == 15)
        #expect(frame[1, 3] == .white && frame[2, 3] == .white)  // the minus sign's bar
        #expect(frame[30, 10] == Frame.RGB(10, 20, 30))
        BitmapFont.draw("return 812.3", into: &frame, x: 30, y: 8, scale: 3)  // clipped, no crash
    }

    @Test("The drawn pendulum points up at θ = 0 and down at θ = π")
    func pendulumDrawing() {
        let rod = Frame.RGB(204, 77, 77)
        let up = PendulumDrawing.frame(theta: 0, width: 100, height: 100)
        let down = PendulumDrawing.frame(theta: .pi, width: 100, height: 100)
        #expect(up[50, 20] == rod && up[50, 80] != rod)
        #expect(down[50, 80] == rod && down[50, 20] != rod)
    }
}

@Suite("Videos during training")
struct TrainingVideoTests {
    @Test("trainer.video_interval writes RUN/video.gif at the evaluations it falls on, and 0 writes none")
    func trainingWritesClip() throws {
        guard VideoWriter.ffmpegPath() != nil else {
            print("skipped: ffmpeg is not installed (apt-get install ffmpeg)")
            return
        }
        for interval in [0, 200] {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rfm-trainvideo-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            let config = try RunConfig.preset("cpu").overriding([
                "agent=sac", "trainer.steps=200", "trainer.warmup=100", "trainer.eval_interval=100", "trainer.eval_episodes=1",
                "critic.hidden=8", "actor.hidden=8", "trainer.batch_size=8", "trainer.video_interval=\(interval)",
            ])
            let trainer = try Trainer(config: config, runDirectory: dir, resume: false)
            trainer.report = { _ in }
            try trainer.run()
            let gif = dir.appendingPathComponent("video.gif")
            #expect(FileManager.default.fileExists(atPath: gif.path) == (interval > 0))
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("video.gif.tmp").path))
            if interval > 0 {
                let probe = try VideoTests.probe(gif)
                #expect(probe.frames == 201 && probe.width == 320 && probe.height == 240)
            }
        }
    }
}
