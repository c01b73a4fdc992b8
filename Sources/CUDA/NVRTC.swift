import Foundation

/// NVRTC (`libnvrtc.so.13`, or 12), opened at run time: compiles CUDA C source to a cubin for the
/// GPU in hand at start-up, so the project ships kernel source and needs no CUDA toolkit to build.
final class NVRTC: @unchecked Sendable {
    typealias Result = Int32

    let library: DynamicLibrary
    private let create: @convention(c) (UnsafeMutablePointer<OpaquePointer?>, UnsafePointer<CChar>, UnsafePointer<CChar>?, Int32,
                                        UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?) -> Result
    private let compile: @convention(c) (OpaquePointer?, Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> Result
    private let logSize: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>) -> Result
    private let log: @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>) -> Result
    private let cubinSize: @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>) -> Result
    private let cubin: @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>) -> Result
    private let destroy: @convention(c) (UnsafeMutablePointer<OpaquePointer?>) -> Result
    private let errorString: @convention(c) (Result) -> UnsafePointer<CChar>?
    private let version: @convention(c) (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> Result

    init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        library = try DynamicLibrary("NVRTC", names: ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"], environment: environment)
        create = try library.function("nvrtcCreateProgram")
        compile = try library.function("nvrtcCompileProgram")
        logSize = try library.function("nvrtcGetProgramLogSize")
        log = try library.function("nvrtcGetProgramLog")
        cubinSize = try library.function("nvrtcGetCUBINSize")
        cubin = try library.function("nvrtcGetCUBIN")
        destroy = try library.function("nvrtcDestroyProgram")
        errorString = try library.function("nvrtcGetErrorString")
        version = try library.function("nvrtcVersion")
    }

    /// NVRTC's CUDA version, e.g. "13.0".
    var versionString: String {
        var major: Int32 = 0, minor: Int32 = 0
        return version(&major, &minor) == 0 ? "\(major).\(minor)" : "unknown"
    }

    /// Compiles `source` for `sm_<capability>` (e.g. 90 for an H100 or H200) and returns the
    /// cubin. A compile error throws with NVRTC's log, which names the line.
    func compileToCubin(_ source: String, name: String, capability: Int) throws -> [UInt8] {
        var program: OpaquePointer?
        try check(create(&program, source, name, 0, nil, nil), "nvrtcCreateProgram")
        defer { _ = destroy(&program) }
        // --fmad=false: no contraction of a·b + c into one rounding, as on the CPU (see Kernels/rfm_kernels.cu).
        let options = ["--gpu-architecture=sm_\(capability)", "--std=c++17", "-default-device", "--fmad=false"]
        let cOptions = options.map { strdup($0) }
        defer { cOptions.forEach { free($0) } }
        let result = cOptions.map { UnsafePointer($0) }.withUnsafeBufferPointer { compile(program, Int32(options.count), $0.baseAddress) }
        if result != 0 {
            var size = 0
            _ = logSize(program, &size)
            var text = [CChar](repeating: 0, count: max(size, 1))
            _ = log(program, &text)
            throw CUDAError("NVRTC could not compile \(name) for sm_\(capability): \(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
        }
        var size = 0
        try check(cubinSize(program, &size), "nvrtcGetCUBINSize")
        var bytes = [CChar](repeating: 0, count: size)
        try check(cubin(program, &bytes), "nvrtcGetCUBIN")
        return bytes.map { UInt8(bitPattern: $0) }
    }

    private func check(_ result: Result, _ call: String) throws {
        guard result != 0 else { return }
        throw CUDAError("\(call) failed: \(errorString(result).map { String(cString: $0) } ?? "NVRTC error \(result)")")
    }
}
