#!/usr/bin/env python3
"""Reference data from Gymnasium itself, for the Swift Gymnasium MuJoCo v5 tasks.

Runs in its own virtual environment (scripts/reference/gym_venv.sh makes one with Gymnasium
1.2.2 and MuJoCo 3.3.6); never on the training path.

  record   Whole episodes of `gymnasium.make(task)` (its TimeLimit included): qpos and qvel right
           after reset, then for every step the observation, reward, terminated, truncated and
           every scalar of the info dict, under a deterministic pseudo-random action sequence.
           The Swift tests reset to the same qpos, qvel and replay the same actions
           (GymnasiumReferenceTests).
  resets   Mean and spread of qpos and qvel right after reset, over many seeds: the reset
           distributions the Swift tasks must reproduce statistically (GymnasiumTests).
  speed    Gymnasium's stepping speed (steps per second, random actions), for docs/environments.md.

Actions: u_{t,i} = s (2 v - 1) with v = splitmix64(seed * 0x9E3779B97F4A7C15 + t * n + i) >> 11 over
2^53 and s = action_scale(seed), mapped affinely onto the actuator's ctrlrange [lo, hi] as lo + (u + 1) / 2 (hi - lo), then
rounded to float32 (the agent's precision) -- the same formula as GymnasiumReference.action in
the Swift tests.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

TASKS = ["HalfCheetah-v5", "Hopper-v5", "Walker2d-v5", "Ant-v5", "Humanoid-v5", "Swimmer-v5",
         "InvertedPendulum-v5", "InvertedDoublePendulum-v5", "Reacher-v5", "Pusher-v5",
         "HumanoidStandup-v5"]
MASK = (1 << 64) - 1


def splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def action(seed, t, low, high, scale):
    n = len(low)
    base = (seed * 0x9E3779B97F4A7C15) & MASK
    u = np.array([scale * (2.0 * (splitmix64((base + t * n + i) & MASK) >> 11) * 2.0**-53 - 1.0) for i in range(n)])
    return (low + (u + 1.0) * 0.5 * (high - low)).astype(np.float32).astype(np.float64)


def action_scale(seed):
    """Full-range actions for seed 0 (the hopper and walker fall within steps), gentler ones for
    seeds 1 and 2 (longer episodes that still end in a fall where a task can fall)."""
    return [1.0, 0.3, 0.1][seed % 3]


def make(name):
    import gymnasium
    return gymnasium.make(name)


def scalars(info):
    return {k: float(v) for k, v in info.items() if np.ndim(v) == 0}


def record(args):
    import mujoco
    os.makedirs(args.out, exist_ok=True)
    for name in args.tasks:
        episodes = []
        for seed in args.seeds:
            env = make(name)
            obs, _ = env.reset(seed=seed)
            data, model = env.unwrapped.data, env.unwrapped.model
            low = model.actuator_ctrlrange[:, 0].astype(np.float64)
            high = model.actuator_ctrlrange[:, 1].astype(np.float64)
            qpos, qvel = data.qpos.tolist(), data.qvel.tolist()
            rows, observations, rewards, infos, terminated, truncated = [0], [obs.tolist()], [], [], [], []
            steps, total, done = 0, 0.0, False
            while not done:
                obs, reward, term, trunc, info = env.step(action(args.action_seed + seed, steps, low, high, action_scale(seed)))
                steps += 1
                total += reward
                done = term or trunc
                if steps % args.every == 0 or done:
                    rows.append(steps)
                    observations.append(np.asarray(obs, dtype=np.float64).tolist())
                    rewards.append(float(reward))
                    infos.append(scalars(info))
                    terminated.append(bool(term))
                    truncated.append(bool(trunc))
            episodes.append({"seed": seed, "action_seed": args.action_seed + seed,
                             "action_scale": action_scale(seed), "steps": steps,
                             "qpos": qpos, "qvel": qvel, "rows": rows, "observations": observations,
                             "rewards": rewards, "infos": infos, "terminated": terminated,
                             "truncated": truncated, "return": total})
            env.close()
        path = os.path.join(args.out, f"{name}.json")
        with open(path + ".tmp", "w") as f:
            json.dump({"task": name, "mujoco": mujoco.__version__, "episodes": episodes}, f)
        os.replace(path + ".tmp", path)
        lengths = [e["steps"] for e in episodes]
        print(f"{name}: {len(episodes)} episodes of {lengths} steps -> {path}", file=sys.stderr)


def resets(args):
    """Mean and standard deviation of qpos and qvel right after reset, over seeds."""
    result = {}
    for name in args.tasks:
        env = make(name)
        states = []
        for i in range(args.count):
            env.reset(seed=args.seed + i)
            d = env.unwrapped.data
            states.append(np.concatenate([d.qpos, d.qvel]))
        states = np.array(states)
        result[name] = {"count": args.count, "mean": states.mean(axis=0).tolist(), "std": states.std(axis=0).tolist()}
        print(f"{name}: {args.count} resets", file=sys.stderr)
    text = json.dumps({"mujoco": __import__("mujoco").__version__, "tasks": result}, indent=1)
    if args.out:
        with open(args.out + ".tmp", "w") as f:
            f.write(text + "\n")
        os.replace(args.out + ".tmp", args.out)
    else:
        print(text)


def speed(args):
    result = {}
    for name in args.tasks:
        env = make(name)
        rng = np.random.default_rng(0)
        space = env.action_space
        actions = rng.uniform(space.low, space.high, size=(1000, space.shape[0]))
        start = time.perf_counter()
        steps = 0
        for episode in range(args.episodes):
            env.reset(seed=episode)
            done = False
            while not done:
                _, _, term, trunc, _ = env.step(actions[steps % 1000])
                steps += 1
                done = term or trunc
        result[name] = steps / (time.perf_counter() - start)
        print(f"{name}: {result[name]:.0f} steps/s", file=sys.stderr)
    json.dump(result, sys.stdout)
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("record")
    p.add_argument("--out", required=True)
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--every", type=int, default=1, help="keep every k-th step (and the last)")
    p.add_argument("--action-seed", type=int, default=1000)
    p.add_argument("--tasks", default=",".join(TASKS))
    p = sub.add_parser("resets")
    p.add_argument("--count", type=int, default=2000)
    p.add_argument("--seed", type=int, default=100000)
    p.add_argument("--out")
    p.add_argument("--tasks", default=",".join(TASKS))
    p = sub.add_parser("speed")
    p.add_argument("--episodes", type=int, default=5)
    p.add_argument("--tasks", default=",".join(TASKS))
    args = parser.parse_args()
    args.tasks = args.tasks.split(",")
    if hasattr(args, "seeds"):
        args.seeds = [int(s) for s in args.seeds.split(",")]
    {"record": record, "resets": resets, "speed": speed}[args.command](args)


if __name__ == "__main__":
    main()
