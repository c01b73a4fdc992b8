#!/usr/bin/env bash
# The authors' code (azizanlab/ReverseFlowMatching) beside the DeepMind Control table: RFM and SAC
# on finger-spin and walker-walk, seeds 0-1, 100,000 steps, at the table's reduced setting
# (experiments/dmc-table.yaml: widths 128, batch 128, 4 particles, K = 16, lambda = 0.02, 5,000
# warm-up steps, evaluation every 10,000 steps over the authors' 25 episodes; RFM clips gradients
# at 10 as their configs/rfm.yaml does, SAC does not). One run at a time, one XLA thread, niced.
#
# Their code cannot resume a run, so a run is either finished (its folder has run.json) or run
# again from the start. Each finished run leaves, under $OUT/TASK/AGENT/seedS/: metrics.jsonl
# (their evaluation log: step, episode_reward), train_metrics.jsonl (their agent's training
# diagnostics every trainer.log_interval steps: critic loss, ESS, ...), config.yaml (their merged configuration), command.txt
# and run.json (wall-clock, final return, the code's commit).
#   AUTHORS_REPO=PATH AUTHORS_PYTHON=VENV/bin/python bash scripts/reference/authors_dmc_runs.sh
# AUTHORS_REPO: a checkout of their code (never committed here); AUTHORS_PYTHON: a Python with
# their pinned packages (JAX 0.6.2, dm_control 1.0.34; see their environment.yaml).
# AUTHORS_COMMIT names the checkout's commit in run.json. TASKS, AGENTS, SEEDS, STEPS override
# the lists; OUT the folder; AUTHORS_OVERRIDES adds overrides of their configuration (e.g.
# "rfm.init_temperature=0.05 rfm.final_temperature=0.05" for the cpu preset's lambda); NICE sets
# the runs' niceness (default 19). Their code also runs Gymnasium ids (HalfCheetah-v5): the
# Gymnasium MuJoCo comparison is
#   OUT=docs/results/gym-mujoco/authors TASKS=HalfCheetah-v5 AGENTS=rfm SEEDS=0 \
#     AUTHORS_OVERRIDES="rfm.init_temperature=0.05 rfm.final_temperature=0.05" … authors_dmc_runs.sh
# (their venv then needs imageio and packaging, which gymnasium's MuJoCo module imports).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=${AUTHORS_REPO:?set AUTHORS_REPO to a checkout of azizanlab/ReverseFlowMatching}
python=${AUTHORS_PYTHON:?set AUTHORS_PYTHON to a Python with the authors\' pinned packages}
out=$(realpath -m "${OUT:-docs/results/dmc-table/authors}")
steps=${STEPS:-100000}
export XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
export MUJOCO_GL=disable
# Their main.py, with the training diagnostics also written to train_metrics.jsonl (their logger
# sends those to wandb only); their checkout is left untouched.
train_log=$(realpath scripts/reference/authors_main_with_train_log.py)
for task in ${TASKS:-finger-spin walker-walk}; do
  for agent in ${AGENTS:-rfm sac}; do
    for seed in ${SEEDS:-0 1}; do
      dir=$out/$task/$agent/seed$seed
      [ -e "$dir/run.json" ] && { echo "done already: $task $agent seed $seed"; continue; }
      work=$(mktemp -d)
      common=(--override env.name="$task" --override seed="$seed" --override trainer.max_steps="$steps"
              --override trainer.start_training=5000 --override trainer.batch_size=128
              --override actor.hidden_size=128 --override critic.hidden_size=128
              --override trainer.eval_interval=10000 --override logger.wandb_project=none
              --override logger.log_dir="$work")
      for o in ${AUTHORS_OVERRIDES:-}; do common+=(--override "$o"); done
      if [ "$agent" = rfm ]; then
        args=(--config configs/rfm.yaml "${common[@]}" --override rfm.num_particles_training=4
              --override rfm.num_particles_data=4 --override rfm.num_particles_eval=4
              --override rfm.num_estimator_mc_samples=16)
      else
        args=(--override algo="$agent" "${common[@]}")
      fi
      echo "start $task $agent seed $seed ($(date -u +%FT%TZ))"
      start=$(date +%s)
      (cd "$repo" && nice -n "${NICE:-19}" "$python" "$train_log" "${args[@]}") > "$work/stdout.txt" 2>&1 || {
        echo "failed: $task $agent seed $seed; last lines:"; tail -n 20 "$work/stdout.txt"; exit 1; }
      seconds=$(( $(date +%s) - start ))
      run=$(dirname "$(find "$work" -name metrics.jsonl | head -n 1)")
      mkdir -p "$dir"
      cp "$run/metrics.jsonl" "$run/config.yaml" "$dir/"
      [ -e "$run/train_metrics.jsonl" ] && cp "$run/train_metrics.jsonl" "$dir/"
      printf 'cd AUTHORS_REPO && XLA_FLAGS="%s" python main.py %s\n# (run through scripts/reference/authors_main_with_train_log.py, which also writes train_metrics.jsonl)\n' "$XLA_FLAGS" "${args[*]//$work/LOG_DIR}" > "$dir/command.txt"
      python3 - "$dir" "$task" "$agent" "$seed" "$steps" "$seconds" "${AUTHORS_COMMIT:-unknown}" <<'PY'
import json, sys
d, task, agent, seed, steps, seconds, commit = sys.argv[1:]
rows = [json.loads(l) for l in open(f"{d}/metrics.jsonl") if l.strip()]
final = [r for r in rows if r.get("step") == int(steps)] or rows[-1:]
json.dump({"code": "azizanlab/ReverseFlowMatching", "commit": commit, "task": task, "agent": agent,
           "seed": int(seed), "steps": int(steps), "wall_seconds": int(seconds),
           "final_eval_return": final[0]["episode_reward"] if final else None}, open(f"{d}/run.json", "w"), indent=2)
PY
      rm -rf "$work"
      echo "done  $task $agent seed $seed in $((seconds / 60)) min"
    done
  done
done
