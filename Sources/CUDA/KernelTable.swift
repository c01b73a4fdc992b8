import CUDAEmulation
import TensorCore

/// The backend's kernels and their signatures, one entry per kernel of `Kernels/*.cu`.
///
/// The table is generated from the kernels' own C signatures (the `RFM_ENTRY` lines of
/// `Sources/CUDAEmulation/emulation.cpp`, which compiles the same source for the CPU): only a C++
/// compiler can read a signature, and the emulation's compiler reads them anyway. It drives both
/// launch paths: the GPU compiles the source and looks up exactly these names, and every launch's
/// arguments (``CUDADevice``) are checked against the kernel's layout before they are packed, so a
/// call with a missing, extra or wrongly typed argument stops with the kernel's name instead of
/// reading garbage on a GPU.
public enum KernelTable {
    /// Every kernel's name, in the table's order.
    public static let names: [String] = (0..<Int(rfm_kernel_count())).map { String(cString: rfm_kernel_name(Int32($0))) }

    /// Each kernel's layout: one kind per parameter (`p` address, `i` long long, `w` unsigned
    /// long long, `f` float).
    public static let layouts: [String: [UInt8]] = Dictionary(uniqueKeysWithValues: names.map { name in
        (name, Array(String(cString: rfm_kernel_layout(name)!).utf8))
    })

    /// Throws unless `name` is a kernel and `arguments` match its parameters one for one.
    public static func check(_ name: String, _ arguments: [KernelArgument]) throws {
        guard let layout = layouts[name] else { throw CUDAError("kernel \(name) is not in the backend's kernel table") }
        guard layout.count == arguments.count, zip(layout, arguments).allSatisfy({ $0 == kind($1) }) else {
            throw CUDAError("kernel \(name) takes (\(String(decoding: layout, as: UTF8.self))), "
                            + "called with (\(String(decoding: arguments.map(kind), as: UTF8.self)))")
        }
    }

    private static func kind(_ argument: KernelArgument) -> UInt8 {
        switch argument {
        case .address: UInt8(ascii: "p")
        case .int: UInt8(ascii: "i")
        case .word: UInt8(ascii: "w")
        case .float: UInt8(ascii: "f")
        }
    }
}
