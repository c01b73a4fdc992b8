import Testing
import TensorCore

/// Naive triple loop in Float64: the oracle for every GEMM variant.
func naiveProduct(_ a: Tensor, _ ta: Transpose, _ b: Tensor, _ tb: Transpose) -> [[Double]] {
    let m = ta == .none ? a.rows : a.cols, k = ta == .none ? a.cols : a.rows
    let n = tb == .none ? b.cols : b.rows
    var c = [[Double]](repeating: [Double](repeating: 0, count: n), count: m)
    for i in 0..<m {
        for j in 0..<n {
            var s = 0.0
            for p in 0..<k {
                let x = ta == .none ? a[i, p] : a[p, i]
                let y = tb == .none ? b[p, j] : b[j, p]
                s += Double(x) * Double(y)
            }
            c[i][j] = s
        }
    }
    return c
}

func randomTensor(_ rows: Int, _ cols: Int, seed: UInt64) -> Tensor {
    var rng = RandomStream(seed: seed)
    let t = Tensor(rows: rows, cols: cols)
    rng.fillUniform(t, low: -1, high: 1)
    return t
}

@Suite struct GemmTests {
    @Test(arguments: [(Transpose.none, Transpose.none), (.transposed, .none), (.none, .transposed), (.transposed, .transposed)])
    func everyTransposeVariantMatchesNaiveProduct(ta: Transpose, tb: Transpose) {
        // Non-square, distinct sizes so a swapped dimension or stride cannot pass by accident.
        let m = 7, n = 5, k = 11
        let a = ta == .none ? randomTensor(m, k, seed: 1) : randomTensor(k, m, seed: 1)
        let b = tb == .none ? randomTensor(k, n, seed: 2) : randomTensor(n, k, seed: 2)
        let c = Tensor(rows: m, cols: n)
        c.fill(123)  // β = 0 must ignore the old contents
        Kernels.gemm(a, ta, b, tb, into: c)
        let expected = naiveProduct(a, ta, b, tb)
        for i in 0..<m { for j in 0..<n { #expect(abs(Double(c[i, j]) - expected[i][j]) < 1e-5) } }
    }

    @Test func alphaAndBetaAccumulate() {
        let a = randomTensor(4, 6, seed: 3), b = randomTensor(6, 3, seed: 4)
        let c = randomTensor(4, 3, seed: 5)
        let before = c.toArray()
        Kernels.gemm(a, .none, b, .none, into: c, alpha: 0.5, beta: 2)
        let ab = naiveProduct(a, .none, b, .none)
        for i in 0..<4 { for j in 0..<3 {
            #expect(abs(Double(c[i, j]) - (0.5 * ab[i][j] + 2 * Double(before[i * 3 + j]))) < 1e-5)
        } }
    }

    @Test func stridedViewsOfRowsAndColumns() {
        // C[:, 1..<3] = A[2..<5, :] · W[1..<4, :], i.e. products of sub-blocks without copies.
        let a = randomTensor(6, 3, seed: 6), w = randomTensor(5, 2, seed: 7)
        let c = Tensor(rows: 3, cols: 4)
        Kernels.gemm(a.rows(2..<5), .none, w.rows(1..<4), .none, into: c.columns(1..<3))
        for i in 0..<3 {
            #expect(c[i, 0] == 0 && c[i, 3] == 0)
            for j in 0..<2 {
                var s = 0.0
                for p in 0..<3 { s += Double(a[i + 2, p]) * Double(w[p + 1, j]) }
                #expect(abs(Double(c[i, j + 1]) - s) < 1e-5)
            }
        }
    }

    @Test func flopCounterCountsTwoMNK() {
        let a = randomTensor(3, 4, seed: 8), b = randomTensor(4, 5, seed: 9), c = Tensor(rows: 3, cols: 5)
        let flops = FLOPCounter.measure { Kernels.gemm(a, .none, b, .none, into: c) }
        #expect(flops == 2 * 3 * 4 * 5)
    }
}
