#!/usr/bin/env python3
"""Random-policy returns and stepping speed: rfm's DeepMind Control tasks against dm_control.

Usage: .venv-dmc/bin/python scripts/reference/compare_with_dm_control.py RFM_BINARY [--episodes 100]

For each task, runs `rfm env check --json` and dm_control (uniform random actions in both, each
with its own random streams, episode i reset with seed i) and prints a Markdown table: return
mean ± std on each side, Welch's t statistic for the means, the two-sample Kolmogorov-Smirnov
p-value for the whole distributions, and steps per second on each side.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
from scipy import stats

sys.path.insert(0, os.path.dirname(__file__))
import dmc_reference  # noqa: E402


def dm_control_run(name, episodes):
    import time
    returns, steps, seconds = [], 0, 0.0
    for episode in range(episodes):
        env = dmc_reference.load(name, episode)
        rng = np.random.default_rng(episode)
        spec = env.action_spec()
        ts = env.reset()
        total = 0.0
        start = time.perf_counter()
        while not ts.last():
            ts = env.step(rng.uniform(spec.minimum, spec.maximum))
            total += ts.reward
            steps += 1
        seconds += time.perf_counter() - start
        returns.append(total)
    return np.array(returns), steps / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rfm")
    parser.add_argument("--episodes", type=int, default=100)
    parser.add_argument("--tasks", default=",".join(dmc_reference.TASKS))
    args = parser.parse_args()
    print("| task | dm_control return | rfm return | Welch t | KS p | dm_control steps/s | rfm steps/s | speed-up |")
    print("|---|---|---|---|---|---|---|---|")
    for name in args.tasks.split(","):
        out = subprocess.run([args.rfm, "env", "check", "--env", name, "--episodes", str(args.episodes), "--json"],
                             check=True, capture_output=True, text=True).stdout
        ours = json.loads(out)
        mine = np.array(ours["returns"])
        theirs, their_speed = dm_control_run(name, args.episodes)
        t = stats.ttest_ind(mine, theirs, equal_var=False).statistic
        ks = stats.ks_2samp(mine, theirs).pvalue
        print(f"| {name} | {theirs.mean():.1f} ± {theirs.std():.1f} | {mine.mean():.1f} ± {mine.std():.1f} | "
              f"{t:+.2f} | {ks:.2f} | {their_speed:,.0f} | {ours['steps_per_second']:,.0f} | "
              f"{ours['steps_per_second'] / their_speed:.1f}× |", flush=True)


if __name__ == "__main__":
    main()
