#!/usr/bin/env python3
"""Reference data from dm_control itself, for the Swift DeepMind Control tasks.

Runs in its own virtual environment (scripts/reference/dmc_venv.sh makes one with dm_control
1.0.34 and MuJoCo 3.3.6); never on the training path.

  record   Whole episodes: the physics state right after dm_control's reset (mj_getState with
           mjSTATE_INTEGRATION), the task's randomised model values, then the observation and
           reward of every step under a deterministic pseudo-random action sequence.  The Swift
           tests restore the state and replay the same actions (ControlSuiteReferenceTests).
  returns  Random-policy episode returns from dm_control's own resets, to compare reset
           distributions with `rfm env check --json`.
  resets   Mean and spread of each observation entry right after reset, over many seeds: the
           reset distributions the Swift tasks must reproduce (ControlSuiteTests).
  speed    dm_control's stepping speed (steps per second, random actions), for docs/environments.md.

Actions: a_{t,i} = 2 u - 1 with u = splitmix64(seed * 0x9E3779B97F4A7C15 + t * n + i) >> 11
over 2^53, the same formula as ControlSuiteReference.action in the Swift tests.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

TASKS = ["cheetah-run", "cartpole-swingup", "fish-swim", "fish-upright", "walker-walk", "walker-run",
         "finger-spin", "finger-turn_hard", "pendulum-swingup", "cartpole-balance", "reacher-easy",
         "walker-stand"]
MASK = (1 << 64) - 1


def splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def action(seed, t, n):
    base = (seed * 0x9E3779B97F4A7C15) & MASK
    return np.array([2.0 * (splitmix64((base + t * n + i) & MASK) >> 11) * 2.0**-53 - 1.0 for i in range(n)])


def load(name, seed):
    from dm_control import suite
    domain, task = name.split("-")
    return suite.load(domain, task, task_kwargs={"random": seed})


def flat(observation):
    return np.concatenate([np.atleast_1d(v).ravel() for v in observation.values()]).astype(np.float64)


def task_variables(name, physics):
    """The model values a task randomises per episode, in ControlTask.taskVariables' order."""
    named = physics.named.model
    if name.startswith("reacher"):
        return [float(named.geom_pos["target", "x"]), float(named.geom_pos["target", "y"])]
    if name == "fish-swim":
        return [float(v) for v in named.geom_pos["target"]]
    if name.startswith("finger-turn"):
        return [float(named.site_pos["target", "x"]), float(named.site_pos["target", "z"])]
    return []


def record(args):
    import mujoco
    os.makedirs(args.out, exist_ok=True)
    for name in args.tasks:
        episodes = []
        for seed in args.seeds:
            env = load(name, seed)
            physics = env.physics
            first = env.reset()
            m, d = physics.model.ptr, physics.data.ptr
            spec = mujoco.mjtState.mjSTATE_INTEGRATION
            state = np.empty(mujoco.mj_stateSize(m, spec))
            mujoco.mj_getState(m, d, state, spec)
            n = env.action_spec().shape[0]
            observations, rewards, steps = [flat(first.observation).tolist()], [], 0
            rows = [0]
            total = 0.0
            ts = first
            while not ts.last():
                ts = env.step(action(args.action_seed + seed, steps, n))
                steps += 1
                total += ts.reward
                if steps % args.every == 0 or ts.last():
                    observations.append(flat(ts.observation).tolist())
                    rewards.append(float(ts.reward))
                    rows.append(steps)
            episodes.append({"seed": seed, "action_seed": args.action_seed + seed, "steps": steps,
                             "state": state.tolist(), "task_variables": task_variables(name, physics),
                             "rows": rows, "observations": observations, "rewards": rewards,
                             "return": total})
        path = os.path.join(args.out, f"{name}.json")
        with open(path + ".tmp", "w") as f:
            json.dump({"task": name, "mujoco": mujoco.__version__, "episodes": episodes}, f)
        os.replace(path + ".tmp", path)
        print(f"{name}: {len(episodes)} episodes -> {path}", file=sys.stderr)


def returns(args):
    result = {}
    for name in args.tasks:
        values = []
        for episode in range(args.episodes):
            seed = args.seed + episode
            env = load(name, seed)
            rng = np.random.default_rng(seed)
            ts = env.reset()
            total = 0.0
            spec = env.action_spec()
            while not ts.last():
                ts = env.step(rng.uniform(spec.minimum, spec.maximum))
                total += ts.reward
            values.append(total)
        result[name] = values
        print(f"{name}: mean {np.mean(values):.2f} std {np.std(values):.2f}", file=sys.stderr)
    json.dump(result, sys.stdout)
    print()


def resets(args):
    """Mean and standard deviation of every observation entry right after reset, over seeds."""
    result = {}
    for name in args.tasks:
        first = np.array([flat(load(name, args.seed + i).reset().observation) for i in range(args.count)])
        result[name] = {"count": args.count, "mean": first.mean(axis=0).tolist(), "std": first.std(axis=0).tolist()}
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
        env = load(name, 0)
        spec = env.action_spec()
        rng = np.random.default_rng(0)
        actions = rng.uniform(spec.minimum, spec.maximum, size=(1000, spec.shape[0]))
        env.reset()
        start = time.perf_counter()
        steps = 0
        for _ in range(args.episodes):
            ts = env.reset()
            t = 0
            while not ts.last():
                ts = env.step(actions[t % 1000])
                t += 1
            steps += t
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
    p = sub.add_parser("returns")
    p.add_argument("--episodes", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tasks", default=",".join(TASKS))
    p = sub.add_parser("resets")
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--seed", type=int, default=100000)
    p.add_argument("--out")
    p.add_argument("--tasks", default=",".join(TASKS))
    p = sub.add_parser("speed")
    p.add_argument("--episodes", type=int, default=2)
    p.add_argument("--tasks", default=",".join(TASKS))
    args = parser.parse_args()
    args.tasks = args.tasks.split(",")
    if hasattr(args, "seeds"):
        args.seeds = [int(s) for s in args.seeds.split(",")]
    {"record": record, "returns": returns, "resets": resets, "speed": speed}[args.command](args)


if __name__ == "__main__":
    main()
