"""Steps per second of a Gymnasium environment stepped by Python alone, with uniform random
actions: the baseline that `rfm env check --env gym:ENV_ID` (the same episodes through the bridge)
is compared with in docs/environments.md.

    .venv-gym/bin/python scripts/reference/gym_step_rate.py HalfCheetah-v5 --episodes 5
"""

import argparse
import json
import time

import gymnasium as gym
import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("env_id")
    parser.add_argument("--episodes", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-steps", type=int, default=100_000, help="actions drawn in advance (a cap on the steps)")
    args = parser.parse_args()
    env = gym.make(args.env_id)
    low, high = env.action_space.low, env.action_space.high
    # Every action drawn before the clock starts, so the loop times env.step alone: the fastest
    # Python can step this environment, the rate the bridge is held to.
    rng = np.random.default_rng(args.seed)
    unit = rng.uniform(-1, 1, size=(args.max_steps,) + low.shape)
    actions = list((low + (unit + 1) * 0.5 * (high - low)).astype(env.action_space.dtype))
    steps = 0
    start = time.perf_counter()
    for i in range(args.episodes):
        env.reset(seed=args.seed + i)
        done = False
        while not done and steps < len(actions):
            _, _, terminated, truncated, _ = env.step(actions[steps])
            steps += 1
            done = terminated or truncated
    seconds = time.perf_counter() - start
    print(json.dumps({"env": args.env_id, "steps": steps, "seconds": seconds, "steps_per_second": steps / seconds}))


if __name__ == "__main__":
    main()
