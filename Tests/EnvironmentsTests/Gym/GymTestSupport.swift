import Foundation
import Environments
import Testing

/// The Python the bridge's tests use: `RFM_GYM_PYTHON` (scripts/test.sh sets it to the
/// `.venv-gym` it makes) or `python3`; the tests skip, saying so, when it cannot import gymnasium.
enum GymTestSupport {
    static let python = ProcessInfo.processInfo.environment["RFM_GYM_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/gym").path

    /// Whether `python` imports gymnasium (checked once). Also puts the fixtures on the worker's
    /// `PYTHONPATH`, so `gym:rfm_test_envs:…` resolves.
    static let available: Bool = {
        setenv("PYTHONPATH", fixtures, 1)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python, "-c", "import gymnasium, numpy"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        if p.terminationStatus != 0 {
            print("GymEnvironmentTests skipped: \(python) cannot import gymnasium and numpy (set RFM_GYM_PYTHON; scripts/test.sh makes .venv-gym)")
        }
        return p.terminationStatus == 0
    }()

    static let skipReason: Comment = "gymnasium is not importable by RFM_GYM_PYTHON (default python3)"

    static func settings(timeout: Double = 60) -> GymSettings { GymSettings(python: python, timeout: timeout) }
}
