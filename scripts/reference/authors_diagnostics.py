"""RFM's training diagnostics beside the authors' code: a Markdown table.

Reads the authors' training logs that scripts/reference/authors_dmc_runs.sh leaves
(AUTHORS/TASK/rfm/seedS/train_metrics.jsonl: their agent's metrics every trainer.log_interval
steps, one update's values each) and ours (RUNS/TASK/rfm/seedS/metrics.csv; `--ours` may be given
more than once), and prints, per window of training steps, the median over that window's logged
rows of every seed of each side, for the quantities both codes log under these names:

    critic loss          q_loss                 critic/loss
    ESS (of K)           posterior_ess          estimator/ess
    CV coefficient       posterior_cv_weight    estimator/coefficient
    Q mean, Q std        posterior_q_mean/_std  estimator/q_mean, estimator/q_std
    actor loss           actor_loss             actor/loss

(The gradient norms are not compared: the authors log the norm after clipping, we log it before.)
    python3 scripts/reference/authors_diagnostics.py --authors docs/results/dmc-table/authors \
        --ours docs/results/dmc-table/runs --ours docs/results/dmc-table/extra-seeds --task walker-walk
"""
import argparse
import csv
import json
import statistics
from pathlib import Path

QUANTITIES = [
    ("critic loss", "q_loss", "critic/loss"),
    ("ESS", "posterior_ess", "estimator/ess"),
    ("CV coefficient", "posterior_cv_weight", "estimator/coefficient"),
    ("Q mean", "posterior_q_mean", "estimator/q_mean"),
    ("Q std", "posterior_q_std", "estimator/q_std"),
    ("actor loss", "actor_loss", "actor/loss"),
]


def window_of(step: int, width: int) -> int:
    """Window k holds steps (k·width, (k+1)·width]."""
    return (step - 1) // width


def collect_authors(folders, width):
    values = {}
    for folder in folders:
        for line in (folder / "train_metrics.jsonl").read_text().splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            for name, theirs, _ in QUANTITIES:
                if theirs in row:
                    values.setdefault((window_of(int(row["step"]), width), name), []).append(float(row[theirs]))
    return values


def collect_ours(folders, width):
    values = {}
    for folder in folders:
        with open(folder / "metrics.csv") as f:
            for row in csv.DictReader(f):
                for name, _, ours in QUANTITIES:
                    if row.get(ours):
                        values.setdefault((window_of(int(row["step"]), width), name), []).append(float(row[ours]))
    return values


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--authors", type=Path, required=True)
    p.add_argument("--ours", type=Path, action="append", required=True)
    p.add_argument("--task", required=True)
    p.add_argument("--window", type=int, default=10000, help="training steps per row")
    args = p.parse_args()
    theirs = sorted(s for s in (args.authors / args.task / "rfm").glob("seed*") if (s / "train_metrics.jsonl").exists())
    mine = sorted(s for o in args.ours for s in (o / args.task / "rfm").glob("seed*") if (s / "summary.json").exists())
    if not theirs or not mine:
        raise SystemExit(f"no runs with diagnostics for {args.task}: authors {len(theirs)}, ours {len(mine)}")
    a, o = collect_authors(theirs, args.window), collect_ours(mine, args.window)
    def seeds(folders):
        return ", ".join(str(n) for n in sorted(int(s.name[4:]) for s in folders))
    print(f"Median over each window's logged rows; authors' seeds {seeds(theirs)}, ours {seeds(mine)}. "
          "Each cell: authors' code / ours.")
    print()
    print("| steps | " + " | ".join(name for name, _, _ in QUANTITIES) + " |")
    print("|---" * (len(QUANTITIES) + 1) + "|")
    for w in sorted({w for w, _ in a} & {w for w, _ in o}):
        cells = []
        for name, _, _ in QUANTITIES:
            x, y = a.get((w, name)), o.get((w, name))
            cells.append(f"{statistics.median(x):.3g} / {statistics.median(y):.3g}" if x and y else "—")
        print(f"| {w * args.window // 1000}–{(w + 1) * args.window // 1000}k | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
