import ArgumentParser
import CUDA
import Experiments
import Foundation
import NeuralNet
import ReverseFlow
import TensorCore

/// `rfm device`: finds the GPU and the CUDA libraries, compiles the kernels, and checks them
/// against the CPU (``DeviceSelfCheck``, and whole updates with ``UpdateAgreement``; both live in
/// the ReverseFlow library): the first thing to run on a new GPU machine.
struct Device: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the CUDA GPU and libraries, compile the kernels, and check them against the CPU.",
        discussion: """
            The CUDA libraries are opened at run time: the driver's libcuda.so.1, cuBLAS and NVRTC \
            (CUDA 13 or 12), looked for in RFM_CUDA_LIB_DIR, the loader's path, the nvidia/*/lib \
            folders of the Python environments on PATH, and /usr/local/cuda/lib64.
            """
    )

    @Flag(help: "Print one JSON object.") var json = false
    @Flag(help: "Check the backend emulated on the CPU instead of a GPU (for machines without one).") var emulate = false
    @Option(help: """
        Also run whole RFM updates of this preset on the device and on the CPU from the same \
        weights, batch and random streams, and compare their metrics and parameters.
        """)
    var updateCheck: RunConfig.Preset?
    @Option(help: "Updates compared by --update-check.") var updates = 3
    @Option(help: """
        Only compile the kernels with NVRTC for these compute capabilities (e.g. 80,90) and exit: \
        needs NVRTC, no GPU and no driver.
        """)
    var compileOnly: String?

    func validate() throws {
        try requirePositive([("--updates", updates)])
        if compileOnly != nil, emulate || updateCheck != nil {
            throw ValidationError("--compile-only cannot be combined with --emulate or --update-check")
        }
        _ = try compileCapabilities()
    }

    /// The capabilities of --compile-only, checked.
    func compileCapabilities() throws -> [Int]? {
        guard let list = compileOnly else { return nil }
        let values = list.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0.map { (50...130).contains($0) } ?? false }) else {
            throw ValidationError("--compile-only takes compute capabilities such as 80,90, got '\(list)'")
        }
        return values.compactMap { $0 }
    }

    func run() throws {
        if let capabilities = try compileCapabilities() {
            let report = try KernelCompilation.compile(capabilities: capabilities)
            if json {
                try printJSON(report)
            } else {
                print("NVRTC \(report.nvrtc) (\(report.library)) compiled Kernels/*.cu: "
                      + report.cubinBytes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) bytes" }.joined(separator: ", "))
            }
            return
        }
        // A CUDAError prints as one line and exits with 1.
        let device = emulate ? CUDADevice.emulated() : try CUDADevice.open()
        let compute = CUDAComputeDevice(device)
        try device.useTF32(false)
        var check = DeviceSelfCheck(device: compute)
        let checks = check.run()
        let agreement = try updateCheck.map { preset in
            try UpdateAgreement.run(preset: preset.rawValue, updates: updates, device: compute) { if !json { print($0) } }
        }
        if json {
            struct Report: Encodable {
                let name: String, memory_gib: Double, compute_capability: Int, driver: String, nvrtc: String
                let libraries: [String: String], max_errors: [String: Float]
                let update_check: UpdateAgreement.Result?
            }
            try printJSON(Report(name: device.name, memory_gib: Double(device.memoryBytes) / 1_073_741_824,
                                 compute_capability: device.capability, driver: device.driverVersion,
                                 nvrtc: device.compilerVersion, libraries: device.libraryPaths, max_errors: checks,
                                 update_check: agreement))
        } else {
            print(String(format: "%@, %.1f GiB, compute capability %d.%d, driver CUDA %@, NVRTC %@", device.name,
                         Double(device.memoryBytes) / 1_073_741_824, device.capability / 10, device.capability % 10,
                         device.driverVersion, device.compilerVersion))
            for (name, path) in device.libraryPaths.sorted(by: { $0.key < $1.key }) { print("  \(name): \(path)") }
            print("self-check against the CPU kernels (largest difference):")
            for (name, error) in checks.sorted(by: { $0.key < $1.key }) { print(String(format: "  %-16@ %.2e", name, error)) }
        }
        if let bad = checks.first(where: { $0.value > DeviceSelfCheck.tolerance($0.key) }) {
            throw CUDAError("the GPU's \(bad.key) differs from the CPU by \(bad.value)")
        }
        if let a = agreement {
            if !json {
                print(String(format: "RFM updates (%@ preset, %d): metrics within %.2e, parameters within %.2e (relative) of the CPU's",
                             a.preset, a.updates, a.metrics, a.parameters))
            }
            if a.metrics > UpdateAgreement.tolerance || a.parameters > UpdateAgreement.tolerance {
                throw CUDAError("the device's RFM update differs from the CPU's by \(max(a.metrics, a.parameters)) (relative)")
            }
        }
    }
}
