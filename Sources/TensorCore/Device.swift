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

    public init() {}

    public static func - (a: DeviceActivity, b: DeviceActivity) -> DeviceActivity {
        var d = DeviceActivity()
        d.kernels = a.kernels - b.kernels
        d.waits = a.waits - b.waits
        d.transfers = a.transfers - b.transfers
        return d
    }
}

/// The kernels a device runs, one case per CPU kernel it mirrors, with raw operands (device
/// addresses and sizes). A device that lacks one stops with the kernel's name.
public enum DeviceKernel {
    public enum Binary: String, Sendable { case add, subtract, multiply, minimum }
    public enum Unary: String, Sendable { case relu, gelu, tanh, mish }
    public enum Derivative: String, Sendable { case relu, gelu, mish }
    public enum Formula: String, Sendable {
        case reciprocal, ratio, negatedRatio, squaredRatio, oneMinus, tanhLogJacobian, tanhScore, controlVariateCoefficient
        case minimumShare, clamp, squareRoot
        /// `(a + p) − q·b`, `a + p`, and `max(a, p)` with Swift's `max`.
        case shiftedDifference, addScalar, floor
    }
    public enum RowReduction: String, Sendable { case sum, max, logSumExp, softmax }

    /// `C ← α·op(A)·op(B) + β·C`, row-major views.
    case gemm(a: MatrixRef, transA: Bool, b: MatrixRef, transB: Bool, c: MatrixRef, alpha: Float, beta: Float)
    /// Every element of `x` `[count]` set to `value`.
    case fill(x: UnsafeMutablePointer<Float>, value: Float, count: Int)
    /// A strided matrix copy (also the column blocks of `concatColumns`).
    case copy(source: MatrixRef, destination: MatrixRef)
    /// `out ← a ∘ b` elementwise.
    case binary(Binary, a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>, count: Int)
    /// `y ← f(x)` elementwise.
    case unary(Unary, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int)
    /// `dx ← dy ⊙ f′(x)`.
    case derivative(Derivative, dy: UnsafeMutablePointer<Float>, x: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>, count: Int)
    /// `out ← s·x`.
    case scale(x: UnsafeMutablePointer<Float>, by: Float, out: UnsafeMutablePointer<Float>, count: Int)
    /// `out ← a·x + b·y`.
    case linearCombination(a: Float, x: UnsafeMutablePointer<Float>, b: Float, y: UnsafeMutablePointer<Float>,
                           out: UnsafeMutablePointer<Float>, count: Int)
    /// `out ← (x − s·y)/q`, or `q·(x − s·y)` when not `divide`.
    case scaledDifference(x: UnsafeMutablePointer<Float>, s: Float, y: UnsafeMutablePointer<Float>, q: Float, divide: Bool,
                          out: UnsafeMutablePointer<Float>, count: Int)
    /// `y ← y + α·x`.
    case axpy(alpha: Float, x: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int)
    /// `a ← α·a + β·b`.
    case blend(a: UnsafeMutablePointer<Float>, alpha: Float, b: UnsafeMutablePointer<Float>, beta: Float, count: Int)
    /// `y ← y + x` for two views of the same shape.
    case addMatrix(x: MatrixRef, y: MatrixRef)
    /// Row vector `v` `[cols]` added to every row of `m` `[rows, cols]`.
    case addRowVector(v: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, rows: Int, cols: Int)
    /// `out[c] ← (out[c] +) Σ_r m[r, c]`.
    case sumColumns(m: UnsafeMutablePointer<Float>, rows: Int, cols: Int, out: UnsafeMutablePointer<Float>, accumulate: Bool)
    /// One Adam step in place (``Kernels/adamStep(parameter:firstMoment:secondMoment:gradient:learningRate:beta1:beta2:correction1:correction2:epsilon:)``).
    case adam(parameter: UnsafeMutablePointer<Float>, firstMoment: UnsafeMutablePointer<Float>, secondMoment: UnsafeMutablePointer<Float>,
              gradient: UnsafeMutablePointer<Float>, learningRate: Float, beta1: Float, beta2: Float, correction1: Float,
              correction2: Float, epsilon: Float, count: Int)
    /// The estimator's named formulas (`Kernels+Estimator.swift`) and the clamp; `b` where the
    /// formula has a second operand, `p` and `q` its scalars (offset; λ; ridge and clip; bound).
    case formula(Formula, a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>?, out: UnsafeMutablePointer<Float>,
                 p: Float, q: Float, count: Int)
    /// Row sums, maxima, log-sum-exps (`out` `[rows]`) or softmaxes (`out` `[rows, cols]`).
    case rows(RowReduction, m: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>, rows: Int, cols: Int)
    /// Row means and population standard deviations.
    case meanAndStdRows(m: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>, std: UnsafeMutablePointer<Float>,
                        rows: Int, cols: Int)
    /// `z[r, :] += bias`, then `out ← f(z)` plus `residual` when given (nil `f`: the identity).
    case biasActivation(z: UnsafeMutablePointer<Float>, bias: UnsafeMutablePointer<Float>, activation: Unary?,
                        residual: MatrixRef?, out: UnsafeMutablePointer<Float>, rows: Int, cols: Int)
    /// `z[r, :] += groupRows[r / (rows / groups), :]` (when given) `+ row`, then `out ← f(z)`.
    case addSharesActivation(z: UnsafeMutablePointer<Float>, groupRows: UnsafeMutablePointer<Float>?, groups: Int,
                             row: UnsafeMutablePointer<Float>, activation: Unary?, out: UnsafeMutablePointer<Float>, rows: Int, cols: Int)
    /// SAC's tanh-Gaussian sample (``Kernels/tanhGaussianSample(_:noise:logStdRange:actions:std:insideClip:logProbs:)``).
    case tanhGaussianSample(out: UnsafeMutablePointer<Float>, noise: UnsafeMutablePointer<Float>, low: Float, high: Float,
                            halfLog2Pi: Float, actions: UnsafeMutablePointer<Float>, std: UnsafeMutablePointer<Float>,
                            insideClip: UnsafeMutablePointer<Float>, logProbs: UnsafeMutablePointer<Float>, rows: Int, cols: Int)
    /// Its backward pass (``Kernels/tanhGaussianBackward(actionGradient:actions:std:noise:insideClip:alpha:into:)``).
    case tanhGaussianBackward(actionGradient: UnsafeMutablePointer<Float>, actions: UnsafeMutablePointer<Float>,
                              std: UnsafeMutablePointer<Float>, noise: UnsafeMutablePointer<Float>, insideClip: UnsafeMutablePointer<Float>,
                              alpha: Float, out: UnsafeMutablePointer<Float>, rows: Int, cols: Int)
    /// `m[r, :] += v[r]`.
    case addColumnVector(v: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, rows: Int, cols: Int)
    /// `out[r·times + k, :] ← source[r, :]`.
    case repeatRows(source: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>, rows: Int, cols: Int, times: Int)
    /// `out[g·K + k] ← scale[g]·x[g·K + k] + shiftScale[g]·shift[g]`, rows of width `cols`.
    case groupAffine(x: UnsafeMutablePointer<Float>, scale: UnsafeMutablePointer<Float>, shift: UnsafeMutablePointer<Float>,
                     shiftScale: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>, groups: Int, rows: Int, cols: Int)
    /// `out[g, :] ← Σ_k w[g, k]·x[g·K + k, :]`.
    case groupWeightedSum(w: UnsafeMutablePointer<Float>, x: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>,
                          groups: Int, k: Int, cols: Int)
    /// `out[g·K + k] ← x[g·K + k] − rows[g]` over `n` rows.
    case subtractGroupRows(x: UnsafeMutablePointer<Float>, rows: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>,
                           groups: Int, n: Int, cols: Int)
    /// `x[g·K + k] += rows[g]` over `n` rows.
    case addGroupRows(rows: UnsafeMutablePointer<Float>, x: UnsafeMutablePointer<Float>, groups: Int, n: Int, cols: Int)
    /// Every row of `out` set to `v`, or every row `r` to `v[r]`.
    case broadcastRow(v: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>, rows: Int, cols: Int)
    case broadcastColumn(v: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>, rows: Int, cols: Int)
    /// The arg-max of each row into 64-bit indices.
    case argmaxRows(m: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int>, rows: Int, cols: Int)
    /// `out[i, :] ← source[indices[i] + i·groupSize, :]` (a row outside `0..<sourceRows` gives NaNs).
    case gatherRows(source: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int>, groupSize: Int,
                    out: UnsafeMutablePointer<Float>, count: Int, cols: Int, sourceRows: Int)
    /// `RandomStream.categorical`'s draws: row i by softmax(row), with block `position + i`.
    case categorical(logits: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int>, rows: Int, cols: Int,
                     seed: UInt64, stream: UInt64, position: UInt64)
    /// The sinusoidal embedding of `count` scalars with `half` frequencies.
    case sinusoidalEmbedding(x: UnsafeMutablePointer<Float>, frequencies: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>,
                             count: Int, half: Int)
    /// `RandomStream.fillUniform`'s numbers: `low + width·u` from block `position` of the stream.
    case fillUniform(x: UnsafeMutablePointer<Float>, count: Int, low: Float, width: Float, seed: UInt64, stream: UInt64, position: UInt64)
    /// `RandomStream.fillNormal`'s numbers.
    case fillNormal(x: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float, seed: UInt64, stream: UInt64, position: UInt64)

