import Foundation

/// A failure of the CUDA backend: a library or GPU that is missing, or a CUDA call that failed.
/// The message says what was looked for or called, and what to do.
public struct CUDAError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A shared library opened with `dlopen` at run time, so that the build needs no CUDA at all.
///
/// Where it looks, in order: each folder of `RFM_CUDA_LIB_DIR` (colon-separated), then the
/// dynamic loader's own search (`LD_LIBRARY_PATH`, the ld.so cache: where a system CUDA or the
/// NVIDIA driver puts its libraries), then the `nvidia/cu13/lib` and `nvidia/*/lib` folders of
/// the Python environments on `PATH` (PyTorch's wheels carry cuBLAS, NVRTC and the runtime
/// there), then `/usr/local/cuda/lib64`.
public final class DynamicLibrary: @unchecked Sendable {
    public let handle: UnsafeMutableRawPointer
    /// The file that was opened (a full path, or the bare name the loader resolved).
    public let path: String

    /// Opens the first of `names` (e.g. `libcublas.so.13`, `libcublas.so.12`) found in the
    /// search folders; `what` names the library in the error ("cuBLAS").
    /// `hint` ends the error message (where such a library usually comes from).
    public init(_ what: String, names: [String], hint: String = DynamicLibrary.toolkitHint,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var tried: [String] = []
        let searched = DynamicLibrary.searchFolders(environment)
        for folder in searched {
            for name in names {
                let candidate = folder.map { "\($0)/\(name)" } ?? name
                if let folder, !FileManager.default.fileExists(atPath: "\(folder)/\(name)") { continue }
                if let h = dlopen(candidate, RTLD_NOW | RTLD_GLOBAL) {
                    handle = h
                    path = candidate
                    return
                }
                tried.append(candidate + (dlerror().map { ": " + String(cString: $0) } ?? ""))
            }
        }
        let folders = searched.compactMap { $0 }
        throw CUDAError("""
            \(what) not found: no \(names.joined(separator: " or ")) in RFM_CUDA_LIB_DIR, the loader's path \
            or \(folders.isEmpty ? "the usual CUDA folders" : folders.joined(separator: ", ")). \
            \(hint)\(tried.isEmpty ? "" : " Tried: " + tried.joined(separator: "; "))
            """)
    }

    /// Where cuBLAS and NVRTC come from.
    public static let toolkitHint = """
        Set RFM_CUDA_LIB_DIR to the folder that holds it (for PyTorch's CUDA 13 wheels: \
        <site-packages>/nvidia/cu13/lib).
        """

    /// The folders to look in; nil stands for the loader's own search.
    static func searchFolders(_ environment: [String: String]) -> [String?] {
        var folders: [String?] = []
        if let dirs = environment["RFM_CUDA_LIB_DIR"] {
            folders += dirs.split(separator: ":").map { String($0) }
        }
        folders.append(nil)
        folders += pythonNvidiaFolders(environment)
        folders.append("/usr/local/cuda/lib64")
        return folders
    }

    /// `…/site-packages/nvidia/{cu13,*}/lib` of the Python installations found next to each
    /// `python3` on PATH.
    static func pythonNvidiaFolders(_ environment: [String: String]) -> [String] {
        let fm = FileManager.default
        var found: [String] = []
        for bin in (environment["PATH"] ?? "").split(separator: ":") {
            let prefix = URL(fileURLWithPath: String(bin)).deletingLastPathComponent()
            let libDir = prefix.appendingPathComponent("lib").path
            guard let pythons = try? fm.contentsOfDirectory(atPath: libDir) else { continue }
            for python in pythons.sorted() where python.hasPrefix("python3") {
                let nvidia = "\(libDir)/\(python)/site-packages/nvidia"
                guard let parts = try? fm.contentsOfDirectory(atPath: nvidia) else { continue }
                // cu13 first: it bundles every CUDA 13 library in one folder.
                for part in parts.sorted(by: { ($0 == "cu13" ? 0 : 1, $0) < ($1 == "cu13" ? 0 : 1, $1) }) {
                    let lib = "\(nvidia)/\(part)/lib"
                    if fm.fileExists(atPath: lib), !found.contains(lib) { found.append(lib) }
                }
            }
        }
        return found
    }

    /// The function `name`, typed as the C function pointer `T`.
    public func function<T>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let symbol = dlsym(handle, name) else {
            throw CUDAError("\(path) has no function \(name) (an older or newer CUDA than this program expects)")
        }
        return unsafeBitCast(symbol, to: T.self)
    }
}
