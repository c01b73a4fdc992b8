import NeuralNet
import TensorCore

/// Finite-difference gradient checks for networks, the oracle for every hand-written backward.
///
/// The loss is `L = Σ y ⊙ R` for a fixed random `R`, so `∂L/∂y = R` exercises every output.
/// Each analytic derivative is compared with the central difference
/// `(L(θ + ε) − L(θ − ε)) / 2ε`, the loss summed in Float64.
struct GradientChecker {
    var epsilon: Float = 1e-2
    var absoluteTolerance = 2e-3
    var relativeTolerance = 1e-2

    /// A mismatch: which tensor and entry, and the two values.
    struct Mismatch: CustomStringConvertible {
        let name: String, index: Int, analytic: Double, numeric: Double
        var description: String { "\(name)[\(index)]: analytic \(analytic), numeric \(numeric)" }
    }

    func loss(_ net: MLP, _ x: Tensor, _ r: Tensor) -> Double {
        let y = net.forward(x, cache: MLP.Cache())
        var s = 0.0
        for i in 0..<y.count { s += Double(y.data[i]) * Double(r.data[i]) }
        return s
    }

    func agrees(_ a: Double, _ n: Double) -> Bool {
        abs(a - n) <= absoluteTolerance + relativeTolerance * max(abs(a), abs(n))
    }

    /// Analytic gradients of `L` for the weights and the input.
    func analytic(_ net: MLP, _ x: Tensor, _ r: Tensor) -> (MLP, Tensor) {
        let cache = MLP.Cache()
        net.forward(x, cache: cache)
        let grads = net.zerosLike()
        let dx = net.backward(r, cache: cache, gradients: grads, inputGradient: true)!.copy()
        return (grads, dx)
    }

    /// Compares every weight entry and every input entry; returns the mismatches.
    /// `corrupt` lets a test damage the analytic gradient to prove the check notices.
    func check(_ net: MLP, input x: Tensor, seed: UInt64 = 99, corrupt: ((MLP, Tensor) -> Void)? = nil) -> [Mismatch] {
        var rng = RandomStream(seed: seed)
        let r = Tensor(rows: x.rows, cols: net.outputs)
        rng.fillNormal(r)
        let (grads, dx) = analytic(net, x, r)
        corrupt?(grads, dx)
        var bad: [Mismatch] = []
        let pairs = zip(ParameterList(net).named, ParameterList(grads).tensors).map { ($0.name, $0.tensor, $1) }
        for (name, p, g) in pairs + [("input", x, dx)] {
            for i in 0..<p.count {
                let keep = p.data[i]
                p.data[i] = keep + epsilon
                let up = loss(net, x, r)
                p.data[i] = keep - epsilon
                let down = loss(net, x, r)
                p.data[i] = keep
                let numeric = (up - down) / (2 * Double(epsilon))
                if !agrees(Double(g.data[i]), numeric) {
                    bad.append(Mismatch(name: name, index: i, analytic: Double(g.data[i]), numeric: numeric))
                }
            }
        }
        return bad
    }
}

func randomInput(_ rows: Int, _ cols: Int, seed: UInt64) -> Tensor {
    var rng = RandomStream(seed: seed)
    let x = Tensor(rows: rows, cols: cols)
    rng.fillNormal(x)
    return x
}
