import Foundation
import TensorCore

/// The CUDA backend as a `TensorCore` compute device: tensors made inside
/// `Devices.using(device) { … }` live in GPU memory, and the kernels of `TensorCore.Kernels`
/// run there (cuBLAS for the products, the kernels of `rfm_kernels.cu` for the rest), so the
/// algorithms above the kernels run unchanged on the GPU.
///
/// ``emulated()`` gives the same device on the CPU emulation, whose addresses fault if host code
/// reads them: tests run whole updates on it against the CPU to check that every step stays on
/// the device and computes the same numbers.
///
/// Kernels do not throw; a CUDA failure inside one stops the program with the call that failed.
public final class CUDAComputeDevice: ComputeDevice, @unchecked Sendable {
    public let cuda: CUDADevice
    public var name: String { cuda.name }
    private let lock = NSLock()
    public private(set) var activity = DeviceActivity()
    /// Float64 partial sums of the reductions, grown on demand, and their host copy.
    private var partials: DeviceBuffer?
    private var hostPartials: [Double] = []
    /// Blocks of 256 threads per reduction: at most 8,192 partial sums (64 KB) come back for
    /// the largest tensor, a few hundred for the small ones.
    static let reductionBlocks = 32

    public init(_ cuda: CUDADevice) { self.cuda = cuda }

    /// Device 0 of this machine's GPUs.
    public static func open() throws -> CUDAComputeDevice { CUDAComputeDevice(try CUDADevice.open()) }

    /// The backend on the CPU emulation (tests; see ``CUDADevice/emulated()``).
    public static func emulated() -> CUDAComputeDevice { CUDAComputeDevice(CUDADevice.emulated()) }

    /// The backend's host side alone, kernels skipped (see ``CUDADevice/hostSideOnly()``).
    public static func hostSideOnly() -> CUDAComputeDevice { CUDAComputeDevice(CUDADevice.hostSideOnly()) }

    static func address<T>(_ p: UnsafePointer<T>) -> UInt64 { UInt64(UInt(bitPattern: p)) }
    static func address<T>(_ p: UnsafeMutablePointer<T>) -> UInt64 { UInt64(UInt(bitPattern: p)) }

    private func attempt(_ what: @autoclosure () -> String, _ body: () throws -> Void) {
        do { try body() } catch { fatalError("\(what()) on \(name): \(error)") }
    }

    public func allocate(count: Int) -> UnsafeMutablePointer<Float> {
        var address: UInt64 = 0
        attempt("allocating \(count) floats") { address = try cuda.runtime.allocate(bytes: count * MemoryLayout<Float>.stride) }
        return UnsafeMutablePointer(bitPattern: UInt(address))!
    }

    public func deallocate(_ pointer: UnsafeMutablePointer<Float>) { cuda.runtime.free(Self.address(pointer)) }

    public func copy(_ count: Int, from source: UnsafePointer<Float>, onDevice sourceOnDevice: Bool,
                     to destination: UnsafeMutablePointer<Float>, onDevice destinationOnDevice: Bool) {
        guard count > 0 else { return }
        if sourceOnDevice != destinationOnDevice { activity.transfers += 1 } else if sourceOnDevice { activity.kernels += 1 }
        let bytes = count * MemoryLayout<Float>.stride
        attempt("copying \(count) floats") {
            switch (sourceOnDevice, destinationOnDevice) {
            case (true, true): try cuda.runtime.copyOnDevice(from: Self.address(source), to: Self.address(destination), bytes: bytes)
            case (false, true): try cuda.runtime.upload(to: Self.address(destination), from: source, bytes: bytes)
            case (true, false): try cuda.runtime.download(from: Self.address(source), into: destination, bytes: bytes)
            case (false, false): destination.update(from: source, count: count)
            }
        }
    }

    public func run(_ kernel: DeviceKernel) {
        activity.kernels += 1
        attempt("Kernels.\(kernel.name)") { try launch(kernel) }
    }

