import Foundation
import Experiments
import Testing
import ReverseFlow

/// The generated `sweep.slurm` with hostile paths: quotes, `$(…)`, backticks, `;`, `%` and
/// spaces stay part of the names; the script parses (`bash -n`) and, run with a stub `rfm`,
/// passes the exact paths and runs nothing else.
@Suite("Slurm script")
struct SlurmScriptTests {
    /// Runs `bash args…` in `directory` with `environment` added; returns the exit status and output.
    static func bash(_ args: [String], in directory: URL, environment: [String: String] = [:]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = args
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Every file name under `root` (recursively).
    static func names(under root: URL) -> Set<String> {
        let e = FileManager.default.enumerator(atPath: root.path)
        var out: Set<String> = []
        while let p = e?.nextObject() as? String { out.insert(URL(fileURLWithPath: p).lastPathComponent) }
        return out
    }

    @Test("Hostile names reach rfm intact and run nothing")
    func hostileNames() throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("slurm-script-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: root) }
        let hostile = #"q"u'o`touch Y` $(touch X);touch W %A"#
        let work = root.appendingPathComponent("work \(hostile)")
        let bin = root.appendingPathComponent("bin \(hostile)")
        for dir in [work, bin] { try fm.createDirectory(at: dir, withIntermediateDirectories: true) }
        let sweepFile = work.appendingPathComponent("y$(touch X).yaml").path
        let out = root.appendingPathComponent("out \(hostile)").path
        let record = root.appendingPathComponent("record.txt").path
        let stub = bin.appendingPathComponent("rfm'stub").path
        try "#!/bin/bash\n{ pwd; printf '%s\\n' \"$@\"; } > \"$STUB_RECORD\"\n".write(toFile: stub, atomically: true, encoding: .utf8)
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub)

        let script = try SlurmScript.make(sweepFile: sweepFile, executable: stub, runs: 3, threads: 2, out: out, workingDirectory: work.path)
        #expect(script.contains("#SBATCH --array=0-2\n#SBATCH --cpus-per-task=2\n"))
        #expect(script.contains("#SBATCH --output=" + SlurmScript.quoted(out.replacingOccurrences(of: "%", with: "%%") + "/slurm/%A_%a.log") + "\n"))
        let scriptURL = root.appendingPathComponent("sweep.slurm")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)

        let (syntax, syntaxOutput) = try Self.bash(["-n", scriptURL.path], in: root)
        #expect(syntax == 0, "\(syntaxOutput)")
        // Once with the binary the script names, once with RFM naming it (what a site's module does).
        for environment in [["SLURM_ARRAY_TASK_ID": "1"], ["SLURM_ARRAY_TASK_ID": "1", "RFM": stub]] {
            try? fm.removeItem(atPath: record)
            let (status, output) = try Self.bash([scriptURL.path], in: root, environment: environment.merging(["STUB_RECORD": record]) { a, _ in a })
            #expect(status == 0, "\(output)")
            let lines = try String(contentsOfFile: record, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines == [work.path, "sweep", "--index", "1", "--threads", "2", "--", sweepFile, ""])
            #expect(Self.names(under: root).isDisjoint(with: ["X", "Y", "W"]), "\(Self.names(under: root))")
        }
    }

    @Test("A path with a newline or (for the log folder) a backslash is refused in one line")
    func refusedPaths() throws {
        func make(file: String = "/s.yaml", out: String = "/o") throws -> String {
            try SlurmScript.make(sweepFile: file, executable: "/bin/rfm", runs: 1, threads: 1, out: out, workingDirectory: "/")
        }
        #expect(throws: ConfigError("sweep file path '/a\\nrm -rf x.yaml' contains a control character (such as a newline)")) {
            try make(file: "/a\nrm -rf x.yaml")
        }
        #expect(throws: ConfigError("sweep 'out' folder '/o\\ntouch X' contains a control character (such as a newline)")) {
            try make(out: "/o\ntouch X")
        }
        #expect(throws: ConfigError.self) { try make(out: "/o\\x") }
        #expect(SlurmScript.quoted("it's") == #"'it'\''s'"#)
    }
}
