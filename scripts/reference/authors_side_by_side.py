"""The authors' code beside ours on the DeepMind Control table's tasks: a Markdown table.

Reads the authors' runs that scripts/reference/authors_dmc_runs.sh leaves
(AUTHORS/TASK/AGENT/seedS/metrics.jsonl: their evaluation log, one {"step", "episode_reward"} per
evaluation) and ours (RUNS/TASK/AGENT/seedS/metrics.csv: the `eval/return` column; `--ours` may
be given more than once, e.g. the table's runs and the extra seeds), and prints, for each task and
agent that the authors' side has, the evaluation return at each chosen step per seed and as mean ±
population std over seeds, for both codes. Only seeds finished on a side count. Where both sides
have two seeds or more, the last column is the exact two-sided permutation p-value of the
difference in means: the share of all ways to split the pooled returns into groups of the two
sizes whose means differ at least as much as the observed ones (small: the codes differ; large: the
seeds alone could explain the gap).
    python3 scripts/reference/authors_side_by_side.py --authors docs/results/dmc-table/authors \
        --ours docs/results/dmc-table/runs --ours docs/results/dmc-table/extra-seeds --steps 50000,100000
"""
import argparse
import csv
import itertools
import json
import statistics
from pathlib import Path


def authors_returns(folder: Path):
    if not (folder / "run.json").exists():
        return None   # not finished
    rows = [json.loads(l) for l in (folder / "metrics.jsonl").read_text().splitlines() if l.strip()]
    return {int(r["step"]): float(r["episode_reward"]) for r in rows}


def our_returns(folder: Path):
    if not (folder / "summary.json").exists():
        return None   # not finished
    with open(folder / "metrics.csv") as f:
        return {int(r["step"]): float(r["eval/return"]) for r in csv.DictReader(f) if r.get("eval/return")}


# How the docs spell each agent (the folders use lower case).
AGENT_NAMES = {"rfm": "RFM", "sac": "SAC", "qsm": "QSM", "dqs": "DQS", "maxentdp": "MaxEntDP", "qvpo": "QVPO"}


def cell(values):
    if not values:
        return "—"
    per_seed = ", ".join(f"{v:.1f}" for v in values)
    if len(values) == 1:
        return f"{per_seed} (one seed)"
    return f"{statistics.fmean(values):.1f} ± {statistics.pstdev(values):.1f} ({per_seed})"


def permutation_p(a, b):
    """Exact two-sided permutation p-value of mean(a) − mean(b); None below two values a side."""
    if len(a) < 2 or len(b) < 2:
        return None
    pooled, n = a + b, len(a)
    observed = abs(statistics.fmean(a) - statistics.fmean(b))
    total = sum(pooled)
    count = splits = 0
    for chosen in itertools.combinations(range(len(pooled)), n):
        first = sum(pooled[i] for i in chosen)
        diff = abs(first / n - (total - first) / (len(pooled) - n))
        count += diff >= observed - 1e-9
        splits += 1
    return count / splits


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--authors", type=Path, required=True)
    p.add_argument("--ours", type=Path, action="append", required=True)
    p.add_argument("--steps", default="50000,100000")
    args = p.parse_args()
    steps = [int(s) for s in args.steps.split(",")]
    print("| task | agent | step | authors' code | ours | permutation p |")
    print("|---|---|---|---|---|---|")
    for task_dir in sorted(d for d in args.authors.iterdir() if d.is_dir()):
        for agent_dir in sorted(d for d in task_dir.iterdir() if d.is_dir()):
            theirs = [r for s in sorted(agent_dir.glob("seed*")) if (r := authors_returns(s)) is not None]
            mine = [r for ours in args.ours for s in sorted((ours / task_dir.name / agent_dir.name).glob("seed*"))
                    if (r := our_returns(s)) is not None]
            for step in steps:
                a = [r[step] for r in theirs if step in r]
                o = [r[step] for r in mine if step in r]
                p_value = permutation_p(a, o)
                shown = "—" if p_value is None else f"{p_value:.2f}"
                print(f"| {task_dir.name} | {AGENT_NAMES.get(agent_dir.name, agent_dir.name)} | {step:,} | {cell(a)} | {cell(o)} | {shown} |")


if __name__ == "__main__":
    main()
