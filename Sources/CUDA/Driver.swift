import Foundation

/// The CUDA driver API (`libcuda.so.1`, installed with the NVIDIA driver), the part this backend
/// uses: device queries, the primary context, memory, copies, modules compiled by NVRTC, kernel
/// launches. cuBLAS runs in the same primary context.
///
/// Every call goes through ``check(_:_:)``, which turns a non-zero `CUresult` into a
/// ``CUDAError`` naming the call and the driver's own description of the code.
final class Driver: @unchecked Sendable {
    typealias Result = Int32
    typealias DevicePointer = UInt64

    let library: DynamicLibrary
    let cuInit: @convention(c) (UInt32) -> Result
    let cuDriverGetVersion: @convention(c) (UnsafeMutablePointer<Int32>) -> Result
    let cuDeviceGetCount: @convention(c) (UnsafeMutablePointer<Int32>) -> Result
    let cuDeviceGet: @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Result
    let cuDeviceGetName: @convention(c) (UnsafeMutablePointer<CChar>, Int32, Int32) -> Result
    let cuDeviceTotalMem: @convention(c) (UnsafeMutablePointer<Int>, Int32) -> Result
    let cuDeviceGetAttribute: @convention(c) (UnsafeMutablePointer<Int32>, Int32, Int32) -> Result
    let cuDevicePrimaryCtxRetain: @convention(c) (UnsafeMutablePointer<OpaquePointer?>, Int32) -> Result
    let cuCtxSetCurrent: @convention(c) (OpaquePointer?) -> Result
    let cuCtxGetCurrent: @convention(c) (UnsafeMutablePointer<OpaquePointer?>) -> Result
    let cuCtxSynchronize: @convention(c) () -> Result
    let cuMemAlloc: @convention(c) (UnsafeMutablePointer<DevicePointer>, Int) -> Result
    let cuMemFree: @convention(c) (DevicePointer) -> Result
    let cuMemcpyHtoD: @convention(c) (DevicePointer, UnsafeRawPointer, Int) -> Result
    let cuMemcpyDtoH: @convention(c) (UnsafeMutableRawPointer, DevicePointer, Int) -> Result
    let cuMemcpyDtoD: @convention(c) (DevicePointer, DevicePointer, Int) -> Result
    let cuMemsetD32: @convention(c) (DevicePointer, UInt32, Int) -> Result
    let cuModuleLoadData: @convention(c) (UnsafeMutablePointer<OpaquePointer?>, UnsafeRawPointer) -> Result
    let cuModuleGetFunction: @convention(c) (UnsafeMutablePointer<OpaquePointer?>, OpaquePointer?, UnsafePointer<CChar>) -> Result
    let cuLaunchKernel: @convention(c) (OpaquePointer?, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, OpaquePointer?,
                                        UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Result
    let cuGetErrorString: @convention(c) (Result, UnsafeMutablePointer<UnsafePointer<CChar>?>) -> Result

    /// `CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR` / `_MINOR`.
    static let computeCapabilityMajor: Int32 = 75
    static let computeCapabilityMinor: Int32 = 76

    init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        library = try DynamicLibrary("The NVIDIA driver library (libcuda)", names: ["libcuda.so.1", "libcuda.so"],
                                     hint: "It comes with the NVIDIA driver: this machine has no NVIDIA GPU driver (or set RFM_CUDA_LIB_DIR to its folder).",
                                     environment: environment)
        cuInit = try library.function("cuInit")
        cuDriverGetVersion = try library.function("cuDriverGetVersion")
        cuDeviceGetCount = try library.function("cuDeviceGetCount")
        cuDeviceGet = try library.function("cuDeviceGet")
        cuDeviceGetName = try library.function("cuDeviceGetName")
        cuDeviceTotalMem = try library.function("cuDeviceTotalMem_v2")
        cuDeviceGetAttribute = try library.function("cuDeviceGetAttribute")
        cuDevicePrimaryCtxRetain = try library.function("cuDevicePrimaryCtxRetain")
        cuCtxSetCurrent = try library.function("cuCtxSetCurrent")
        cuCtxGetCurrent = try library.function("cuCtxGetCurrent")
        cuCtxSynchronize = try library.function("cuCtxSynchronize")
        cuMemAlloc = try library.function("cuMemAlloc_v2")
        cuMemFree = try library.function("cuMemFree_v2")
        cuMemcpyHtoD = try library.function("cuMemcpyHtoD_v2")
        cuMemcpyDtoH = try library.function("cuMemcpyDtoH_v2")
        cuMemcpyDtoD = try library.function("cuMemcpyDtoD_v2")
        cuMemsetD32 = try library.function("cuMemsetD32_v2")
        cuModuleLoadData = try library.function("cuModuleLoadData")
        cuModuleGetFunction = try library.function("cuModuleGetFunction")
        cuLaunchKernel = try library.function("cuLaunchKernel")
        cuGetErrorString = try library.function("cuGetErrorString")
    }

    /// Throws unless `result` is `CUDA_SUCCESS`.
    func check(_ result: Result, _ call: @autoclosure () -> String) throws {
        guard result != 0 else { return }
        var text: UnsafePointer<CChar>?
        let known = cuGetErrorString(result, &text) == 0 && text != nil
        throw CUDAError("\(call()) failed: CUDA error \(result)\(known ? " (" + String(cString: text!) + ")" : "")")
    }
}
