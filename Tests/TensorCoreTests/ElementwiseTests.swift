import Foundation
import Testing
import TensorCore

@Suite struct ElementwiseTests {
    @Test func geluMatchesTanhFormulaInFloat64() {
        let x = Tensor(shape: [7], values: [-6, -2, -0.5, 0, 0.3, 1.7, 5])
        let y = Tensor(count: 7)
        Kernels.gelu(x, into: y)
        for i in 0..<7 {
            let v = Double(x[i])
            let expected = 0.5 * v * (1 + tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v)))
            #expect(abs(Double(y[i]) - expected) < 1e-6)
        }
    }

    @Test("GELU over a dense grid and at extremes: within 2e-6 relative (or 1e-7 absolute) of Float64")
    func geluDenseGrid() {
        var values: [Float] = stride(from: -12, through: 12, by: 0.0137).map { Float($0) }
        values += [-1000, -90, -50, -20, 1e-30, -1e-30, 20, 50, 90, 1000, 0]
        let x = Tensor(shape: [values.count], values: values)   // count not a multiple of 8: the tail path too
        let y = Tensor(count: values.count)
        Kernels.gelu(x, into: y)
        for i in 0..<values.count {
            let v = Double(values[i])
            let expected = 0.5 * v * (1 + tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v)))
            let error = abs(Double(y[i]) - expected)
            #expect(error <= max(2e-6 * abs(expected), 1e-7), "gelu(\(v)) = \(y[i]), expected \(expected)")
            #expect(y[i].isFinite)
        }
    }

    @Test func reluAndItsMask() {
        let x = Tensor(shape: [4], values: [-1, 0, 2, -0.5])
        let y = Tensor(count: 4), dx = Tensor(count: 4)
        Kernels.relu(x, into: y)
        #expect(y.toArray() == [0, 0, 2, 0])
        Kernels.reluBackward(Tensor(shape: [4], values: [1, 1, 3, 1]), input: x, into: dx)
        #expect(dx.toArray() == [0, 0, 3, 0])
    }

    @Test func arithmeticBroadcastAndBlend() {
        let a = Tensor(shape: [2, 2], values: [1, 2, 3, 4]), b = Tensor(shape: [2, 2], values: [4, 3, 2, 1])
        let c = Tensor(rows: 2, cols: 2)
        Kernels.add(a, b, into: c); #expect(c.toArray() == [5, 5, 5, 5])
        Kernels.subtract(a, b, into: c); #expect(c.toArray() == [-3, -1, 1, 3])
        Kernels.multiply(a, b, into: c); #expect(c.toArray() == [4, 6, 6, 4])
        Kernels.minimum(a, b, into: c); #expect(c.toArray() == [1, 2, 2, 1])
        Kernels.scale(a, by: 2, into: c); #expect(c.toArray() == [2, 4, 6, 8])
        Kernels.axpy(-1, a, c); #expect(c.toArray() == [1, 2, 3, 4])
        Kernels.addRowVector(Tensor(shape: [2], values: [10, 20]), to: c); #expect(c.toArray() == [11, 22, 13, 24])
        Kernels.blend(c, 0.5, a, 1); #expect(c.toArray() == [6.5, 13, 9.5, 16])
        let wide = Tensor(shape: [2, 2], values: [-7, -2.5, 2.5, 7])
        Kernels.clamp(wide, bound: 3, into: c); #expect(c.toArray() == [-3, -2.5, 2.5, 3])
        Kernels.clamp(wide, bound: 0, into: wide); #expect(wide.toArray() == [0, 0, 0, 0])
    }

    @Test func concatGatherAndRepeat() {
        let s = Tensor(shape: [2, 2], values: [1, 2, 3, 4]), a = Tensor(shape: [2, 1], values: [9, 8])
        let x = Tensor(rows: 2, cols: 3)
        Kernels.concatColumns(s, a, into: x)
        #expect(x.toArray() == [1, 2, 9, 3, 4, 8])
        Kernels.concatColumns([a, s], into: x)
        #expect(x.toArray() == [9, 1, 2, 8, 3, 4])
        let g = Tensor(rows: 3, cols: 2)
        [1, 0, 1].withUnsafeBufferPointer { Kernels.gatherRows(s, $0, into: g) }
        #expect(g.toArray() == [3, 4, 1, 2, 3, 4])
        let r = Tensor(rows: 4, cols: 2)
        Kernels.repeatRows(s, times: 2, into: r)
        #expect(r.toArray() == [1, 2, 1, 2, 3, 4, 3, 4])
        #expect(Kernels.allFinite(r))
        r[0] = .nan
        #expect(!Kernels.allFinite(r))
    }

    @Test func workspaceStopsAllocatingAfterTheFirstPass() {
        let ws = Workspace()
        for _ in 0..<3 {
            ws.reset()
            _ = ws.matrix(8, 4); _ = ws.vector(5); _ = ws.zeros(2, 2)
        }
        #expect(ws.bufferCount == 3)
        let capacity = ws.totalCapacity
        ws.reset()
        let z = ws.matrix(8, 4)
        #expect(z.shape == [8, 4])
        #expect(ws.totalCapacity == capacity)
    }
}
