import Foundation

/// The backend's kernels: CUDA C in `Kernels/rfm_kernels.cu` (a resource of this module),
/// compiled once at start-up by NVRTC for the GPU in hand (``CUDADevice``). Each mirrors a CPU
/// kernel (`TensorCore.Kernels`, or the method's own in `ReverseFlow/Kernels`) that launches it
/// by name; the `CUDAEmulation` target compiles the same file for the CPU so the tests check the
/// formulas on any machine, and its table of the kernels' signatures is ``KernelTable``.
public enum DeviceKernels {
    /// Every kernel of the source (the kernel table's names).
    public static var all: [String] { KernelTable.names }

    /// The CUDA C source.
    public static func source() throws -> String {
        guard let url = Bundle.module.url(forResource: "rfm_kernels", withExtension: "cu", subdirectory: "Kernels"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw CUDAError("the kernel source Kernels/rfm_kernels.cu is missing from the CUDA module's resources "
                            + "(keep the ReverseFlowMatching_CUDA.resources folder next to the rfm binary)")
        }
        return text
    }
}
