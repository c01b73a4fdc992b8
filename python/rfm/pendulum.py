"""Pendulum as the Swift program runs it (Environments/Pendulum.swift with its 200-step limit and
actions rescaled from [−1, 1] to [−2, 2]), and `rfm eval`'s episodes (Training/Evaluation.swift):
the same starts for the same seed, so a loaded policy's returns match `rfm eval`'s."""
import math

import numpy as np

from .policies import rescale
from .random import RandomStream, splitmix64

MAX_SPEED, MAX_TORQUE, DT, G, M, L = 8.0, 2.0, 0.05, 10.0, 1.0, 1.0


class Pendulum:
    """Gymnasium's Pendulum-v1 dynamics in float64; observations [cos θ, sin θ, θ̇] in float32."""

    observation_size, action_size, limit = 3, 1, 200

    def reset(self, seed: int):
        rng = RandomStream(seed, stream=0x50E0)
        self.theta = float(rng.uniform()) * 2 * math.pi - math.pi
        self.theta_dot = float(rng.uniform()) * 2 - 1
        self.elapsed = 0
        return self.observation

    @property
    def observation(self):
        return np.array([math.cos(self.theta), math.sin(self.theta), self.theta_dot], dtype=np.float32)

    def step(self, action):
        """An agent action in [−1, 1] → (observation, reward, terminated, truncated)."""
        u = min(max(float(rescale(action, -MAX_TORQUE, MAX_TORQUE)[0]), -MAX_TORQUE), MAX_TORQUE)
        th = ((self.theta + math.pi) % (2 * math.pi)) - math.pi
        cost = th * th + 0.1 * self.theta_dot * self.theta_dot + 0.001 * u * u
        new_dot = self.theta_dot + (3 * G / (2 * L) * math.sin(self.theta) + 3 / (M * L * L) * u) * DT
        new_dot = min(max(new_dot, -MAX_SPEED), MAX_SPEED)
        self.theta += new_dot * DT
        self.theta_dot = new_dot
        self.elapsed += 1
        return self.observation, -cost, False, self.elapsed >= self.limit


def episode_seed(run_seed: int, episode: int) -> int:
    """`rfm eval --seed S`'s start of episode e (Evaluation.episodeSeed)."""
    return splitmix64((run_seed + 0xE7A100000000 + episode) & 0xFFFFFFFFFFFFFFFF)


def evaluate(policy, episodes: int, seed: int, noise=None):
    """Returns of `episodes` deterministic episodes, as `rfm eval RUN --episodes N --seed S`.

    `noise[e][t]` (optional) is the particles' initial noise at step t of episode e, as the
    Swift agent drew it. An RFM agent derives that noise from the observation's bits, so without
    it a last-bit difference in one action (NumPy and the Swift kernels sum in different orders)
    changes every later draw: the episodes are then equally good but not the same ones.
    """
    env, returns = Pendulum(), []
    for e in range(episodes):
        obs, total, done, t = env.reset(episode_seed(seed, e)), 0.0, False, 0
        while not done:
            z = None if noise is None else noise[e][t]
            obs, reward, terminated, truncated = env.step(policy.act(obs, deterministic=True, noise=z))
            total += reward
            done = terminated or truncated
            t += 1
        returns.append(total)
    return returns
