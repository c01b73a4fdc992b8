/// The estimator's small formulas on the GPU (`Kernels+Estimator.swift` on the CPU).
extension CUDADevice {
    /// `y ← 1 / (x + offset)`.
    public func reciprocal(_ x: DeviceBuffer, plus offset: Float = 0, into y: DeviceBuffer) throws {
        try requireSameCount(x, y, "reciprocal")
        try launch(DeviceKernels.reciprocal, elements: x.count, [.address(x), .address(y), .float(offset), .int(x.count)])
    }

    /// `out ← a / b`, or `−a / b`.
    public func ratio(_ a: DeviceBuffer, _ b: DeviceBuffer, negated: Bool = false, into out: DeviceBuffer) throws {
        try requireSameCount(a, b, "ratio"); try requireSameCount(a, out, "ratio")
        try launch(DeviceKernels.ratio, elements: a.count, [.address(a), .address(b), .address(out), .int(negated ? 1 : 0), .int(a.count)])
    }

    /// `out ← (a / b)²`.
    public func squaredRatio(_ a: DeviceBuffer, _ b: DeviceBuffer, into out: DeviceBuffer) throws {
        try requireSameCount(a, b, "squaredRatio"); try requireSameCount(a, out, "squaredRatio")
        try launch(DeviceKernels.squaredRatio, elements: a.count, [.address(a), .address(b), .address(out), .int(a.count)])
    }

    /// `y ← 1 − x`.
    public func oneMinus(_ x: DeviceBuffer, into y: DeviceBuffer) throws {
        try requireSameCount(x, y, "oneMinus")
        try launch(DeviceKernels.oneMinus, elements: x.count, [.address(x), .address(y), .int(x.count)])
    }

    /// `y ← min(max(x, −bound), bound)`.
    public func clamp(_ x: DeviceBuffer, bound: Float, into y: DeviceBuffer) throws {
        try requireSameCount(x, y, "clamp")
        try launch(DeviceKernels.clamp, elements: x.count, [.address(x), .address(y), .float(bound), .int(x.count)])
    }

    /// `out ← log sech² y`.
    public func tanhLogJacobian(_ y: DeviceBuffer, into out: DeviceBuffer) throws {
        try requireSameCount(y, out, "tanhLogJacobian")
        try launch(DeviceKernels.tanhLogJacobian, elements: y.count, [.address(y), .address(out), .int(y.count)])
    }

    /// `out ← (1 − a²) ⊙ g / λ − 2a`.
    public func tanhScore(actions a: DeviceBuffer, actionGradient g: DeviceBuffer, temperature: Float, into out: DeviceBuffer) throws {
        try requireSameCount(a, g, "tanhScore"); try requireSameCount(a, out, "tanhScore")
        try launch(DeviceKernels.tanhScore, elements: a.count, [.address(a), .address(g), .address(out), .float(temperature), .int(a.count)])
    }

    /// `c ← clip(−num / (den + ridge), −clip, clip)`.
    public func controlVariateCoefficient(numerator: DeviceBuffer, denominator: DeviceBuffer, ridge: Float, clip: Float,
                                          into c: DeviceBuffer) throws {
        try requireSameCount(numerator, denominator, "controlVariateCoefficient")
        try requireSameCount(numerator, c, "controlVariateCoefficient")
        try launch(DeviceKernels.controlVariateCoefficient, elements: c.count,
                   [.address(numerator), .address(denominator), .address(c), .float(ridge), .float(clip), .int(c.count)])
    }

    /// `out ← 1[a < b] + ½·1[a = b]`.
    public func minimumShare(_ a: DeviceBuffer, _ b: DeviceBuffer, into out: DeviceBuffer) throws {
        try requireSameCount(a, b, "minimumShare"); try requireSameCount(a, out, "minimumShare")
        try launch(DeviceKernels.minimumShare, elements: a.count, [.address(a), .address(b), .address(out), .int(a.count)])
    }
}