    private func launch(_ kernel: DeviceKernel) throws {
        typealias K = DeviceKernels
        func p(_ x: UnsafeMutablePointer<Float>) -> CUDADevice.Argument { .pointer(Self.address(x)) }
        func view(_ m: MatrixRef) -> DeviceMatrix {
            DeviceMatrix(address: Self.address(m.base), rows: m.rows, cols: m.cols, stride: m.stride)
        }
        switch kernel {
        case let .gemm(a, transA, b, transB, c, alpha, beta):
            try cuda.gemm(view(a), transA: transA, view(b), transB: transB, into: view(c), alpha: alpha, beta: beta)
        case let .fill(x, value, count):
            try cuda.launch(K.fill, elements: count, [p(x), .float(value), .int(count)])
        case let .copy(source, destination):
            try cuda.launch(K.copyMatrix, elements: source.rows * source.cols,
                            [p(source.base), .int(source.stride), p(destination.base), .int(destination.stride),
                             .int(source.rows), .int(source.cols)])
        case let .binary(op, a, b, out, count):
            let name = switch op {
            case .add: K.add
            case .subtract: K.subtract
            case .multiply: K.multiply
            case .minimum: K.minimum
            }
            try cuda.launch(name, elements: count, [p(a), p(b), p(out), .int(count)])
        case let .unary(op, x, y, count):
            let name = switch op {
            case .relu: K.relu
            case .gelu: K.gelu
            case .tanh: K.tanh
            case .mish: K.mish
            }
            try cuda.launch(name, elements: count, [p(x), p(y), .int(count)])
        case let .derivative(op, dy, x, dx, count):
            let name = switch op {
            case .relu: K.reluBackward
            case .gelu: K.geluBackward
            case .mish: K.mishBackward
            }
            try cuda.launch(name, elements: count, [p(dy), p(x), p(dx), .int(count)])
        case let .scale(x, s, out, count):
            try cuda.launch(K.scale, elements: count, [p(x), .float(s), p(out), .int(count)])
        case let .linearCombination(a, x, b, y, out, count):
            try cuda.launch(K.linearCombination, elements: count, [.float(a), p(x), .float(b), p(y), p(out), .int(count)])
        case let .scaledDifference(x, s, y, q, divide, out, count):
            try cuda.launch(K.scaledDifference, elements: count, [p(x), .float(s), p(y), .float(q), .int(divide ? 1 : 0), p(out), .int(count)])
        case let .axpy(alpha, x, y, count):
            try cuda.launch(K.axpy, elements: count, [.float(alpha), p(x), p(y), .int(count)])
        case let .blend(a, alpha, b, beta, count):
            try cuda.launch(K.blend, elements: count, [p(a), .float(alpha), p(b), .float(beta), .int(count)])
        case let .addMatrix(x, y):
            try cuda.launch(K.addMatrix, elements: x.rows * x.cols,
                            [p(x.base), .int(x.stride), p(y.base), .int(y.stride), .int(x.rows), .int(x.cols)])
        case let .addRowVector(v, m, rows, cols):
            try cuda.launch(K.addRowVector, elements: rows * cols, [p(v), p(m), .int(rows), .int(cols)])
        case let .sumColumns(m, rows, cols, out, accumulate):
            try cuda.launch(K.sumColumns, elements: cols, [p(m), p(out), .int(rows), .int(cols), .int(accumulate ? 1 : 0)])
        case let .adam(parameter, m, v, g, lr, b1, b2, c1, c2, epsilon, count):
            try cuda.launch(K.adam, elements: count, [p(parameter), p(m), p(v), p(g), .float(lr), .float(b1), .float(b2),
                                                      .float(c1), .float(c2), .float(epsilon), .int(count)])
        case let .formula(formula, a, b, out, p1, p2, count):
            let b = b.map { p($0) } ?? .pointer(0)
            let arguments: (String, [CUDADevice.Argument]) = switch formula {
            case .reciprocal: (K.reciprocal, [p(a), p(out), .float(p1), .int(count)])
            case .ratio: (K.ratio, [p(a), b, p(out), .int(0), .int(count)])
            case .negatedRatio: (K.ratio, [p(a), b, p(out), .int(1), .int(count)])
            case .squaredRatio: (K.squaredRatio, [p(a), b, p(out), .int(count)])
            case .oneMinus: (K.oneMinus, [p(a), p(out), .int(count)])
            case .tanhLogJacobian: (K.tanhLogJacobian, [p(a), p(out), .int(count)])
            case .tanhScore: (K.tanhScore, [p(a), b, p(out), .float(p1), .int(count)])
            case .controlVariateCoefficient: (K.controlVariateCoefficient, [p(a), b, p(out), .float(p1), .float(p2), .int(count)])
            case .minimumShare: (K.minimumShare, [p(a), b, p(out), .int(count)])
            case .clamp: (K.clamp, [p(a), p(out), .float(p1), .int(count)])
            case .squareRoot: (K.squareRoot, [p(a), p(out), .int(count)])
            case .shiftedDifference: (K.shiftedDifference, [p(a), b, p(out), .float(p1), .float(p2), .int(count)])
            case .addScalar: (K.addScalar, [p(a), p(out), .float(p1), .int(count)])
            case .floor: (K.floor, [p(a), p(out), .float(p1), .int(count)])
            }
            try cuda.launch(arguments.0, elements: count, arguments.1)
        case let .rows(reduction, m, out, rows, cols):
            let name = switch reduction {
            case .sum: K.sumRows
            case .max: K.maxRows
            case .logSumExp: K.logSumExpRows
            case .softmax: K.softmaxRows
            }
            try cuda.launch(name, elements: rows, [p(m), p(out), .int(rows), .int(cols)])
        case let .meanAndStdRows(m, mean, std, rows, cols):
            try cuda.launch(K.meanStdRows, elements: rows, [p(m), p(mean), p(std), .int(rows), .int(cols)])
        case let .biasActivation(z, bias, activation, residual, out, rows, cols):
            try cuda.launch(K.biasActivation, elements: rows * cols,
                            [p(z), p(bias), p(out), .pointer(residual.map { Self.address($0.base) } ?? 0), .int(residual?.stride ?? 0),
                             .int(rows), .int(cols), .int(Self.code(activation))])
        case let .addSharesActivation(z, groupRows, groups, row, activation, out, rows, cols):
            try cuda.launch(K.addSharesActivation, elements: rows * cols,
                            [p(z), .pointer(groupRows.map { Self.address($0) } ?? 0), .int(groups), p(row), p(out), .int(rows),
                             .int(cols), .int(Self.code(activation))])
        case let .tanhGaussianSample(out, noise, low, high, halfLog2Pi, actions, std, inside, logProbs, rows, cols):
            try cuda.launch(K.tanhGaussianSample, elements: rows,
                            [p(out), p(noise), .float(low), .float(high), .float(halfLog2Pi), p(actions), p(std), p(inside), p(logProbs),
                             .int(rows), .int(cols)])
        case let .tanhGaussianBackward(dQ, actions, std, noise, inside, alpha, out, rows, cols):
            try cuda.launch(K.tanhGaussianBackward, elements: rows * cols,
                            [p(dQ), p(actions), p(std), p(noise), p(inside), .float(alpha), p(out), .int(rows), .int(cols)])
        case let .addColumnVector(v, m, rows, cols):
            try cuda.launch(K.addColumnVector, elements: rows * cols, [p(v), p(m), .int(rows), .int(cols)])
        case let .repeatRows(source, out, rows, cols, times):
            try cuda.launch(K.repeatRows, elements: rows * times * cols, [p(source), p(out), .int(rows), .int(cols), .int(times)])
        case let .groupAffine(x, scale, shift, shiftScale, out, groups, rows, cols):
            try cuda.launch(K.groupAffine, elements: rows * cols,
                            [p(x), p(scale), p(shift), p(shiftScale), p(out), .int(groups), .int(rows), .int(cols)])
        case let .groupWeightedSum(w, x, out, groups, k, cols):
            try cuda.launch(K.groupWeightedSum, elements: groups * cols, [p(w), p(x), p(out), .int(groups), .int(k), .int(cols)])
        case let .subtractGroupRows(x, rows, out, groups, n, cols):
            try cuda.launch(K.subtractGroupRows, elements: n * cols, [p(x), p(rows), p(out), .int(groups), .int(n), .int(cols)])
        case let .addGroupRows(rows, x, groups, n, cols):
            try cuda.launch(K.addGroupRows, elements: n * cols, [p(rows), p(x), .int(groups), .int(n), .int(cols)])
        case let .broadcastRow(v, out, rows, cols):
            try cuda.launch(K.broadcastRow, elements: rows * cols, [p(v), p(out), .int(rows), .int(cols)])
        case let .broadcastColumn(v, out, rows, cols):
            try cuda.launch(K.broadcastColumn, elements: rows * cols, [p(v), p(out), .int(rows), .int(cols)])
        case let .argmaxRows(m, indices, rows, cols):
            try cuda.launch(K.argmaxRows, elements: rows, [p(m), .pointer(Self.address(indices)), .int(rows), .int(cols)])
        case let .gatherRows(source, indices, groupSize, out, count, cols, sourceRows):
            try cuda.launch(K.gatherGroupRows, elements: count * cols,
                            [p(source), .pointer(Self.address(indices)), .int(groupSize), p(out), .int(count), .int(cols), .int(sourceRows)])
        case let .categorical(logits, indices, rows, cols, seed, stream, position):
            try cuda.launch(K.categorical, elements: rows,
                            [p(logits), .pointer(Self.address(indices)), .int(rows), .int(cols), .word(seed), .word(stream), .word(position)])
        case let .sinusoidalEmbedding(x, frequencies, out, count, half):
            try cuda.launch(K.sinusoidalEmbedding, elements: count * 2 * half, [p(x), p(frequencies), p(out), .int(count), .int(half)])
        case let .fillUniform(x, count, low, width, seed, stream, position):
            try cuda.launch(K.fillUniform, elements: (count + 3) / 4,
                            [p(x), .int(count), .float(low), .float(width), .word(seed), .word(stream), .word(position)])
        case let .fillNormal(x, count, mean, std, seed, stream, position):
            try cuda.launch(K.fillNormal, elements: (count + 3) / 4,
                            [p(x), .int(count), .float(mean), .float(std), .word(seed), .word(stream), .word(position)])
        }
    }

