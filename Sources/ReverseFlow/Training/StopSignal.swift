import CSupport
import Foundation

/// SIGINT (Ctrl-C) and SIGTERM (`kill`, a scheduler's time limit) as a request to stop cleanly:
/// the trainer finishes the current step, writes a checkpoint, says so and stops; a second signal
/// stops the process at once. `rfm train` installs it; library users opt in the same way.
public enum StopSignal {
    public static func install() { rfm_stop_signals_install() }

    /// The first stop signal received since ``install()``, or nil.
    public static var received: Int32? {
        let signal = rfm_stop_signal_received()
        return signal == 0 ? nil : signal
    }

    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(signal)"
        }
    }
}

/// Training stopped on request (a signal) after writing a checkpoint; `rfm train --resume`
/// continues it exactly.
public struct TrainingStopped: Error, CustomStringConvertible {
    public let signal: Int32
    public let step: Int
    public let runDirectory: URL

    /// The shell's convention for a process ended by a signal.
    public var exitCode: Int32 { 128 + signal }

    public var description: String {
        "stopped by \(StopSignal.name(signal)) after step \(step); checkpoint written, continue with: rfm train --resume \(runDirectory.path)"
    }
}
