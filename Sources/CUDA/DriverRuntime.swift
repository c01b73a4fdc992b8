import Foundation

/// The real GPU: device 0's primary context through the driver API, cuBLAS, and the backend's
/// kernels compiled by NVRTC for this GPU at start-up.
///
/// A driver context is current per thread, so every call first makes the primary context current
/// on the calling thread (tests and tasks may call from threads other than the one that opened
/// the device).
final class DriverRuntime: DeviceRuntime, @unchecked Sendable {
    let driver: Driver
    let blas: CUBLAS
    let nvrtc: NVRTC
    let info: DeviceInfo
    private let context: OpaquePointer?
    private var functions: [String: OpaquePointer] = [:]

    init(environment: [String: String]) throws {
        let driver = try Driver(environment: environment)
        self.driver = driver
        try driver.check(driver.cuInit(0), "cuInit (is the NVIDIA driver loaded and a GPU visible?)")
        var count: Int32 = 0
        try driver.check(driver.cuDeviceGetCount(&count), "cuDeviceGetCount")
        guard count > 0 else { throw CUDAError("the NVIDIA driver sees no GPU (CUDA_VISIBLE_DEVICES?)") }
        var device: Int32 = 0
        try driver.check(driver.cuDeviceGet(&device, 0), "cuDeviceGet")
        var nameBuffer = [CChar](repeating: 0, count: 256)
        try driver.check(driver.cuDeviceGetName(&nameBuffer, 256, device), "cuDeviceGetName")
        let name = String(decoding: nameBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var bytes = 0
        try driver.check(driver.cuDeviceTotalMem(&bytes, device), "cuDeviceTotalMem")
        var major: Int32 = 0, minor: Int32 = 0
        try driver.check(driver.cuDeviceGetAttribute(&major, Driver.computeCapabilityMajor, device), "cuDeviceGetAttribute")
        try driver.check(driver.cuDeviceGetAttribute(&minor, Driver.computeCapabilityMinor, device), "cuDeviceGetAttribute")
        let capability = Int(major) * 10 + Int(minor)
        var version: Int32 = 0
        try driver.check(driver.cuDriverGetVersion(&version), "cuDriverGetVersion")
        var primary: OpaquePointer?
        try driver.check(driver.cuDevicePrimaryCtxRetain(&primary, device), "cuDevicePrimaryCtxRetain")
        context = primary
        try driver.check(driver.cuCtxSetCurrent(primary), "cuCtxSetCurrent")
        blas = try CUBLAS(environment: environment)
        nvrtc = try NVRTC(environment: environment)
        info = DeviceInfo(name: name, memoryBytes: bytes, capability: capability,
                          driverVersion: "\(version / 1000).\((version % 1000) / 10)", compilerVersion: nvrtc.versionString,
                          libraryPaths: ["driver": driver.library.path, "cuBLAS": blas.library.path, "NVRTC": nvrtc.library.path],
                          emulated: false)
        let cubin = try nvrtc.compileToCubin(try DeviceKernels.source(), name: "rfm_kernels.cu", capability: capability)
        var module: OpaquePointer?
        try cubin.withUnsafeBytes { try driver.check(driver.cuModuleLoadData(&module, $0.baseAddress!), "cuModuleLoadData") }
        for kernel in KernelTable.names {
            var function: OpaquePointer?
            try driver.check(driver.cuModuleGetFunction(&function, module, kernel), "cuModuleGetFunction(\(kernel))")
            functions[kernel] = function
        }
    }

    /// Makes the primary context current on this thread when it is not.
    private func makeCurrent() throws {
        var current: OpaquePointer?
        try driver.check(driver.cuCtxGetCurrent(&current), "cuCtxGetCurrent")
        if current != context { try driver.check(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent") }
    }

    func allocate(bytes: Int) throws -> UInt64 {
        try makeCurrent()
        var pointer: UInt64 = 0
        let size = max(bytes, 4)
        try driver.check(driver.cuMemAlloc(&pointer, size), "cuMemAlloc(\(bytes) bytes)")
        try driver.check(driver.cuMemsetD32(pointer, 0, (size + 3) / 4), "cuMemsetD32")
        return pointer
    }

    func free(_ address: UInt64) {
        try? makeCurrent()
        _ = driver.cuMemFree(address)
    }

    func upload(to address: UInt64, from host: UnsafeRawPointer, bytes: Int) throws {
        try makeCurrent()
        try driver.check(driver.cuMemcpyHtoD(address, host, bytes), "cuMemcpyHtoD")
    }

    func download(from address: UInt64, into host: UnsafeMutableRawPointer, bytes: Int) throws {
        try makeCurrent()
        try driver.check(driver.cuMemcpyDtoH(host, address, bytes), "cuMemcpyDtoH")
    }

    func copyOnDevice(from source: UInt64, to destination: UInt64, bytes: Int) throws {
        try makeCurrent()
        try driver.check(driver.cuMemcpyDtoD(destination, source, bytes), "cuMemcpyDtoD")
    }

    func launch(_ kernel: String, blocks: Int, threads: Int, parameters: UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws {
        guard let function = functions[kernel] else { throw CUDAError("kernel \(kernel) was not compiled") }
        try makeCurrent()
        try driver.check(driver.cuLaunchKernel(function, UInt32(blocks), 1, 1, UInt32(threads), 1, 1, 0, nil, parameters, nil),
                         "cuLaunchKernel(\(kernel))")
    }

    func sgemmColumnMajor(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                          a: UInt64, lda: Int, b: UInt64, ldb: Int, beta: Float, c: UInt64, ldc: Int) throws {
        try makeCurrent()
        try blas.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                       beta: beta, c: c, ldc: ldc)
    }

    func setTF32(_ on: Bool) throws { try blas.setTF32(on) }

    func synchronize() throws {
        try makeCurrent()
        try driver.check(driver.cuCtxSynchronize(), "cuCtxSynchronize")
    }
}
