import CUDA
import Testing
import TensorCore

/// The kernel table read from the kernels' C signatures, and the check every launch goes through.
@Suite struct KernelTableTests {
    @Test func layoutsFollowTheCSignatures() {
        #expect(KernelTable.layouts["rfm_relu"] == Array("ppi".utf8))
        #expect(KernelTable.layouts["rfm_categorical"] == Array("ppiiwww".utf8))
        #expect(KernelTable.layouts["rfm_adam"] == Array("ppppffffffi".utf8))
        #expect(KernelTable.names.count == Set(KernelTable.names).count)
    }

    @Test func launchesWithWrongArgumentsAreRefusedByName() {
        let x = KernelArgument.address(4096)
        #expect(throws: Never.self) { try KernelTable.check("rfm_relu", [x, x, .int(3)]) }
        #expect(throws: CUDAError.self) { try KernelTable.check("rfm_relu", [x, x, .float(3)]) }
        #expect(throws: CUDAError.self) { try KernelTable.check("rfm_relu", [x, x]) }
        #expect(throws: CUDAError.self) { try KernelTable.check("rfm_no_such_kernel", []) }
    }
}
