import Foundation

/// The backend's kernels: CUDA C in `Kernels/*.cu` (resources of this module, ``files``),
/// compiled once at start-up by NVRTC for the GPU in hand (``CUDADevice``). Each mirrors a CPU
/// kernel (`TensorCore.Kernels`, or the method's own in `ReverseFlow/Kernels`) that launches it
/// by name; the `CUDAEmulation` target compiles the same files for the CPU so the tests check the
/// formulas on any machine, and its table of the kernels' signatures is ``KernelTable``.
public enum DeviceKernels {
    /// The source files of `Kernels/`, in the order they are compiled as one program: the shared
    /// helpers and generic kernels first, the method's own kernels last. The emulation includes
    /// them in the same order (`Sources/CUDAEmulation/emulation.cpp`).
    public static let files = ["rfm_kernels", "rfm_reductions", "rfm_random", "rfm_method_kernels"]

    /// The CUDA C source: the files concatenated.
    public static func source() throws -> String {
        try files.map { name in
            guard let url = Bundle.module.url(forResource: name, withExtension: "cu", subdirectory: "Kernels"),
                  let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw CUDAError("the kernel source Kernels/\(name).cu is missing from the CUDA module's resources "
                                + "(keep the ReverseFlowMatching_CUDA.resources folder next to the rfm binary)")
            }
            return text
        }.joined(separator: "\n")
    }
}