    /// The kernels' activation codes: 0 identity, 1 ReLU, 2 GELU, 3 tanh.
    static func code(_ activation: DeviceKernel.Unary?) -> Int {
        switch activation {
        case nil: 0
        case .relu: 1
        case .gelu: 2
        case .tanh: 3
        case .mish: 4
        }
    }

    public func synchronize() { attempt("synchronizing") { try cuda.synchronize() } }

    /// Each reduction writes one Float64 partial per thread of its grid into its own region of
    /// a scratch buffer; one download brings all of them back, and the host adds each region.
    public func reduce(_ reductions: [DeviceReduction]) -> [Double] {
        activity.kernels += reductions.count
        activity.waits += 1
        var results = [Double](repeating: 0, count: reductions.count)
        attempt("a reduction") {
            try lock.withLock {
                let threads = 256
                var launches: [(kernel: String, operands: [UInt64], count: Int, blocks: Int, offset: Int)] = []
                var doubles = 0
                for r in reductions {
                    let (kernel, operands, count): (String, [UInt64], Int) = switch r {
                    case let .sum(x, n): (DeviceKernels.sumPartial, [Self.address(x)], n)
                    case let .sumOfSquares(x, n): (DeviceKernels.sumOfSquaresPartial, [Self.address(x)], n)
                    case let .sumOfSquaredDifferences(a, b, n):
                        (DeviceKernels.squaredDifferencePartial, [Self.address(a), Self.address(b)], n)
                    }
                    let blocks = min(max((count + threads - 1) / threads, 1), Self.reductionBlocks)
                    launches.append((kernel, operands, count, blocks, doubles))
                    doubles += blocks * threads
                }
                // Doubles, two floats each.
                if partials == nil || partials!.count < 2 * doubles { partials = try DeviceBuffer(device: cuda, count: 2 * doubles) }
                let scratch = partials!
                for l in launches where l.count > 0 {
                    try cuda.launch(l.kernel, elements: l.count, blocks: l.blocks,
                                    l.operands.map { .pointer($0) } + [.pointer(scratch.address + UInt64(8 * l.offset)), .int(l.count)])
                }
                if hostPartials.count < doubles { hostPartials = [Double](repeating: 0, count: doubles) }
                try hostPartials.withUnsafeMutableBytes { bytes in
                    try scratch.download(into: UnsafeMutableBufferPointer(start: bytes.baseAddress!.assumingMemoryBound(to: Float.self),
                                                                          count: 2 * doubles))
                }
                for (i, l) in launches.enumerated() where l.count > 0 {
                    results[i] = hostPartials[l.offset..<(l.offset + l.blocks * threads)].reduce(0, +)
                }
            }
        }
        return results
    }
}
