/// Vectorised `exp` and `tanh` for Float32, eight lanes at a time.
///
/// The C library's scalar `expf`/`tanhf` cost several nanoseconds each; the flow rollouts apply
/// GELU (a tanh) to every hidden unit and the estimator exponentiates every logit, so these two
/// functions run hundreds of millions of times per update. The polynomials are Cephes' single
/// precision ones (range reduction by ln 2 for exp; an odd polynomial below |x| = 0.625 and
/// `1 − 2/(e^{2|x|} + 1)` above for tanh): relative error about 2 ulp for exp, absolute error
/// below 3e-7 for tanh.
extension Kernels {
    public typealias Lanes = SIMD8<Float>

    /// `e^x` lane by lane. Below −87.33 (where e^x leaves the normal Float range) the result is 0;
    /// above 88.3 it saturates at e^88.3 ≈ 2.2e38 (2ⁿ must stay representable).
    @inlinable @inline(__always)
    public static func exp(_ v: Lanes) -> Lanes {
        // Clamp with masked selects (the generic `clamped` is not inlined for SIMD types).
        var x = v.replacing(with: -87.33654, where: v .< -87.33654)
        x.replace(with: 88.3, where: x .> 88.3)
        // n = round(x/ln 2) by the 1.5·2²³ trick: adding it leaves n in the low mantissa bits,
        // which avoids Float→Int conversions (a slow generic path for SIMD types).
        let magic = Lanes(repeating: 12_582_912)
        let shifted = x * 1.442695041 + magic
        let n = shifted - magic
        x = x - n * 0.693359375
        x = x - n * -2.12194440e-4
        let z = x * x
        var p = Lanes(repeating: 1.9875691500e-4)
        p = p * x + 1.3981999507e-3
        p = p * x + 8.3334519073e-3
        p = p * x + 4.1665795894e-2
        p = p * x + 1.6666665459e-1
        p = p * x + 5.0000001201e-1
        let y = p * z + x + 1
        // 2ⁿ from its exponent bits.
        let integerN = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        let result = y * unsafeBitCast((integerN &+ 127) &<< 23, to: Lanes.self)
        return result.replacing(with: 0, where: v .< -87.33654)
    }

    /// `tanh x` lane by lane.
    @inlinable @inline(__always)
    public static func tanh(_ x: Lanes) -> Lanes {
        let a = x.replacing(with: -x, where: x .< 0)
        // Small arguments: x + x³·P(x²).
        let z = x * x
        var p = Lanes(repeating: -5.70498872745e-3)
        p = p * z + 2.06390887954e-2
        p = p * z - 5.37397155531e-2
        p = p * z + 1.33314422036e-1
        p = p * z - 3.33332819422e-1
        let small = p * z * x + x
        // Large arguments: sign(x)·(1 − 2/(e^{2|x|} + 1)).
        let e = exp(2 * a)
        var large = 1 - 2 / (e + 1)
        large.replace(with: -large, where: x .< 0)
        return small.replacing(with: large, where: a .>= 0.625)
    }

    /// Applies a lane function to `count` floats from `src` into `dst` (which may alias), with a
    /// padded final chunk.
    @inlinable @inline(__always)
    public static func forEachLane(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int,
                                   _ f: (Lanes) -> Lanes) {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(src + i).loadUnaligned(as: Lanes.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: f(v), as: Lanes.self)
            i += 8
        }
        if i < count {
            var v = Lanes()
            for k in 0..<(count - i) { v[k] = src[i + k] }
            let r = f(v)
            for k in 0..<(count - i) { dst[i + k] = r[k] }
        }
    }

    /// Two-input form of ``forEachLane(_:_:count:_:)``: `dst ← f(a, b)`, `dst` may alias either input.
    @inlinable @inline(__always)
    public static func forEachLane(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                                   count: Int, _ f: (Lanes, Lanes) -> Lanes) {
        var i = 0
        while i + 8 <= count {
            let u = UnsafeRawPointer(a + i).loadUnaligned(as: Lanes.self)
            let v = UnsafeRawPointer(b + i).loadUnaligned(as: Lanes.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: f(u, v), as: Lanes.self)
            i += 8
        }
        if i < count {
            var u = Lanes(), v = Lanes()
            for k in 0..<(count - i) { u[k] = a[i + k]; v[k] = b[i + k] }
            let r = f(u, v)
            for k in 0..<(count - i) { dst[i + k] = r[k] }
        }
    }

    /// `y ← eˣ` elementwise (in place is fine).
    @inlinable public static func exp(_ x: Tensor, into y: Tensor) {
        requireHost("exp", x, y)
        checkShape(x, y, "exp")
        forEachLane(x.data, y.data, count: x.count) { exp($0) }
    }
}
