"""dm_control's own tasks as Gymnasium environments, for training `rfm` on them through the bridge.

The built-in DeepMind Control tasks are `rfm`'s own reimplementation on MuJoCo's C API, checked
against dm_control by replays and by return distributions (docs/environments.md). This module is
the other half of a cross-check at the level of whole training runs: `rfm` trains on dm_control's
Python environment itself, through the Gymnasium bridge, and the results are compared with the same
agent on the built-in task.

    rfm train --env gym:dm_control_gym:DMControlEnv --set gym.kwargs.domain=walker \
      --set gym.kwargs.task=walk --set gym.python=PYTHON ...

with this folder on PYTHONPATH and a PYTHON that has dm_control 1.0.34 and gymnasium 1.2.2.

Semantics follow dm_control: observations are its observation dict flattened in its own key order
(as float32); actions are its bounded action spec; the reward is its reward; an episode ends when
dm_control says `last()`, as a termination when its discount is 0 and a truncation otherwise (the
time limit). `reset(seed=…)` reseeds the task's random state, which draws the initial state.
"""

import gymnasium
import numpy as np
from dm_control import suite


class DMControlEnv(gymnasium.Env):
    metadata = {"render_modes": []}

    def __init__(self, domain="walker", task="walk"):
        self._env = suite.load(domain, task, task_kwargs={"random": 0})
        spec = self._env.action_spec()
        self.action_space = gymnasium.spaces.Box(
            spec.minimum.astype(np.float32), spec.maximum.astype(np.float32), dtype=np.float32
        )
        size = sum(int(np.prod(s.shape)) for s in self._env.observation_spec().values())
        self.observation_space = gymnasium.spaces.Box(-np.inf, np.inf, (size,), dtype=np.float32)

    @staticmethod
    def _flatten(observation):
        parts = [np.asarray(v, dtype=np.float64).ravel() for v in observation.values()]
        return np.concatenate(parts).astype(np.float32)

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        if seed is not None:
            # rfm's episode seeds are 64-bit; RandomState takes 32.
            self._env.task._random = np.random.RandomState(seed % 2**32)
        timestep = self._env.reset()
        return self._flatten(timestep.observation), {}

    def step(self, action):
        timestep = self._env.step(np.asarray(action, dtype=np.float64))
        last = timestep.last()
        terminated = bool(last and timestep.discount == 0.0)
        truncated = bool(last and not terminated)
        reward = 0.0 if timestep.reward is None else float(timestep.reward)
        return self._flatten(timestep.observation), reward, terminated, truncated, {}
