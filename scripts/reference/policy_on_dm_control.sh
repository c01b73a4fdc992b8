#!/usr/bin/env bash
# Trained policies on both implementations of their DeepMind Control task: each RUN's saved policy
# is evaluated on the built-in task (rfm's own, on MuJoCo's C API) and on dm_control's Python
# environment through the Gymnasium bridge (scripts/reference/dm_control_gym.py), over the same
# number of episodes. Random-action returns and replays (docs/environments.md) check the
# environments where a random policy goes; a trained policy reaches the states that matter for
# learning (a walker walking, a finger spinning), so equal returns here check those too.
#   PYTHON=VENV/bin/python bash scripts/reference/policy_on_dm_control.sh [--episodes N] RUN...
# PYTHON must import dm_control 1.0.34 and gymnasium 1.2.2 (the authors' venv has both). RFM
# defaults to the build's rfm. Prints one line per run: task, agent, seed, and mean ± std on each.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${PYTHON:?set PYTHON to a Python with dm_control and gymnasium}
rfm=${RFM:-$(swift build -c release --show-bin-path)/rfm}
episodes=10
if [ "${1:-}" = --episodes ]; then episodes=$2; shift 2; fi
[ $# -ge 1 ] || { echo "usage: PYTHON=... $0 [--episodes N] RUN..." >&2; exit 2; }
export PYTHONPATH="$PWD/scripts/reference${PYTHONPATH:+:$PYTHONPATH}"
summary() { python3 -c 'import json, sys; r = json.load(sys.stdin); print("%.1f ± %.1f" % (r["mean"], r["std"]))'; }
printf '%-18s %-6s %-5s %-18s %-18s\n' task agent seed built-in dm_control
for run in "$@"; do
  task=$(sed -n 's/^env: //p' "$run/config.yaml"); agent=$(sed -n 's/^agent: //p' "$run/config.yaml")
  seed=$(sed -n 's/^seed: //p' "$run/config.yaml")
  domain=${task%%-*}; name=${task#*-}
  ours=$("$rfm" eval "$run" --episodes "$episodes" --threads 1 --json | summary)
  theirs=$("$rfm" eval "$run" --episodes "$episodes" --threads 1 --json --env gym:dm_control_gym:DMControlEnv \
    --set gym.python="$python" --set gym.kwargs.domain="$domain" --set gym.kwargs.task="$name" | summary)
  printf '%-18s %-6s %-5s %-18s %-18s\n' "$task" "$agent" "$seed" "$ours" "$theirs"
done
