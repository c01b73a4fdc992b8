import CSupport

/// A place other than the host where tensors live and kernels run: a GPU (the `CUDA` module's
/// backend), or that backend emulated on the CPU for tests.
///
/// A tensor's storage is on the host or on one device (``Tensor/device``). The kernels of
/// ``Kernels`` look at their operands: host operands run the CPU code, device operands hand the
/// same operation to the device as a ``DeviceKernel`` (or a ``DeviceReduction`` where a scalar
/// comes back). The algorithms above the kernels do not change; they run on a device when their
/// tensors were made there (``Devices/using(_:_:)``).
///
/// A device tensor's `data` is a device address: the host never reads it. Host element access
/// (`tensor[i]`, `buffer`) on a device tensor stops with a message; ``Tensor/toArray()`` and
/// ``Tensor/assign(_:)`` copy between host and device.
public protocol ComputeDevice: AnyObject, Sendable {
    /// A name for messages, e.g. "NVIDIA H200".
    var name: String { get }
    /// `count` floats of device memory, zero-filled.
    func allocate(count: Int) -> UnsafeMutablePointer<Float>
    func deallocate(_ pointer: UnsafeMutablePointer<Float>)
    /// Copies `count` floats; each side is on this device or on the host as the flags say.
    func copy(_ count: Int, from source: UnsafePointer<Float>, onDevice sourceOnDevice: Bool,
              to destination: UnsafeMutablePointer<Float>, onDevice destinationOnDevice: Bool)
    /// Runs one kernel (queued in order; results are visible to later kernels and copies).
    func run(_ kernel: DeviceKernel)
    /// Runs reductions to host scalars, one each, waiting once for all of them.
    func reduce(_ reductions: [DeviceReduction]) -> [Double]
    /// Waits until every queued kernel and copy has finished (timing).
    func synchronize()
    /// What the device has been asked to do so far (for benchmarks).
    var activity: DeviceActivity { get }
}

/// Counts of a device's work since it was opened: the figures that bound an update's time on
/// a GPU beyond its arithmetic (each kernel costs a launch, each wait a round trip to the host).
public struct DeviceActivity: Sendable, Equatable {
    /// Kernels and library calls queued (a product is one).
    public var kernels = 0
    /// Times the host waited for a result (reductions to a host scalar).
    public var waits = 0
    /// Copies between host and device.
    public var transfers = 0
    /// Device allocations asked for (tensors made on the device), cached or not.
    public var allocations = 0

    public init() {}

    public static func - (a: DeviceActivity, b: DeviceActivity) -> DeviceActivity {
        var d = DeviceActivity()
        d.kernels = a.kernels - b.kernels
        d.waits = a.waits - b.waits
        d.transfers = a.transfers - b.transfers
        d.allocations = a.allocations - b.allocations
        return d
    }
}

/// What a device runs: a product, or a kernel of the device's kernel library by name with its
/// parameters in the kernel's own order (`Sources/CUDA/Kernels/*.cu` for CUDA).
///
/// The seam knows no kernel by kind: each CPU kernel (``Kernels``, and the method's own fused
/// kernels in the ReverseFlow target) names its device kernel and lists its operands, and the
/// backend checks that list against the kernel's signature before it launches. So adding a
/// kernel touches its device source, the backend's table of signatures, and the Swift call;
/// nothing here. A device without the named kernel stops with its name.
public enum DeviceKernel {
    /// The activations of the fused kernels (``Kernels/biasActivation(_:bias:activation:residual:into:)``).
    public enum Unary: String, Sendable { case relu, gelu, tanh, mish }

    /// `C ← α·op(A)·op(B) + β·C`, row-major views.
    case gemm(a: MatrixRef, transA: Bool, b: MatrixRef, transB: Bool, c: MatrixRef, alpha: Float, beta: Float)
    /// The kernel `name` over `elements` independent work items (a GPU runs a grid-stride loop
    /// over them), with `arguments` in the order of its parameters.
    case named(String, elements: Int, arguments: [KernelArgument])

    /// The kernel's name, for messages.
    public var name: String {
        switch self {
        case .gemm: "gemm"
        case .named(let name, _, _): name
        }
    }
}

/// One parameter of a named device kernel: a device address (a tensor's `data`, 0 for an
/// operand left out), a 64-bit integer (`long long`), an unsigned 64-bit word (`unsigned long
/// long`, the random streams' keys and positions) or a float.
public enum KernelArgument: Sendable, Equatable {
    case address(UInt)
    case int(Int)
    case word(UInt64)
    case float(Float)

