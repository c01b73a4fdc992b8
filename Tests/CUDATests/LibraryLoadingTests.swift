import CUDA
import Foundation
import Testing

/// The run-time loading of the CUDA libraries, checked on any machine with stand-in libraries.
@Suite struct LibraryLoadingTests {
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rfm-cuda-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aMissingLibraryIsNamedWithTheVariableThatFindsIt() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            _ = try DynamicLibrary("cuBLAS", names: ["libcublas-not-here.so.99"],
                                   environment: ["RFM_CUDA_LIB_DIR": folder.path, "PATH": ""])
            Issue.record("a library that does not exist was opened")
        } catch let error as CUDAError {
            #expect(error.message.contains("cuBLAS not found"))
            #expect(error.message.contains("libcublas-not-here.so.99"))
            #expect(error.message.contains("RFM_CUDA_LIB_DIR"))
        }
    }

    /// A library in RFM_CUDA_LIB_DIR is taken before the loader's own search: here the C math
    /// library under another name, whose `cos` must then work through the typed pointer.
    @Test func theFolderInTheVariableComesFirstAndFunctionsAreCallable() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let libm = ["/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6", "/lib64/libm.so.6"]
            .first { FileManager.default.fileExists(atPath: $0) }
        let target = try #require(libm, "no libm.so.6 found to stand in for a CUDA library")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("libstandin.so.1").path,
                                                   withDestinationPath: target)
        let library = try DynamicLibrary("stand-in", names: ["libstandin.so.1"], environment: ["RFM_CUDA_LIB_DIR": folder.path])
        #expect(library.path == folder.appendingPathComponent("libstandin.so.1").path)
        let cosine: @convention(c) (Double) -> Double = try library.function("cos")
        #expect(cosine(0) == 1)
        #expect(throws: CUDAError.self) {
            let _: @convention(c) () -> Void = try library.function("cuNoSuchFunction")
        }
    }
}
