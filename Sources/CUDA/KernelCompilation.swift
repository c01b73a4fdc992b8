import Foundation

/// Compiles the kernels' CUDA C source with NVRTC for chosen GPU architectures, with the options
/// the program uses on a GPU, and no GPU or driver: NVRTC needs neither. CI runs it (NVRTC from
/// the `nvidia-cuda-nvrtc-cu12` wheel) so that a kernel change can never reach a GPU uncompiled.
public enum KernelCompilation {
    /// What one compilation produced.
    public struct Report: Sendable, Encodable {
        public let nvrtc: String
        public let library: String
        /// Cubin bytes per compute capability (80 for sm_80, 90 for sm_90).
        public let cubinBytes: [String: Int]
    }

    /// Compiles the source for each capability; throws the first compile error with NVRTC's log.
    public static func compile(capabilities: [Int], environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Report {
        let nvrtc = try NVRTC(environment: environment)
        let source = try DeviceKernels.source()
        var sizes: [String: Int] = [:]
        for capability in capabilities {
            let cubin = try nvrtc.compileToCubin(source, name: "rfm_kernels.cu", capability: capability)
            guard cubin.starts(with: [0x7F, 0x45, 0x4C, 0x46]) else {
                throw CUDAError("NVRTC returned a cubin for sm_\(capability) that is not an ELF file")
            }
            sizes["sm_\(capability)"] = cubin.count
        }
        return Report(nvrtc: nvrtc.versionString, library: nvrtc.library.path, cubinBytes: sizes)
    }
}
