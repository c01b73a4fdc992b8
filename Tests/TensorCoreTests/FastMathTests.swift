import Foundation
import Testing
import TensorCore

@Suite struct FastMathTests {
    /// A dense sweep plus the edges: relative error of exp within a few ulp of Float64's exp.
    @Test func expIsAccurateOverTheFloatRange() {
        var worst = 0.0
        var x: Float = -87
        while x < 88.2 {
            var lanes = Kernels.Lanes()
            for k in 0..<8 { lanes[k] = x + Float(k) * 0.0137 }
            let y = Kernels.exp(lanes)
            for k in 0..<8 {
                let exact = Foundation.exp(Double(lanes[k]))
                worst = max(worst, abs(Double(y[k]) - exact) / exact)
            }
            x += 0.11
        }
        #expect(worst < 5e-7, "worst relative error \(worst)")
        #expect(Kernels.exp(Kernels.Lanes(repeating: 0))[0] == 1)
        #expect(Kernels.exp(Kernels.Lanes(repeating: -.infinity))[0] == 0)
        #expect(Kernels.exp(Kernels.Lanes(repeating: 1000))[0].isFinite)
    }

    @Test func tanhIsAccurateAcrossBothBranches() {
        var worst = 0.0
        var x: Float = -12
        while x < 12 {
            var lanes = Kernels.Lanes()
            for k in 0..<8 { lanes[k] = x + Float(k) * 0.0013 }
            let y = Kernels.tanh(lanes)
            for k in 0..<8 { worst = max(worst, abs(Double(y[k]) - Foundation.tanh(Double(lanes[k])))) }
            x += 0.0107
        }
        #expect(worst < 3e-7, "worst absolute error \(worst)")
        let tiny = Kernels.tanh(Kernels.Lanes(repeating: 1e-6))[0]
        #expect(abs(tiny - 1e-6) < 1e-12)
        #expect(Kernels.tanh(Kernels.Lanes(repeating: 50))[0] == 1)
        #expect(Kernels.tanh(Kernels.Lanes(repeating: -50))[0] == -1)
    }

    @Test func tensorKernelsHandleTailsAndAliasing() {
        // 13 elements: one full chunk of eight and a padded tail of five.
        let x = Tensor(shape: [13], values: (0..<13).map { Float($0) * 0.3 - 2 })
        let y = Tensor(count: 13)
        Kernels.exp(x, into: y)
        for i in 0..<13 { #expect(abs(Double(y[i]) - Foundation.exp(Double(x[i]))) < 1e-6 * Foundation.exp(Double(x[i]))) }
        let dy = Tensor(shape: [13], values: [Float](repeating: 2, count: 13))
        let separate = Tensor(count: 13)
        Kernels.geluBackward(dy, input: x, into: separate)
        Kernels.geluBackward(dy, input: x, into: dy)   // in place on dy
        #expect(separate.toArray() == dy.toArray())
    }
}
