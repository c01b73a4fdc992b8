import Environments
import Foundation

/// Why a video could not be written.
public struct VideoError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A video container: MP4 (H.264) or an animated GIF.
public enum VideoFormat: String, CaseIterable, Sendable {
    case mp4, gif

    /// The format a file name's extension asks for, if any.
    public init?(fileName: String) {
        self.init(rawValue: (fileName as NSString).pathExtension.lowercased())
    }
}

/// Writes frames to a video file through `ffmpeg` (Debian's `ffmpeg` package), streamed to it as
/// raw RGB on its standard input, so a long episode never sits in memory.
///
/// - MP4: H.264 (`libx264`, `yuv420p` so every player shows it, CRF 23); `yuv420p` needs even
///   sizes, so odd widths or heights are padded by one black row or column.
/// - GIF: one palette for the whole clip (`palettegen` then `paletteuse`), which keeps the file
///   small and the colours steady; GIF delays are in hundredths of a second, so ffmpeg rounds the
///   rate to the nearest representable one.
public final class VideoWriter {
    public let url: URL
    public let width: Int
    public let height: Int
    public private(set) var frameCount = 0
    private let process = Process()
    private let stdin = Pipe()
    private let log: URL
    private var failed: Error?
    private let previousSIGPIPE: sighandler_t?

    /// The `ffmpeg` to run: `$RFM_FFMPEG`, else the first on PATH.
    public static func ffmpegPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let p = environment["RFM_FFMPEG"], !p.isEmpty { return p }
        for dir in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/ffmpeg"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Starts `ffmpeg` writing `width` × `height` frames at `fps` frames per second to `url`.
    public init(url: URL, width: Int, height: Int, fps: Double, format: VideoFormat) throws {
        guard let ffmpeg = Self.ffmpegPath() else {
            throw VideoError("ffmpeg not found on PATH: install it (apt-get install ffmpeg) or set RFM_FFMPEG")
        }
        self.url = url
        self.width = width
        self.height = height
        let input = ["-f", "rawvideo", "-pixel_format", "rgb24", "-video_size", "\(width)x\(height)",
                     "-framerate", String(format: "%.4f", fps), "-i", "pipe:0"]
        let output: [String] = switch format {
        case .mp4: ["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "23",
                    "-movflags", "+faststart", "-f", "mp4"]
        case .gif: ["-vf", "split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=3",
                    "-loop", "0", "-f", "gif"]
        }
        process.executableURL = URL(fileURLWithPath: ffmpeg)
        process.arguments = ["-hide_banner", "-loglevel", "error", "-y"] + input + output + [url.path]
        // ffmpeg's messages go to a temporary file, so that a full stderr pipe cannot stall it.
        log = FileManager.default.temporaryDirectory.appendingPathComponent("rfm-ffmpeg-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardInput = stdin
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        // A failing ffmpeg closes its end early: a write then fails instead of killing this process.
        // The previous disposition comes back in finish().
        previousSIGPIPE = signal(SIGPIPE, SIG_IGN)
        do { try process.run() } catch {
            signal(SIGPIPE, previousSIGPIPE)
            try? FileManager.default.removeItem(at: log)
            throw VideoError("cannot start \(ffmpeg): \(error.localizedDescription)")
        }
    }

    /// Sends one frame (of the writer's size).
    public func append(_ frame: Frame) throws {
        guard frame.width == width, frame.height == height else {
            throw VideoError("frame \(frame.width)×\(frame.height) in a \(width)×\(height) video")
        }
        guard failed == nil else { return }
        do { try stdin.fileHandleForWriting.write(contentsOf: Data(frame.rgb)) } catch { failed = error }
        frameCount += 1
    }

    /// Closes the stream and waits for ffmpeg; throws with ffmpeg's last message when it failed.
    public func finish() throws {
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        signal(SIGPIPE, previousSIGPIPE)
        let messages = (try? Data(contentsOf: log)) ?? Data()
        try? FileManager.default.removeItem(at: log)
        guard process.terminationStatus == 0, failed == nil, frameCount > 0 else {
            let text = String(decoding: messages, as: UTF8.self).split(separator: "\n").last.map(String.init)
                ?? (frameCount == 0 ? "no frames" : "no message")
            throw VideoError("ffmpeg failed (exit \(process.terminationStatus)) writing \(url.path): \(text)")
        }
    }
}
