"""The Swift program's random streams (TensorCore/Random.swift), bit for bit: Philox4x32-10 with
the stream id in the upper half of the counter, Box-Muller normals, and the state hash that seeds
the RFM agent's evaluation noise (RFMAgent.swift, `stateHash`)."""
import numpy as np

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF


def splitmix64(x: int) -> int:
    z = (x + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def philox4x32(counter, key):
    c0, c1, c2, c3 = counter
    k0, k1 = key
    for r in range(10):
        if r > 0:
            k0 = (k0 + 0x9E3779B9) & M32
            k1 = (k1 + 0xBB67AE85) & M32
        p0 = 0xD2511F53 * c0
        p1 = 0xCD9E8D57 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & M32, p1 & M32, ((p0 >> 32) ^ c3 ^ k1) & M32, p0 & M32
    return c0, c1, c2, c3


class RandomStream:
    """Block n of stream (seed, stream) is Philox(key: seed, counter: (n, stream))."""

    def __init__(self, seed: int, stream: int = 0, position: int = 0):
        self.seed, self.stream, self.position = seed & M64, stream & M64, position

    def next_block(self):
        p, s, k = self.position, self.stream, self.seed
        self.position += 1
        return philox4x32((p & M32, (p >> 32) & M32, s & M32, s >> 32), (k & M32, k >> 32))

    def uniform(self) -> np.float32:
        return _unit(self.next_block()[0])

    def fill_normal(self, n: int) -> np.ndarray:
        """n standard normals (float32), four per block; a block's unused words are dropped."""
        out = []
        while len(out) < n:
            b = self.next_block()
            out += _box_muller(b[0], b[1]) + _box_muller(b[2], b[3])
        return np.array(out[:n], dtype=np.float32)


def _unit(w: int) -> np.float32:
    """The top 24 bits of a word as a float in [0, 1)."""
    return np.float32((w >> 8) * 2.0**-24)


def _float_functions():
    """The C library's float32 logf, cosf and sinf, which the Swift code calls (bit-exact noise);
    where there is none, float64 NumPy rounded to float32 (within an ulp of them)."""
    try:
        import ctypes
        import ctypes.util
        libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        fs = []
        for name in ("logf", "cosf", "sinf"):
            f = getattr(libm, name)
            f.restype, f.argtypes = ctypes.c_float, [ctypes.c_float]
            fs.append(lambda x, f=f: np.float32(f(float(x))))
        return tuple(fs)
    except (OSError, AttributeError, TypeError):
        return tuple((lambda x, g=g: np.float32(g(np.float64(x)))) for g in (np.log, np.cos, np.sin))


_logf, _cosf, _sinf = _float_functions()


# Swift's Float.pi is π rounded toward zero (0x40490FDA), one ulp below float32(π) rounded to nearest.
SWIFT_FLOAT_PI = np.array([0x40490FDA], dtype=np.uint32).view(np.float32)[0]


def _box_muller(a: int, b: int):
    """√(−2 ln u₁)·(cos 2πu₂, sin 2πu₂), u₁ = 1 − unit(a) ∈ (0, 1], in float32 as Swift computes it."""
    u1 = np.float32(1) - _unit(a)
    u2 = _unit(b)
    r = np.float32(np.sqrt(np.float32(np.float32(-2) * _logf(u1))))  # sqrt is correctly rounded either way
    theta = np.float32(np.float32(2) * SWIFT_FLOAT_PI * u2)
    return [np.float32(r * _cosf(theta)), np.float32(r * _sinf(theta))]


def state_hash(row) -> int:
    """A 64-bit hash of a row of float32s (their bit patterns, position-mixed)."""
    bits = np.asarray(row, dtype=np.float32).view(np.uint32)
    h = 0x9E3779B97F4A7C15
    for j, b in enumerate(bits):
        x = (int(b) + 0x9E3779B9 * (j + 1)) & M64
        x ^= x >> 33
        x = (x * 0xFF51AFD7ED558CCD) & M64
        x ^= x >> 33
        h = ((h ^ x) * 0xC4CEB9FE1A85EC53) & M64
    return h


def evaluation_noise(observation, particles: int, action_dim: int) -> np.ndarray:
    """The RFM agent's deterministic initial noise for one observation: [particles, action_dim]."""
    stream = RandomStream(state_hash(observation), stream=0xE7A1)
    return stream.fill_normal(particles * action_dim).reshape(particles, action_dim)
