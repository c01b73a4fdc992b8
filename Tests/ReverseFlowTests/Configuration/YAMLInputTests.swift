import Foundation
import Testing
import ReverseFlow

/// Hostile YAML input: each case used to take gigabytes or abort inside the parser; now each is
/// one line naming the file, found before the parser expands anything.
@Suite("YAML input limits")
struct YAMLInputTests {
    static func temporaryFile(_ text: String, name: String = "in.yaml") throws -> (dir: URL, path: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rfm-yaml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return (dir, file.path)
    }

    /// Nine levels of ten aliases each: 10⁹ leaves once expanded.
    static let billionLaughs: String = {
        var text = "inherit: cpu\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1 ... 9 {
            text += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        return text
    }()

    @Test("A billion-laughs config is refused in one line before the parser expands them")
    func billionLaughs() throws {
        let (dir, path) = try Self.temporaryFile(Self.billionLaughs)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: ConfigError("'\(path)': line 2: YAML anchors and aliases (&name, *name) are not supported; write the values out")) {
            try RunConfig.file(path)
        }
    }

    @Test("Files over 1 MiB are refused without being read whole (even an endless one)")
    func sizeLimit() throws {
        #expect(YAMLInput.maxFileBytes == 1 << 20)
        // 50 MB of comments after a valid config.
        let big = "inherit: cpu\n" + String(repeating: "# padding padding padding padding\n", count: 50_000_000 / 34)
        let (dir, path) = try Self.temporaryFile(big, name: "big.yaml")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: ConfigError("config file '\(path)' is larger than 1048576 bytes (the limit for YAML input)")) {
            try RunConfig.file(path)
        }
        #expect(throws: ConfigError("config file '/dev/zero' is larger than 1048576 bytes (the limit for YAML input)")) {
            try RunConfig.file("/dev/zero")
        }
        #expect(throws: ConfigError("cannot read config file '/no/such.yaml'")) { try RunConfig.file("/no/such.yaml") }
    }

    @Test("Deep nesting is a parse error, not a crash")
    func deepNesting() throws {
        let deep = "trainer: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        do {
            _ = try YAMLInput.load(deep, source: "deep.yaml")
            Issue.record("accepted")
        } catch let e as ConfigError {
            #expect(e.message.hasPrefix("deep.yaml is not valid YAML") && !e.message.contains("\n"), "\(e.message)")
        }
    }

    /// `Yams.load` force-unwrapped non-string mapping keys: these files crashed `rfm train`.
    @Test("Odd but valid YAML is one line, never a crash", arguments: [
        ("[a]: 1", "line 1: a mapping key must be a single value, not a list or a mapping"),
        ("? [a, b]\n: 1", "line 1: a mapping key must be a single value, not a list or a mapping"),
        ("inherit: cpu\n{a: 1}: 2", "line 2: a mapping key must be a single value, not a list or a mapping"),
        ("inherit: cpu\ntrainer: {steps: 1, 'steps': 2}", "is not valid YAML"),
        ("inherit: cpu\n1: a\n'1': b", "key '1' is given twice"),
        ("inherit: cpu\n<<: {seed: 1}", "unknown config key '<<.seed'"),
    ])
    func oddYAML(text: String, message: String) throws {
        let (dir, path) = try Self.temporaryFile(text)
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try RunConfig.file(path)
            Issue.record("accepted: \(text)")
        } catch let e as ConfigError {
            #expect(e.message.contains(message) && !e.message.contains("\n"), "\(e.message)")
        }
    }

    @Test("The alias scan flags only token starts: no preset or experiment trips it")
    func aliasScan() throws {
        #expect(YAMLInput.firstAnchorOrAlias(in: "a: *b") == 1)
        #expect(YAMLInput.firstAnchorOrAlias(in: "a: 1\nb: [x,*y]") == 2)
        #expect(YAMLInput.firstAnchorOrAlias(in: "{a:*b}") == 1)
        #expect(YAMLInput.firstAnchorOrAlias(in: "a: &x 1") == 1)
        #expect(YAMLInput.firstAnchorOrAlias(in: "*a") == 1)
        #expect(YAMLInput.firstAnchorOrAlias(in: "a: 3 * 4   # -scale * mean\nb: x*y\nc: a&b") == nil)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../..").standardized
        var files = ["Sources/ReverseFlow/Presets/paper.yaml", "Sources/ReverseFlow/Presets/cpu.yaml"]
        files += try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("experiments").path)
            .filter { $0.hasSuffix(".yaml") }.map { "experiments/\($0)" }
        #expect(files.count >= 3)
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            #expect(YAMLInput.firstAnchorOrAlias(in: text) == nil, "\(file)")
            #expect(text.utf8.count < YAMLInput.maxFileBytes / 16, "\(file)")
        }
    }
}
