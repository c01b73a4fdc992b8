import Foundation
import ReverseFlow

/// Turns a sweep's `set:` mapping (nested or dotted keys) into `key=value` overrides for
/// ``RunConfig/overriding(_:)``, each value written back as YAML of the same type.
///
/// Why a value is re-encoded rather than printed: Swift prints `nil` as `<null>` and a list as
/// `["a", "b"]`, which parsed again become strings; here null stays null (switching an
/// optional option off, as in a config file), text stays text, and a list or a nested value
/// where one value belongs is an error naming the key.
enum SweepAssignments {
    /// - Parameter chosenBy: config keys that the sweep itself sets, each with the sweep key that
    ///   sets it (`env` by `tasks`); giving one in `set:` is refused, since which value wins
    ///   would depend on the order of the overrides and the run folder would name the other.
    static func make(_ value: Any?, key: String, source: String, chosenBy: [String: String]) throws -> [String] {
        guard let value else { return [] }
        if value is NSNull {
            throw ConfigError("\(source): '\(key)' is empty (null): give a mapping of config keys to values, or remove it")
        }
        guard let map = value as? [String: Any] else { throw ConfigError("\(source): '\(key)' must map config keys to values") }
        let flat = try RunConfig.flattenUnique(map, source: "\(source): '\(key)'")
        for name in flat.keys.sorted() {
            if let owner = chosenBy[name] {
                throw ConfigError("\(source): '\(key)' sets '\(name)', which the sweep's '\(owner)' chooses; give it there only")
            }
        }
        return try flat.keys.sorted().map { name in
            "\(name)=\(try yaml(flat[name]!, name: name, key: key, source: source))"
        }
    }

    /// One scalar as YAML text that parses back to the same value and type.
    static func yaml(_ value: Any, name: String, key: String, source: String) throws -> String {
        switch value {
        case is NSNull: return "null"
        case let b as Bool where type(of: value) == Bool.self: return b ? "true" : "false"
        case let i as Int: return String(i)
        case let d as Double:
            if d.isNaN { return ".nan" }
            if d.isInfinite { return d > 0 ? ".inf" : "-.inf" }
            return "\(d)"
        case let s as String: return doubleQuoted(s)
        default:
            throw ConfigError("\(source): '\(key)': config key '\(PathComponent.escaped(name))' must have a single value, got "
                + SweepSpec.describe(value))
        }
    }

    /// `s` as a YAML double-quoted scalar.
    static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || PathComponent.isControl(scalar) {
                    out += scalar.value <= 0xFFFF ? String(format: "\\u%04X", scalar.value) : String(format: "\\U%08X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
