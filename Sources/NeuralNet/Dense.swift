import TensorCore

/// A fully connected layer `y = x·W + b`.
///
/// Shapes: `x` `[batch, inputs]`, kernel `W` `[inputs, outputs]` (Flax's layout, so checkpoints
/// and reference weights map one to one), bias `b` `[outputs]`, `y` `[batch, outputs]`.
/// A batch is one GEMM. Initialisation: orthogonal kernel with gain √2, zero bias (the reference's
/// `default_init`).
public final class Dense: ParameterContainer {
    public let kernel: Tensor
    public let bias: Tensor

    public var inputs: Int { kernel.rows }
    public var outputs: Int { kernel.cols }

    /// A zero layer (gradients, moments; or weights to be loaded).
    public init(inputs: Int, outputs: Int) {
        kernel = Tensor(rows: inputs, cols: outputs)
        bias = Tensor(count: outputs)
    }

    /// A layer with an orthogonal kernel of the given gain and zero bias.
    public convenience init(inputs: Int, outputs: Int, gain: Float = Float(2).squareRoot(), rng: inout RandomStream) {
        self.init(inputs: inputs, outputs: outputs)
        fillOrthogonal(kernel, gain: gain, rng: &rng)
    }

    public func forEachParameter(_ body: (String, Tensor) throws -> Void) rethrows {
        try body("kernel", kernel)
        try body("bias", bias)
    }

    public func zerosLike() -> Dense { Dense(inputs: inputs, outputs: outputs) }

    /// `y ← x·W + b`.
    public func forward(_ x: MatrixRef, into y: Tensor) {
        Kernels.gemm(x, .none, kernel.matrix, .none, into: y.matrix)
        Kernels.addRowVector(bias, to: y)
    }

    /// Gradients of a loss `L` given `dy = ∂L/∂y`: `∂L/∂W = xᵀ·dy`, `∂L/∂b = Σ_rows dy`
    /// (written into `gradients`, or added when `accumulate`), and `∂L/∂x = dy·Wᵀ` into
    /// `inputGradient` when one is given.
    public func backward(_ dy: Tensor, input x: MatrixRef, gradients: Dense,
                         inputGradient: Tensor? = nil, accumulate: Bool = false) {
        Kernels.gemm(x, .transposed, dy.matrix, .none, into: gradients.kernel.matrix, beta: accumulate ? 1 : 0)
        Kernels.sumColumns(dy, into: gradients.bias, accumulate: accumulate)
        if let dx = inputGradient {
            Kernels.gemm(dy.matrix, .none, kernel.matrix, .transposed, into: dx.matrix)
        }
    }
}
