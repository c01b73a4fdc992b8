import Foundation
import Testing
import TensorCore

@Suite struct ReductionTests {
    @Test func logSumExpIsStableAtPlusMinusTenThousand() {
        let m = Tensor(shape: [3, 3], values: [1e4, 1e4 - 1, 1e4 - 2,
                                               -1e4, -1e4, -1e4,
                                               1e4, -1e4, 0])
        let v = Tensor(count: 3)
        Kernels.logSumExpRows(m, into: v)
        let first = 1e4 + Foundation.log(1 + exp(-1.0) + exp(-2.0))
        #expect(abs(Double(v[0]) - first) < 1e-3)
        #expect(abs(Double(v[1]) - (-1e4 + Foundation.log(3.0))) < 1e-3)
        #expect(v[2] == 1e4)
        #expect(v.toArray().allSatisfy { $0.isFinite })
    }

    @Test func logSumExpOfAllMinusInfinityIsMinusInfinity() {
        let m = Tensor(shape: [1, 2], values: [-.infinity, -.infinity])
        let v = Tensor(count: 1)
        Kernels.logSumExpRows(m, into: v)
        #expect(v[0] == -.infinity)
    }

    @Test func softmaxRowsSumToOneAndMatchClosedForm() {
        let m = Tensor(shape: [2, 3], values: [1, 2, 3, 1e4, 0, -1e4])
        let p = Tensor(rows: 2, cols: 3)
        Kernels.softmaxRows(m, into: p)
        let z = exp(1.0) + exp(2.0) + exp(3.0)
        #expect(abs(Double(p[0, 0]) - exp(1.0) / z) < 1e-6)
        #expect(abs(Double(p[0, 2]) - exp(3.0) / z) < 1e-6)
        #expect(p[1, 0] == 1 && p[1, 1] == 0 && p[1, 2] == 0)
        // In place gives the same numbers.
        Kernels.softmaxRows(m, into: m)
        #expect(m.toArray() == p.toArray())
    }

    @Test func rowAndColumnSumsMaxAndArgmax() {
        let m = Tensor(shape: [2, 3], values: [1, 5, 2, -3, -1, -2])
        let cols = Tensor(count: 3), rows = Tensor(count: 2), top = Tensor(count: 2)
        Kernels.sumColumns(m, into: cols)
        #expect(cols.toArray() == [-2, 4, 0])
        Kernels.sumColumns(m, into: cols, accumulate: true)
        #expect(cols.toArray() == [-4, 8, 0])
        Kernels.sumRows(m, into: rows)
        #expect(rows.toArray() == [8, -6])
        Kernels.maxRows(m, into: top)
        #expect(top.toArray() == [5, -1])
        var idx = [Int](repeating: -1, count: 2)
        idx.withUnsafeMutableBufferPointer { Kernels.argmaxRows(m, into: $0) }
        #expect(idx == [1, 1])
        #expect(Kernels.sumOfSquares(m) == 1 + 25 + 4 + 9 + 1 + 4)
        #expect(Kernels.sum(m) == 2)
    }
}
