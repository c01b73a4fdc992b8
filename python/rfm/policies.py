"""The trained agents' acting rules, as the Swift agents act (Agents/RFMAgent.swift,
Agents/SACAgent.swift). Actions are in [−1, 1]ᵈ, as the agent emits them; ``rescale`` maps them
to an environment's bounds as the Swift `RescaledActions` wrapper does."""
import math

import numpy as np

from .networks import MLP, VelocityNetwork, gelu, relu
from .random import evaluation_noise


def rescale(action, low, high):
    """`low + (clip(a, −1, 1) + 1)·½·(high − low)`, in float32."""
    a = np.clip(np.asarray(action, dtype=np.float32), -1, 1)
    low, high = np.float32(low), np.float32(high)
    return (low + (a + np.float32(1)) * np.float32(0.5) * (high - low)).astype(np.float32)


class TwinCritic:
    """min(Q₁, Q₂)(s, a) of the online critics `critic.{0,1}`: [s, a] → ReLU layers → 1."""

    def __init__(self, tensors):
        self.q = [MLP(tensors, f"critic.{i}", relu) for i in range(2)]

    def __call__(self, states, actions):
        x = np.concatenate([states, actions], axis=1).astype(np.float32)
        return np.minimum(self.q[0](x), self.q[1](x))[:, 0]


class RFMPolicy:
    """The flow policy with particle selection by the critic.

    Acting draws P particles y₀ ~ N(0, I) per state, integrates dy/dt = v_θ(t, y, s, λ) from
    t_min to 1 − t_min (Euler or Heun, `rfm.flow_steps` steps), squashes a = tanh(y), and keeps
    one particle: the argmax of min(Q₁, Q₂) when deterministic (P = `rfm.particles_eval`, the
    noise a function of the observation, as `rfm eval` acts), else a draw from softmax(Q/λ)
    (P = `rfm.particles_act`). λ follows the run's temperature schedule at its update count.
    """

    def __init__(self, config, tensors, scalars, observation_size, action_size):
        if config.get("rfm.policy", "flow") != "flow":
            raise NotImplementedError("only the flow policy is implemented here (rfm.policy=diffusion is not)")
        self.config = config
        self.action_size = action_size
        self.network = VelocityNetwork(tensors, "actor", observation_size, action_size, config["actor.embedding"])
        self.critic = TwinCritic(tensors)
        self.steps = config["rfm.flow_steps"]
        self.integrator = config["rfm.integrator"]
        self.t_min = np.float32(config["rfm.t_min"])
        self.updates = int(scalars.get("agent.updates", 0))
        self.temperature = self._temperature(config, self.updates)

    @staticmethod
    def _temperature(c, updates):
        """λ(n) = exp(log λ₀ + (log λ₁ − log λ₀)·min(n/steps, 1)) in float32 (TemperatureSchedule)."""
        l0, l1 = np.float32(c["rfm.temperature"]), np.float32(c["rfm.temperature_final"])
        if l0 == l1:
            return l0
        f = np.float32(min(max(np.float32(updates) / np.float32(max(c["rfm.temperature_steps"], 1)), 0), 1))
        a, b = np.float32(math.log(l0)), np.float32(math.log(l1))
        return np.float32(math.exp(np.float32(a + np.float32(b - a) * f)))

    def particles(self, deterministic):
        return self.config["rfm.particles_eval" if deterministic else "rfm.particles_act"]

    def integrate(self, states, y):
        """Carries latents y [G·P, d] from t_min to 1 − t_min."""
        t0, t1 = self.t_min, np.float32(1) - self.t_min
        dt = np.float32((t1 - t0) / np.float32(self.steps))
        y = y.astype(np.float32).copy()
        for i in range(self.steps):
            t = np.float32(t0 + dt * np.float32(i))
            v0 = self.network(states, y, t, self.temperature)
            if self.integrator == "euler":
                y = (y + dt * v0).astype(np.float32)
            else:  # Heun
                v1 = self.network(states, (y + dt * v0).astype(np.float32), np.float32(t + dt), self.temperature)
                y = (y + np.float32(0.5) * dt * v0).astype(np.float32)
                y = (y + np.float32(0.5) * dt * v1).astype(np.float32)
        return y

    def act(self, observation, deterministic=True, noise=None, rng=None):
        """Actions [B, d] for observations [B, S] (or [d] for one [S]).

        `noise` [B, P, d] (or [P, d] for one observation) gives the particles' initial noise;
        without it, deterministic acting derives it from each observation exactly as the Swift
        agent does, and stochastic acting draws it from `rng` (a NumPy Generator). Stochastic
        picks draw their uniforms from `rng` too.
        """
        obs = np.asarray(observation, dtype=np.float32)
        single = obs.ndim == 1
        obs = np.atleast_2d(obs)
        g, p, d = obs.shape[0], self.particles(deterministic), self.action_size
        if noise is None:
            if deterministic:
                noise = np.stack([evaluation_noise(o, p, d) for o in obs])
            else:
                noise = (rng or np.random.default_rng()).standard_normal((g, p, d)).astype(np.float32)
        noise = np.asarray(noise, dtype=np.float32).reshape(g, p, d)
        latents = self.integrate(obs, noise.reshape(g * p, d))
        candidates = np.tanh(latents.astype(np.float64)).astype(np.float32).reshape(g, p, d)
        if p == 1:
            actions = candidates[:, 0]
        else:
            q = self.critic(np.repeat(obs, p, axis=0), candidates.reshape(g * p, d)).reshape(g, p)
            if deterministic:
                picks = np.argmax(q, axis=1)  # the first of equal maxima, as the Swift kernel
            else:
                logits = q.astype(np.float64) / max(float(self.temperature), 1e-12)
                w = np.exp(logits - logits.max(axis=1, keepdims=True))
                u = (rng or np.random.default_rng()).random(g) * w.sum(axis=1)
                picks = np.minimum((np.cumsum(w, axis=1) <= u[:, None]).sum(axis=1), p - 1)
            actions = candidates[np.arange(g), picks]
        return actions[0] if single else actions


class SACPolicy:
    """SAC's tanh-Gaussian actor `s → (μ, log σ)`: deterministic acting returns tanh(μ), stochastic
    tanh(μ + σ·ε) with log σ clipped to [`sac.log_std_min`, `sac.log_std_max`]."""

    def __init__(self, config, tensors, scalars, observation_size, action_size):
        self.actor = MLP(tensors, "actor", gelu, residual_blocks=True)
        self.action_size = action_size
        self.log_std = (np.float32(config["sac.log_std_min"]), np.float32(config["sac.log_std_max"]))

    def act(self, observation, deterministic=True, noise=None, rng=None):
        """Actions for observations [B, S] (or one [S]); `noise` [B, d] is ε (else drawn from `rng`)."""
        obs = np.asarray(observation, dtype=np.float32)
        single = obs.ndim == 1
        obs = np.atleast_2d(obs)
        out = self.actor(obs)
        d = self.action_size
        mu = out[:, :d]
        if deterministic:
            a = np.tanh(mu.astype(np.float64)).astype(np.float32)
        else:
            if noise is None:
                noise = (rng or np.random.default_rng()).standard_normal(mu.shape)
            sigma = np.exp(np.clip(out[:, d:], *self.log_std).astype(np.float64))
            a = np.tanh(mu + sigma * np.asarray(noise, dtype=np.float64).reshape(mu.shape)).astype(np.float32)
        return a[0] if single else a
