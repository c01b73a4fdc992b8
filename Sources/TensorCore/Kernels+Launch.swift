/// The device half that every pointwise and row-wise kernel starts with, in one place: check
/// the operands, and where they live on a device hand the operation to it as the named kernel.
/// Each kernel then reads `if launchedOnDevice(…) { return }` followed by its CPU loop.
///
/// The parameter orders are those of the kernels in `Sources/CUDA/Kernels/*.cu`. The scalars are
/// an autoclosure so that the host path, the one that runs in every CPU update, builds no array.
extension Kernels {
    /// `out ← f(x, scalars…)` elementwise: checks that `x` and `out` have one shape and, on a
    /// device, launches `kernel` over `x.count` elements with `(x, out, scalars…, count)`.
    /// Returns whether it launched (false on the host: the caller runs its CPU loop).
    @inlinable public static func launchedOnDevice(_ name: StaticString, _ kernel: String, _ x: Tensor, into out: Tensor,
                                                   _ scalars: @autoclosure () -> [KernelArgument] = []) -> Bool {
        checkShape(x, out, name)
        guard let d = device(name, x, out) else { return false }
        d.run(.named(kernel, elements: x.count, arguments: [.pointer(x.data), .pointer(out.data)] + scalars() + [.int(x.count)]))
        return true
    }

    /// `out ← f(a, b, scalars…)` elementwise: checks that `a`, `b` and `out` have one shape and,
    /// on a device, launches `kernel` over `a.count` elements with `(a, b, out, scalars…, count)`.
    @inlinable public static func launchedOnDevice(_ name: StaticString, _ kernel: String, _ a: Tensor, _ b: Tensor, into out: Tensor,
                                                   _ scalars: @autoclosure () -> [KernelArgument] = []) -> Bool {
        checkShape(a, b, name); checkShape(a, out, name)
        guard let d = device(name, a, b, out) else { return false }
        d.run(.named(kernel, elements: a.count,
                     arguments: [.pointer(a.data), .pointer(b.data), .pointer(out.data)] + scalars() + [.int(a.count)]))
        return true
    }

    /// A row-wise kernel of `m` `[rows, cols]` into `out` (a value a row, or a row a row): on a
    /// device, launches `kernel` over `m.rows` work items, one a row, with `(m, out, rows, cols)`.
    /// The caller checks `out`'s shape first, since it differs between such kernels.
    @inlinable public static func launchedRowsOnDevice(_ name: StaticString, _ kernel: String, _ m: Tensor, into out: Tensor) -> Bool {
        guard let d = device(name, m, out) else { return false }
        d.launch(kernel, elements: m.rows, .pointer(m.data), .pointer(out.data), .int(m.rows), .int(m.cols))
        return true
    }
}
