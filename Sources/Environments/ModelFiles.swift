import Foundation

/// Where the MuJoCo model files of a task family are: the folder named by the environment
/// variable `variable` when it is set and not empty, else `folder` inside this checkout's
/// `.deps/`, where `scripts/setup.sh` unpacks the pinned wheels (the DeepMind Control Suite's
/// `suite/`, Gymnasium's `assets/`).
func modelDirectory(variable: String, deps folder: String) -> String {
    if let dir = ProcessInfo.processInfo.environment[variable], !dir.isEmpty { return dir }
    // This file is Sources/Environments/ModelFiles.swift: the checkout is three folders up.
    var root = URL(fileURLWithPath: #filePath)
    for _ in 0 ..< 3 { root.deleteLastPathComponent() }
    return root.appendingPathComponent(".deps/" + folder).path
}