    /// The CPU kernel this case mirrors, for messages.
    public var name: String {
        switch self {
        case .gemm: "gemm"
        case .fill: "fill"
        case .copy: "copy"
        case .binary(let op, _, _, _, _): op.rawValue
        case .unary(let op, _, _, _): op.rawValue
        case .derivative(let op, _, _, _, _): "\(op.rawValue)Backward"
        case .scale: "scale"
        case .axpy: "axpy"
        case .linearCombination: "linearCombination"
        case .scaledDifference: "scaledDifference"
        case .blend: "blend"
        case .addMatrix: "add(_:to:)"
        case .addRowVector: "addRowVector"
        case .sumColumns: "sumColumns"
        case .adam: "adamStep"
        case .formula(let f, _, _, _, _, _, _): f.rawValue
        case .rows(let r, _, _, _, _): "\(r.rawValue)Rows"
        case .meanAndStdRows: "meanAndStdRows"
        case .addColumnVector: "addColumnVector"
        case .biasActivation: "biasActivation"
        case .addSharesActivation: "addSharesActivation"
        case .tanhGaussianSample: "tanhGaussianSample"
        case .tanhGaussianBackward: "tanhGaussianBackward"
        case .repeatRows: "repeatRows"
        case .groupAffine: "groupAffine"
        case .groupWeightedSum: "groupWeightedSum"
        case .subtractGroupRows: "subtractGroupRows"
        case .addGroupRows: "addGroupRows"
        case .broadcastRow: "broadcastRow"
        case .broadcastColumn: "broadcastColumn"
        case .argmaxRows: "argmaxRows"
        case .gatherRows: "gatherRows"
        case .categorical: "categorical"
        case .sinusoidalEmbedding: "sinusoidalEmbedding"
        case .fillUniform: "fillUniform"
        case .fillNormal: "fillNormal"
        }
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
    /// devices, or some on the host and some on a device, stop with the kernel's name.
    @inlinable static func device(_ kernel: StaticString, _ a: Tensor, _ b: Tensor? = nil, _ c: Tensor? = nil,
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
    @inlinable static func device(_ kernel: StaticString, _ a: MatrixRef, _ b: MatrixRef, _ c: MatrixRef? = nil) -> ComputeDevice? {
        if !a.onDevice && !b.onDevice && !(c?.onDevice ?? false) { return nil }
        let home = a.device
        if b.device !== home { mixedLocations(kernel, home, b.device) }
        if let c, c.device !== home { mixedLocations(kernel, home, c.device) }
        return home
    }

    @usableFromInline static func mixedLocations(_ kernel: StaticString, _ a: ComputeDevice?, _ b: ComputeDevice?) -> Never {
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
