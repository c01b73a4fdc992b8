import TensorCore

extension MLP {
    /// `inputs → (hidden[i], activation)… → outputs` (identity output), orthogonal gain √2
    /// everywhere: ``relu(inputs:hidden:outputs:rng:)`` with any activation (QVPO's critic and
    /// networks use Mish). The initialisation draws are the same as `relu`'s.
    public static func feedForward(inputs: Int, hidden: [Int], outputs: Int, activation: Activation,
                                   rng: inout RandomStream) -> MLP {
        var stages: [Stage] = []
        var width = inputs
        for h in hidden {
            stages.append(Stage(dense: Dense(inputs: width, outputs: h, rng: &rng), activation: activation))
            width = h
        }
        stages.append(Stage(dense: Dense(inputs: width, outputs: outputs, rng: &rng), activation: .identity))
        return MLP(stages: stages)
    }
}
