/// Decodes `Decodable` values from a validated ``RunConfig``: an agent's settings read their
/// config keys through it.
///
/// A keyed container's keys are the names below the container's own key: at the root,
/// `decoder.container(keyedBy:)` reads `seed` or `trainer.steps`; the nested container for `sac`
/// reads `sac.alpha_lr` as `alpha_lr`. Values convert as ``RunConfig``'s typed getters convert
/// them (a `Float` is the `Double` value rounded once), so a setting decoded here equals the one
/// read with `config.float(key)`. Every value read is recorded in ``keysRead``, which lets a test
/// check that a settings type reads each key of its section.
public final class ConfigDecoder: Decoder {
    public let config: RunConfig
    public let codingPath: [CodingKey]
    public var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// The full names of the keys read so far, in the order read (shared with nested decoders).
    public var keysRead: [String] { log.keys }
    private let log: ReadLog

    final class ReadLog { var keys: [String] = [] }

    public convenience init(_ config: RunConfig) {
        self.init(config, codingPath: [], log: ReadLog())
    }

    private init(_ config: RunConfig, codingPath: [CodingKey], log: ReadLog) {
        self.config = config
        self.codingPath = codingPath
        self.log = log
    }

    /// The decoder of the value or section at `key` below this one.
    func child(_ key: CodingKey) -> ConfigDecoder { ConfigDecoder(config, codingPath: codingPath + [key], log: log) }

    /// The dotted config key this decoder stands for (`sac.alpha_lr`).
    var keyName: String { codingPath.map(\.stringValue).joined(separator: ".") }

    /// The value at this decoder's key, recorded as read.
    func value() throws -> ConfigValue {
        guard let value = config.values[keyName] else {
            throw DecodingError.keyNotFound(codingPath.last ?? ConfigKey(""),
                                            .init(codingPath: codingPath, debugDescription: "no config key '\(keyName)'"))
        }
        log.keys.append(keyName)
        return value
    }

    public func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Section<Key>(decoder: self))
    }

    public func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "config values are never lists"))
    }

    public func singleValueContainer() throws -> SingleValueDecodingContainer { Value(decoder: self) }

    /// The keys below one name (the root, or a section such as `sac`).
    struct Section<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: ConfigDecoder
        var codingPath: [CodingKey] { decoder.codingPath }
        var allKeys: [Key] {
            let prefix = decoder.codingPath.isEmpty ? "" : decoder.keyName + "."
            return decoder.config.values.keys.sorted().compactMap { name in
                guard name.hasPrefix(prefix) else { return nil }
                return Key(stringValue: String(name.dropFirst(prefix.count).split(separator: ".")[0]))
            }
        }

        func contains(_ key: Key) -> Bool {
            let name = decoder.child(key).keyName
            return decoder.config.values[name] != nil || decoder.config.values.keys.contains { $0.hasPrefix(name + ".") }
        }

        func decodeNil(forKey key: Key) throws -> Bool { try decoder.child(key).value() == .null }

        /// Every value, whatever its type, decodes itself from the decoder at its key (a number
        /// through ``Value``, an enum from its raw text, a nested type from its section).
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try T(from: decoder.child(key)) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey> {
            try decoder.child(key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer { try decoder.child(key).unkeyedContainer() }
        func superDecoder() throws -> Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> Decoder { decoder.child(key) }
    }

    /// One config value as `Int`, `Double`, `Float`, `String` or `Bool` (an integer also reads as
    /// a number), or as a type that decodes itself from one of those.
    struct Value: SingleValueDecodingContainer {
        let decoder: ConfigDecoder
        var codingPath: [CodingKey] { decoder.codingPath }

        func decodeNil() -> Bool { (try? decoder.value()) == .null }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let primitive = T.self == Int.self || T.self == Double.self || T.self == Float.self
                || T.self == String.self || T.self == Bool.self
            guard primitive else {
                // Other integer widths would come back here from their own init(from:).
                if T.self is any FixedWidthInteger.Type { throw mismatch(type, "") }
                return try T(from: decoder)
            }
            let value = try decoder.value()
            let result: Any? = switch (value, T.self as Any.Type) {
            case (.integer(let v), is Int.Type): v
            case (.integer(let v), is Double.Type): Double(v)
            case (.integer(let v), is Float.Type): Float(Double(v))
            case (.number(let v), is Double.Type): v
            case (.number(let v), is Float.Type): Float(v)
            case (.text(let v), is String.Type): v
            case (.boolean(let v), is Bool.Type): v
            default: nil
            }
            guard let typed = result as? T else { throw mismatch(type, "\(value)") }
            return typed
        }

        func mismatch(_ type: Any.Type, _ value: String) -> DecodingError {
            .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "config key '\(decoder.keyName)' holds '\(value)', not a \(type)"))
        }
    }
}

/// A config key name as a coding key (`"alpha_lr"` in a section's container).
public struct ConfigKey: CodingKey, ExpressibleByStringLiteral, Sendable {
    public let stringValue: String
    public init(_ name: String) { stringValue = name }
    public init(stringValue: String) { self.init(stringValue) }
    public init(stringLiteral value: String) { self.init(value) }
    public var intValue: Int? { nil }
    public init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where Key == ConfigKey {
    /// The value of the key `name` in this section, as the type the context asks for:
    /// `alphaLearningRate: try sac["alpha_lr"]`.
    public subscript<T: Decodable>(_ name: String) -> T {
        get throws { try decode(T.self, forKey: ConfigKey(name)) }
    }

    /// The keys `lower` and `upper` of this section, the ends of a range, which must be in order:
    /// `lower < upper`, else a ``ConfigError`` naming both (`sac.log_std_min` below `sac.log_std_max`).
    public func orderedPair(_ lower: String, _ upper: String) throws -> (lower: Double, upper: Double) {
        let low: Double = try self[lower], high: Double = try self[upper]
        guard low < high else {
            let section = codingPath.map(\.stringValue).joined(separator: ".")
            throw ConfigError("config key '\(section).\(lower)' (\(low)) must be below '\(section).\(upper)' (\(high))")
        }
        return (low, high)
    }

    /// The nested section `name` (`critic`, `sac`).
    public func section(_ name: String) throws -> KeyedDecodingContainer<ConfigKey> {
        try nestedContainer(keyedBy: ConfigKey.self, forKey: ConfigKey(name))
    }
}

extension Decoder {
    /// The section `name` below this decoder's key (from the root: `decoder.section("sac")`).
    public func section(_ name: String) throws -> KeyedDecodingContainer<ConfigKey> {
        try container(keyedBy: ConfigKey.self).section(name)
    }
}

extension ConfigError {
    /// A decoding error as one line naming the key.
    init(_ error: DecodingError) {
        let context: DecodingError.Context? = switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c): c
        @unknown default: nil
        }
        let key = context.map { $0.codingPath.map(\.stringValue).joined(separator: ".") } ?? ""
        self.init("config key '\(key)' cannot be decoded: \(context?.debugDescription ?? "\(error)")")
    }
}
