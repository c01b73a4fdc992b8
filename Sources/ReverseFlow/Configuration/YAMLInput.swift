import Foundation
import Yams

/// Reads and parses the YAML that users hand in (config files, sweep files, `--set` values) with
/// bounded cost.
///
/// Why: the YAML parser holds a whole document in memory and expands every alias into a full
/// copy, so a 50 MB file or a "billion laughs" document (ten anchors, each aliasing the
/// previous one ten times) takes gigabytes and then aborts inside the parser. Files are
/// therefore limited to ``maxFileBytes`` and anchors/aliases are refused before the parser
/// sees the text: no preset or experiment uses them, and without them a document's size bounds
/// the parser's work. libyaml itself bounds nesting (1000 levels).
public enum YAMLInput {
    /// The largest config or sweep file read: 1 MiB. The largest preset is under 10 KiB.
    public static let maxFileBytes = 1 << 20

    /// The text of the file at `path`, at most ``maxFileBytes``; `what` names it in errors
    /// ("config file", "sweep file").
    public static func read(_ path: String, what: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ConfigError("cannot read \(what) '\(PathComponent.escaped(path))'")
        }
        defer { try? handle.close() }
        // Read one byte past the limit: a longer file (or an endless one such as /dev/zero) is
        // refused without being read whole.
        let data: Data
        do { data = try handle.read(upToCount: maxFileBytes + 1) ?? Data() } catch {
            throw ConfigError("cannot read \(what) '\(PathComponent.escaped(path))'")
        }
        guard data.count <= maxFileBytes else {
            throw ConfigError("\(what) '\(PathComponent.escaped(path))' is larger than \(maxFileBytes) bytes (the limit for YAML input)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError("\(what) '\(PathComponent.escaped(path))' is not UTF-8 text")
        }
        return text
    }

    /// Parses one YAML document; errors name `source` and fit on one line.
    public static func load(_ text: String, source: String) throws -> Any? {
        guard text.utf8.count <= maxFileBytes else {
            throw ConfigError("\(source) is larger than \(maxFileBytes) bytes (the limit for YAML input)")
        }
        if let line = firstAnchorOrAlias(in: text) {
            throw ConfigError("\(source): line \(line): YAML anchors and aliases (&name, *name) are not supported; write the values out")
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw ConfigError("\(source) is not valid YAML: \(oneLine("\(error)"))")
        }
        return try node.map { try value($0, source: source) }
    }

    /// A composed node as Swift values: `[String: Any]`, `[Any]`, or a scalar (Int, Double,
    /// Bool, String, NSNull, …) as Yams resolves it.
    ///
    /// Why not `Yams.load`: its constructor force-unwraps every mapping key as a string, so a
    /// file holding `[a]: 1` crashed the program; here such a key is an error naming its line.
    /// A key given twice in one mapping is refused too (`Yams.compose` catches most, this
    /// catches keys spelled differently, such as `1` and `"1"`).
    static func value(_ node: Node, source: String) throws -> Any {
        switch node {
        case .scalar:
            return Constructor.default.any(from: node)
        case .sequence(let sequence):
            return try sequence.map { try value($0, source: source) }
        case .mapping(let mapping):
            var out: [String: Any] = [:]
            for (key, item) in mapping {
                guard case .scalar(let name) = key else {
                    throw ConfigError("\(source): line \(line(of: key)): a mapping key must be a single value, not a list or a mapping")
                }
                guard out[name.string] == nil else {
                    throw ConfigError("\(source): line \(line(of: key)): key '\(PathComponent.escaped(name.string))' is given twice")
                }
                out[name.string] = try value(item, source: source)
            }
            return out
        case .alias:
            // Yams.compose resolves aliases, and they are refused before parsing anyway.
            throw ConfigError("\(source): YAML aliases are not supported")
        }
    }

    private static func line(of node: Node) -> Int { node.mark?.line ?? 0 }

    /// The line of the first `&name` or `*name` token, or nil.
    ///
    /// Deliberately conservative: it ignores quoting and comments, so `*x` after a blank inside
    /// a comment or a string is refused too, but an anchor or alias can never slip through. It
    /// flags `&` or `*` followed by an anchor character (`[A-Za-z0-9_-]`) wherever libyaml may
    /// start a token: at the start, after a blank or a line break, or after `[ ] { } , ? :`.
    public static func firstAnchorOrAlias(in text: String) -> Int? {
        var line = 1
        var previous: UInt8 = UInt8(ascii: "\n")
        var flagged = false
        for c in text.utf8 {
            if flagged {
                if isAnchorCharacter(c) { return line }
                flagged = false
            }
            if (c == UInt8(ascii: "&") || c == UInt8(ascii: "*")) && startsToken(after: previous) { flagged = true }
            if c == UInt8(ascii: "\n") { line += 1 }
            previous = c
        }
        return nil
    }

    private static func startsToken(after c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
             0xBF, 0x85, 0xA8, 0xA9,  // last bytes of a byte-order mark and of NEL, LS, PS (line breaks to libyaml)
             UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ","),
             UInt8(ascii: "?"), UInt8(ascii: ":"):
            true
        default: false
        }
    }

    private static func isAnchorCharacter(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
            || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
    }

    /// The parser's multi-line messages (with a caret under the column) as one line.
    static func oneLine(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.allSatisfy { $0 == "^" } }.joined(separator: "; ")
    }
}
