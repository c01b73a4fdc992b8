import Environments
import Foundation

/// What the `gym:` bridge's tests share (EnvironmentsTests' bridge tests and ReverseFlowTests'
/// training through it): the Python they use, `RFM_GYM_PYTHON` (scripts/test.sh sets it to the
/// `.venv-gym` it makes) or `python3`, and the fixture environments of
/// Tests/EnvironmentsTests/Fixtures/gym. The tests skip, saying so, when that Python cannot import
/// gymnasium.
public enum GymTestSupport {
    public static let python = ProcessInfo.processInfo.environment["RFM_GYM_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"

    public static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("EnvironmentsTests/Fixtures/gym").path

    /// Whether `python` imports gymnasium (checked once). Also puts the fixtures on the worker's
    /// `PYTHONPATH`, so `gym:rfm_test_envs:…` resolves.
    public static let available: Bool = {
        setenv("PYTHONPATH", fixtures, 1)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python, "-c", "import gymnasium, numpy"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        if p.terminationStatus != 0 {
            print("gym bridge tests skipped: \(python) cannot import gymnasium and numpy (set RFM_GYM_PYTHON; scripts/test.sh makes .venv-gym)")
        }
        return p.terminationStatus == 0
    }()

    /// Why the bridge's suites are skipped when `available` is false (`.enabled(if:_:)`'s comment).
    public static let skipReason = "gymnasium is not importable by RFM_GYM_PYTHON (default python3)"

    public static func settings(timeout: Double = 60) -> GymSettings { GymSettings(python: python, timeout: timeout) }
}
