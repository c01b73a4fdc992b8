"""Tiny Gymnasium environments for the bridge's tests (GymEnvironmentTests).

Served as ``gym:rfm_test_envs:NAME`` (an entry point: the class itself) or, for ``TinyReach``,
``gym:rfm_test_envs/TinyReach-v0`` (registered when the module is imported).
"""

import os
import sys
import time

import gymnasium as gym
import numpy as np
from gymnasium import spaces


class TinyReach(gym.Env):
    """Move a point x toward a target t: x' = x + 0.1·a, a in [-2, 2], reward −(x′ − t)².

    Observation [x, t]. Terminates when |x| > 2.5; truncates after 25 steps. Prints to stdout on
    reset, which the worker must keep off its protocol channel.
    """

    limit = 25

    def __init__(self):
        self.observation_space = spaces.Box(-np.inf, np.inf, shape=(2,), dtype=np.float32)
        self.action_space = spaces.Box(-2.0, 2.0, shape=(1,), dtype=np.float32)
        self.total_steps = 0

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.x = self.np_random.uniform(-0.5, 0.5)
        self.t = self.np_random.uniform(-1.0, 1.0)
        self.elapsed = 0
        print("TinyReach reset (this line must not reach the protocol)")
        return self.observe(), {}

    def observe(self):
        return np.array([self.x, self.t], dtype=np.float32)

    def step(self, action):
        self.total_steps += 1
        self.elapsed += 1
        self.x += 0.1 * float(action[0])
        reward = -((self.x - self.t) ** 2)
        terminated = abs(self.x) > 2.5
        return self.observe(), reward, terminated, self.elapsed >= self.limit and not terminated, {}


class Crashing(TinyReach):
    """Exits with status 3 at its 130th step overall, after a line on stderr."""

    def step(self, action):
        if self.total_steps + 1 >= 130:
            sys.stderr.write("crashing on purpose at step 130\n")
            sys.stderr.flush()
            os._exit(3)
        return super().step(action)


class Hanging(TinyReach):
    """Never answers its third step."""

    def step(self, action):
        if self.total_steps + 1 >= 3:
            time.sleep(3600)
        return super().step(action)


class NaNObservation(TinyReach):
    """Returns a NaN observation at its second step."""

    def step(self, action):
        obs, *rest = super().step(action)
        if self.total_steps >= 2:
            obs[0] = np.nan
        return (obs, *rest)


class DiscreteActions(TinyReach):
    def __init__(self):
        super().__init__()
        self.action_space = spaces.Discrete(3)


class Unbounded(TinyReach):
    def __init__(self):
        super().__init__()
        self.action_space = spaces.Box(-np.inf, np.inf, shape=(1,), dtype=np.float32)


gym.register(id="rfm_test_envs/TinyReach-v0", entry_point=TinyReach)
