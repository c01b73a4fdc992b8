import Foundation
import ReverseFlow

/// The one character set that task names, agent labels and other names read from run folders
/// must keep to before a report builds a file name from them: `[A-Za-z0-9._-]`, not empty, and
/// not `.` or `..`.
///
/// A report's figure names are built from names read out of each run's `config.yaml` and
/// `sweep_run.json`, which are plain files anyone can edit. An `env` such as `x/../../../tmp/y`
/// would otherwise turn `figures/curve-<env>.svg` into a path outside the output folder (the
/// writer creates missing folders). Names are validated rather than rewritten, so two different
/// names can never map to the same file; every name this project itself writes (task names,
/// `agent` or `agent-variant`) already passes.
public enum SafeName {
    /// Whether `name` may become part of a file name.
    public static func isSafe(_ name: String) -> Bool {
        guard !name.isEmpty, name != ".", name != ".." else { return false }
        return name.unicodeScalars.allSatisfy { s in
            switch s {
            case "A" ... "Z", "a" ... "z", "0" ... "9", ".", "_", "-": true
            default: false
            }
        }
    }

    /// `name` unchanged, or a `ConfigError` naming `what` it is and where it came from.
    public static func checked(_ name: String, _ what: String, in source: String) throws -> String {
        guard isSafe(name) else {
            throw ConfigError("\(source): \(what) '\(name)' may only use the characters A-Z a-z 0-9 . _ -")
        }
        return name
    }
}