    /// The device address of a tensor's storage (nil: an operand left out, passed as 0).
    @inlinable public static func pointer<T>(_ p: UnsafeMutablePointer<T>?) -> KernelArgument { .address(UInt(bitPattern: p)) }
}

extension ComputeDevice {
    /// Runs the named kernel over `elements` work items (see ``DeviceKernel/named(_:elements:arguments:)``).
    @inlinable public func launch(_ name: String, elements: Int, _ arguments: KernelArgument...) {
        run(.named(name, elements: elements, arguments: arguments))
    }
}

/// Reductions to a host scalar, accumulated in Float64 as on the CPU (in another order).
public enum DeviceReduction {
    /// `Σ xᵢ`.
    case sum(x: UnsafeMutablePointer<Float>, count: Int)
    /// `Σ xᵢ²`.
    case sumOfSquares(x: UnsafeMutablePointer<Float>, count: Int)
    /// `Σ (aᵢ − bᵢ)²`.
    case sumOfSquaredDifferences(a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>, count: Int)
}

extension ComputeDevice {
    /// One reduction to a host scalar (waits for it).
    public func reduce(_ reduction: DeviceReduction) -> Double { reduce([reduction])[0] }
}

/// The calling thread's current device, where new tensors are allocated.
public enum Devices {
    private final class Box {
        let device: ComputeDevice
        init(_ device: ComputeDevice) { self.device = device }
    }

    /// The device of the innermost ``using(_:_:)`` on this thread; nil (the host) outside any.
    public static var current: ComputeDevice? {
        guard let raw = rfm_current_device_get() else { return nil }
        return Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue().device
    }

    /// Runs `body` with `device` (nil: the host) as this thread's current device: tensors made
    /// inside (networks, optimiser moments, workspaces) live there, and parallel regions run
    /// inline (the device is the parallelism).
    public static func using<R>(_ device: ComputeDevice?, _ body: () throws -> R) rethrows -> R {
        let previous = rfm_current_device_get()
        defer { rfm_current_device_set(previous) }
        guard let device else {
            rfm_current_device_set(nil)
            return try body()
        }
        let box = Box(device)
        return try withExtendedLifetime(box) {
            rfm_current_device_set(Unmanaged.passUnretained(box).toOpaque())
            return try body()
        }
    }
}

extension Kernels {
    /// The device of the operands, nil when all are on the host; operands on different
    /// devices, or some on the host and some on a device, stop with the kernel's name. Public so
    /// that kernels defined above TensorCore (the method's fused kernels) dispatch the same way.
    @inlinable public static func device(_ kernel: StaticString, _ a: Tensor, _ b: Tensor? = nil, _ c: Tensor? = nil,
                                  _ d: Tensor? = nil, _ e: Tensor? = nil) -> ComputeDevice? {
        if !a.onDevice && !(b?.onDevice ?? false) && !(c?.onDevice ?? false) && !(d?.onDevice ?? false)
            && !(e?.onDevice ?? false) { return nil }
        let home = a.device
        for t in [b, c, d, e] {
            if let t, t.device !== home { mixedLocations(kernel, home, t.device) }
        }
        return home
    }

    /// As ``device(_:_:_:_:)`` for views.
    @inlinable public static func device(_ kernel: StaticString, _ a: MatrixRef, _ b: MatrixRef, _ c: MatrixRef? = nil) -> ComputeDevice? {
        if !a.onDevice && !b.onDevice && !(c?.onDevice ?? false) { return nil }
        let home = a.device
        if b.device !== home { mixedLocations(kernel, home, b.device) }
        if let c, c.device !== home { mixedLocations(kernel, home, c.device) }
        return home
    }

    public static func mixedLocations(_ kernel: StaticString, _ a: ComputeDevice?, _ b: ComputeDevice?) -> Never {
        preconditionFailure("Kernels.\(kernel): operands on \(a?.name ?? "the host") and \(b?.name ?? "the host"); move them to one place first")
    }

    /// Stops when a kernel without a device implementation is handed device tensors.
    @inlinable public static func requireHost(_ kernel: StaticString, _ a: Tensor, _ b: Tensor? = nil, _ c: Tensor? = nil,
                                       _ d: Tensor? = nil) {
        if let device = device(kernel, a, b, c, d) {
            preconditionFailure("Kernels.\(kernel) has no implementation on \(device.name) yet")
        }
    }
}
