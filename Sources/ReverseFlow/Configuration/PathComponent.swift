/// The one rule for names that become a single folder or file name (tasks, agents, variants,
/// report labels).
///
/// Why: such names come from YAML files and the command line, and a name like `../../tmp/x`,
/// `a/b` or one with a newline would put output outside its folder or break the scripts that
/// name the folder. A name is 1–128 characters from `[A-Za-z0-9._-]` and does not start with
/// `.` (so it is never `.`, `..` or a hidden file); `-` may not start it either, so a name is
/// never mistaken for an option on a command line.
public enum PathComponent {
    /// The longest accepted name, well below every file system's limit of 255 bytes, so that
    /// suffixes such as `-variant` still fit.
    public static let maxLength = 128

    /// Whether `name` may be used as one path component.
    public static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maxLength, let first = name.utf8.first,
              first != UInt8(ascii: "."), first != UInt8(ascii: "-") else { return false }
        return name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }
    }

    /// Returns `name` when it is a valid path component; otherwise throws one line naming
    /// `what` (for example "sweep agent") and the offending value, escaped so that a newline
    /// or a control character shows as `\n` rather than breaking the line.
    @discardableResult
    public static func validate(_ name: String, what: String) throws -> String {
        guard isValid(name) else {
            throw ConfigError("\(what) '\(escaped(name))' is not a valid name: use 1–\(maxLength) characters "
                + "from A-Z a-z 0-9 . _ - , not starting with '.' or '-'")
        }
        return name
    }

    /// Returns `path` (a whole path, any characters) when it is non-empty and has no control
    /// character: a newline in a folder name would start a new line in every script and log
    /// that names it. Otherwise throws one line naming `what` and the value.
    @discardableResult
    public static func validatePath(_ path: String, what: String) throws -> String {
        guard !path.isEmpty else { throw ConfigError("\(what) is empty") }
        guard !path.unicodeScalars.contains(where: isControl) else {
            throw ConfigError("\(what) '\(escaped(path))' contains a control character (such as a newline)")
        }
        return path
    }

    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let category = scalar.properties.generalCategory
        return category == .control || category == .format || category == .lineSeparator || category == .paragraphSeparator
    }

    /// `value` with control characters and quotes escaped, for quoting it in a one-line message.
    public static func escaped(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            default:
                if isControl(scalar) {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
