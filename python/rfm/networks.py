"""The Swift networks in NumPy (float32): dense stages `h = f(x·W + b)` with kernels `[in, out]`
(NeuralNet/MLP.swift), GELU in its tanh form, the sinusoidal embedding, the velocity network."""
import numpy as np

GELU_SCALE = np.float32(0.7978845608028654)  # √(2/π)
GELU_CUBIC = np.float32(0.044715)


def gelu(x):
    """GELU, tanh approximation: ½x(1 + tanh(√(2/π)(x + 0.044715x³))), as the Swift kernel
    (which computes it as x / (1 + e^{−2u}))."""
    x64 = x.astype(np.float64)
    u = float(GELU_SCALE) * (x64 + float(GELU_CUBIC) * x64**3)
    return (x64 / (1 + np.exp(np.clip(-2 * u, -87, 87)))).astype(np.float32)


def relu(x):
    return np.maximum(x, np.float32(0))


class MLP:
    """Stages `layers.i.{kernel,bias}`; every stage but the last applies `activation`; stages
    listed in `residual` add their input back (the residual GELU blocks)."""

    def __init__(self, tensors, prefix, activation, residual_blocks=False):
        self.layers = []
        i = 0
        while f"{prefix}.layers.{i}.kernel" in tensors:
            self.layers.append((tensors[f"{prefix}.layers.{i}.kernel"].astype(np.float32),
                                tensors[f"{prefix}.layers.{i}.bias"].astype(np.float32)))
            i += 1
        if not self.layers:
            raise KeyError(f"no tensors {prefix}.layers.0.kernel in the checkpoint")
        self.activation = activation
        self.residual_blocks = residual_blocks

    @property
    def inputs(self):
        return self.layers[0][0].shape[0]

    def __call__(self, x):
        """`x` [batch, inputs] → [batch, outputs]."""
        last = len(self.layers) - 1
        for i, (w, b) in enumerate(self.layers):
            z = x @ w + b
            if i == last:
                return z
            h = self.activation(z)
            x = x + h if (self.residual_blocks and i > 0) else h
        return x


def embedding_frequencies(size: int, max_period: float = 1000.0):
    """fᵢ = exp(−i·ln(P)/(h − 1)), i < h = size/2, in float32 as the Swift code orders it."""
    half = size // 2
    step = np.float32(np.float32(np.log(np.float32(max_period))) / np.float32(half - 1))
    return np.array([np.exp(np.float64(-step * np.float32(i))) for i in range(half)], dtype=np.float32)


def embed(values, frequencies):
    """[sin(x·f₀…), cos(x·f₀…)] for each x: [n] → [n, 2h]."""
    a = (np.asarray(values, dtype=np.float32)[:, None] * frequencies[None, :]).astype(np.float64)
    return np.concatenate([np.sin(a), np.cos(a)], axis=1).astype(np.float32)


class VelocityNetwork:
    """`x = [s, y, emb(t), emb(λ)] → Dense W + GELU → blocks × (x + GELU(Dense W x)) → Dense d`
    (Policies/PolicyNetwork.swift). Shapes: states [G, S], latents [G·P, d] (P per state)."""

    def __init__(self, tensors, prefix, state_dim, action_dim, embedding_size):
        self.mlp = MLP(tensors, prefix, gelu, residual_blocks=True)
        self.state_dim, self.action_dim = state_dim, action_dim
        self.frequencies = embedding_frequencies(embedding_size)
        expected = state_dim + action_dim + 2 * embedding_size
        if self.mlp.inputs != expected:
            raise ValueError(f"{prefix}: first kernel takes {self.mlp.inputs} inputs, expected {expected}")

    def __call__(self, states, latents, t, temperature):
        n = latents.shape[0]
        per_state = n // states.shape[0]
        s = np.repeat(states, per_state, axis=0)
        et = np.repeat(embed([t], self.frequencies), n, axis=0)
        el = np.repeat(embed([temperature], self.frequencies), n, axis=0)
        return self.mlp(np.concatenate([s, latents, et, el], axis=1).astype(np.float32))
