#!/usr/bin/env bash
# The README's test command: installs the dependencies, runs every test (optimised build: the
# numerical tests train small networks, which a debug build runs many times slower), then
# smoke-tests the command line.
set -euo pipefail
cd "$(dirname "$0")/.."
# MuJoCo for the build: the pkg-config file scripts/setup.sh writes (see Package.swift).
export PKG_CONFIG_PATH="$PWD/.deps/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

bash scripts/setup.sh
# TensorBoard's own reader checks the run folders' event files (TensorBoardLogTests).
bash scripts/reference/tensorboard_venv.sh
# The gym: bridge's tests spawn Python workers: they run on .venv-gym (gymnasium 1.2.2) and skip,
# saying so, only when the interpreter in RFM_GYM_PYTHON cannot import gymnasium.
bash scripts/reference/gym_venv.sh
export RFM_GYM_PYTHON="$PWD/.venv-gym/bin/python"
swift build -c release --build-tests
swift test -c release --skip-build

# The library as another package's dependency, by URL and version (about a minute: a debug build).
bash scripts/reference/dependency_check.sh

# The DeepMind Control tasks against dm_control itself: whole episodes, every step, three seeds
# per task, recorded now by dm_control 1.0.34 in its own virtual environment and replayed by the
# Swift tasks from the same states (the committed fixtures keep only every 100th step of one seed).
bash scripts/reference/dmc_venv.sh
reference=$(mktemp -d)
MUJOCO_GL=disable .venv-dmc/bin/python scripts/reference/dmc_reference.py record --out "$reference" --seeds 0,1,2
RFM_DMC_REFERENCE_DIR="$reference" swift test -c release --skip-build --filter ControlSuiteReferenceTests
rm -rf "$reference"

# The Gymnasium MuJoCo v5 tasks against Gymnasium itself: whole episodes (to the time limit, or to
# termination where a task falls), every step, three seeds per task, recorded now by Gymnasium
# 1.2.2 in its own virtual environment and replayed by the Swift tasks from the same qpos, qvel
# (the committed fixtures keep only every 100th step of one seed).
bash scripts/reference/gym_venv.sh
reference=$(mktemp -d)
MUJOCO_GL=disable .venv-gym/bin/python scripts/reference/gym_reference.py record --out "$reference" --seeds 0,1,2
RFM_GYM_REFERENCE_DIR="$reference" swift test -c release --skip-build --filter GymnasiumReferenceTests
rm -rf "$reference"

# The CUDA kernels compile with NVRTC for sm_80 and sm_90 with the program's options (NVRTC needs
# no GPU and no driver), so a kernel change never reaches a GPU uncompiled.
nvrtc_dir=$(bash scripts/fetch_nvrtc.sh)
RFM_CUDA_LIB_DIR="$nvrtc_dir" swift test -c release --skip-build --filter KernelCompilationTests

# MuJoCo's renderer against dm_control's physics.render on the same states and cameras (both on
# Mesa's EGL here; the test prints a skip reason where there is no off-screen GL).
reference=$(mktemp -d)
if MUJOCO_GL=egl .venv-dmc/bin/python scripts/reference/render_reference.py --out "$reference"; then
    RFM_RENDER_REFERENCE_DIR="$reference" swift test -c release --skip-build --filter RenderReferenceTests
else
    echo "render reference: skipped (dm_control could not render with EGL)"
fi
rm -rf "$reference"

# The command line answers and its benchmark prints the documented JSON keys.
rfm=$(swift build -c release --show-bin-path)/rfm
"$rfm" --version
RFM_CUDA_LIB_DIR="$nvrtc_dir" "$rfm" device --compile-only 80,90
"$rfm" --help >/dev/null
"$rfm" env list >/dev/null
"$rfm" env check --env cartpole-swingup --episodes 2 --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert len(r["returns"]) == 2 and r["steps_per_second"] > 0, r
print("cli smoke: env check ok")'
# A Gymnasium task that terminates: random torques topple the hopper well before the time limit.
"$rfm" env check --env Hopper-v5 --episodes 5 --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert len(r["returns"]) == 5 and all(0 < n < 1000 for n in r["lengths"]), r
print("cli smoke: env check Hopper-v5 ok")'
"$rfm" env check --env gym:Pendulum-v1 --episodes 2 --set gym.python="$RFM_GYM_PYTHON" --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["lengths"] == [200, 200] and r["steps_per_second"] > 0, r
print("cli smoke: env check gym:Pendulum-v1 ok")'
if msg=$("$rfm" env check --env gym:CartPole-v1 --set gym.python="$RFM_GYM_PYTHON" 2>&1); then
    echo "cli smoke: a Discrete action space was accepted" >&2
    exit 1
fi
[ "$(echo "$msg" | wc -l)" -eq 1 ] && [[ $msg == *"gym:CartPole-v1"*"Discrete(2)"* ]] || { echo "cli smoke: unexpected message: $msg" >&2; exit 1; }
"$rfm" bench critic-update --iterations 5 --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
missing = {"update_ms", "gflops_effective", "sgemm_gflops"} - r.keys()
assert not missing, f"bench critic-update --json lacks {missing}"
print("cli smoke: ok")'
# The CUDA backend on its CPU emulation (the same on a GPU is scripts/gpu_check.sh): the kernel
# self-check with whole RFM updates compared against the CPU, and the update and act benchmarks.
"$rfm" device --emulate --update-check cpu --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert len(r["max_errors"]) >= 45, sorted(r["max_errors"])
u = r["update_check"]
assert u["metrics"] < 1e-3 and u["parameters"] < 1e-3, u
print("cli smoke: device --emulate ok")'
"$rfm" bench update --device cuda-emulated --preset cpu --state-dim 3 --action-dim 1 --iterations 2 --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
missing = {"update_ms", "act_ms", "gflop_per_update", "gflops_effective", "sgemm_gflops", "phases_ms", "device"} - r.keys()
assert not missing and r["device"] != "cpu", (missing, r)
print("cli smoke: bench update --device cuda-emulated ok")'
"$rfm" bench act --device cuda-emulated --preset cpu --repeats 5 --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["act_ms"] > 0 and r["device"] != "cpu", r
print("cli smoke: bench act --device cuda-emulated ok")'
if "$rfm" bench critic-update --threads 0 2>/dev/null; then
    echo "cli smoke: --threads 0 was accepted" >&2
    exit 1
fi

# Bad configuration: non-zero exit and one line naming the key, before any work.
tmp=$(mktemp -d)
if msg=$("$rfm" train --set rfm.tempreature=1 --out "$tmp/bad" 2>&1); then
    echo "cli smoke: an unknown config key was accepted" >&2
    exit 1
fi
[[ $msg == *"unknown config key 'rfm.tempreature'"* ]] || { echo "cli smoke: unexpected message: $msg" >&2; exit 1; }
[ ! -e "$tmp/bad" ] || { echo "cli smoke: a rejected config still created a run folder" >&2; exit 1; }
for args in "--config $tmp/missing.yaml" "--set trainer.batch_size=0"; do
    if msg=$("$rfm" train $args --out "$tmp/bad" 2>&1); then
        echo "cli smoke: 'rfm train $args' was accepted" >&2
        exit 1
    fi
    [ "$(echo "$msg" | wc -l)" -eq 1 ] || { echo "cli smoke: expected one line, got: $msg" >&2; exit 1; }
done

# A short training run, then evaluation of its checkpoint.
"$rfm" train --agent sac --steps 400 --set trainer.warmup=200 --set trainer.eval_interval=200 \
    --set trainer.eval_episodes=2 --set trainer.checkpoint_interval=200 --threads 1 --out "$tmp/run" >/dev/null
"$rfm" eval "$tmp/run" --episodes 2 --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert len(r["returns"]) == 2, r
print("cli smoke: train and eval ok")'
"$rfm" eval "$tmp/run" --episodes 2 --stochastic --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert len(r["returns"]) == 2 and r["rule"] == "training", r
print("cli smoke: eval --stochastic ok")'
# The same policy on another environment of its sizes (pendulum-swingup: 3 observations, 1 action),
# and a clear refusal where the sizes differ (cartpole-swingup has 5 observations).
"$rfm" eval "$tmp/run" --episodes 2 --env pendulum-swingup --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert len(r["returns"]) == 2 and all(0 <= x <= 1000 for x in r["returns"]), r
print("cli smoke: eval --env ok")'
if msg=$("$rfm" eval "$tmp/run" --episodes 1 --env cartpole-swingup 2>&1); then
    echo "cli smoke: eval --env cartpole-swingup accepted a policy of another size" >&2; exit 1
fi
case "$msg" in
    *"does not fit 'cartpole-swingup'"*"observation size 5"*) echo "cli smoke: eval --env size check ok" ;;
    *) echo "cli smoke: eval --env cartpole-swingup said: $msg" >&2; exit 1 ;;
esac
# The Python package installs with pip and loads that run (PythonPolicyTests checks its numbers).
python="$PWD/.venv-tb/bin/python"
"$python" -m pip install --quiet ./python
"$python" python/tests/test_random.py
"$python" python/tests/test_config.py
(cd "$tmp" && "$python" -c '
import rfm
a = rfm.load("run").act([1.0, 0.0, 0.0])
assert a.shape == (1,) and abs(a[0]) <= 1, a
print("cli smoke: python package ok")')
# A video of that policy: pendulum is drawn without GL, so this needs only ffmpeg.
"$rfm" render "$tmp/run" --episodes 2 --every 4 --width 64 --height 48 --camera -1 --out "$tmp/run/video.mp4" --threads 1 >/dev/null
frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames,width,height -of csv=p=0 "$tmp/run/video.mp4")
[ "$frames" = "64,48,102" ] || { echo "cli smoke: rfm render wrote '$frames' (width,height,frames), expected 64,48,102" >&2; exit 1; }
echo "cli smoke: render ok"

# Run-folder promises across processes (docs/reliability.md): evaluating a run while it trains
# changes none of its files and loses none of its rows; a second trainer on the folder is refused
# naming the holder; SIGTERM checkpoints and exits 143; a bad --seed is one line.
live="$tmp/live"
"$rfm" train --agent sac --steps 100000 --set trainer.warmup=200 --set trainer.checkpoint_interval=300 \
    --set trainer.log_interval=50 --set trainer.eval_interval=100000 --threads 1 --out "$live" > "$tmp/live.log" 2>&1 &
live_pid=$!
for _ in $(seq 50); do [ -e "$live/checkpoints/latest.safetensors" ] && break; sleep 0.2; done
for _ in 1 2 3; do
    "$rfm" eval "$live" --episodes 1 --json > /dev/null
    ! tr -d -c '\000' < "$live/metrics.csv" | grep -q . || { echo "cli smoke: NUL bytes in a training run's metrics" >&2; exit 1; }
done
if msg=$("$rfm" train --resume "$live" 2>&1); then echo "cli smoke: a second trainer was accepted" >&2; exit 1; fi
[[ $msg == *"in use by process $live_pid"* ]] || { echo "cli smoke: unexpected lock message: $msg" >&2; exit 1; }
kill -TERM "$live_pid"
set +e; wait "$live_pid"; code=$?; set -e
[ "$code" -eq 143 ] || { echo "cli smoke: SIGTERM gave exit code $code, expected 143" >&2; cat "$tmp/live.log" >&2; exit 1; }
grep -q "stopped by SIGTERM after step" "$tmp/live.log" || { echo "cli smoke: no stop message" >&2; exit 1; }
step=$(grep -o "after step [0-9]*" "$tmp/live.log" | grep -o "[0-9]*")
rows=$(($(wc -l < "$live/metrics.csv") - 1))
[ "$rows" -eq $((step / 50)) ] || { echo "cli smoke: $rows metric rows after $step steps (every 50)" >&2; exit 1; }
if msg=$("$rfm" eval "$live" --seed=-1 2>&1); then echo "cli smoke: --seed=-1 was accepted" >&2; exit 1; fi
[[ $msg == *"--seed must be 0 or more"* ]] || { echo "cli smoke: unexpected message: $msg" >&2; exit 1; }
echo "cli smoke: eval during training, lock, SIGTERM ok"

# A signal to a sweep reaches its running runs: each checkpoints (a duplicate signal, as a process
# group or Slurm delivers one, costs no checkpoint), the sweep exits 143, and the same command
# finishes the grid from those checkpoints.
cat > "$tmp/stop-sweep.yaml" <<EOF
out: $tmp/stop-sweep
tasks: [pendulum]
agents: [sac]
seeds: [0, 1]
steps: 4000
set: {trainer.warmup: 200, trainer.log_interval: 100, trainer.eval_interval: 4000, trainer.eval_episodes: 1}
EOF
"$rfm" sweep "$tmp/stop-sweep.yaml" --jobs 2 --threads 1 > "$tmp/stop-sweep.log" 2>&1 &
sweep_pid=$!
for seed in 0 1; do
    csv="$tmp/stop-sweep/pendulum/sac/seed$seed/metrics.csv"
    for _ in $(seq 150); do [ -e "$csv" ] && [ "$(wc -l < "$csv")" -ge 4 ] && break; sleep 0.2; done
done
children=$(pgrep -f "$tmp/stop-sweep/pendulum/sac/seed" || true)
kill -TERM "$sweep_pid"
[ -z "$children" ] || kill -TERM $children
set +e; wait "$sweep_pid"; code=$?; set -e
[ "$code" -eq 143 ] || { echo "cli smoke: a stopped sweep exited $code, expected 143" >&2; cat "$tmp/stop-sweep.log" >&2; exit 1; }
for seed in 0 1; do
    d="$tmp/stop-sweep/pendulum/sac/seed$seed"
    grep -q "stopped by SIGTERM after step" "$d/train.log" || { echo "cli smoke: sweep run seed $seed did not checkpoint on SIGTERM" >&2; cat "$d/train.log" >&2; exit 1; }
    [ ! -e "$d/summary.json" ] || { echo "cli smoke: sweep run seed $seed finished before the signal" >&2; exit 1; }
done
"$rfm" sweep "$tmp/stop-sweep.yaml" --jobs 2 --threads 1 > "$tmp/stop-sweep-2.log" 2>&1
[ "$(grep -c "(resuming)" "$tmp/stop-sweep-2.log")" -eq 2 ] || { echo "cli smoke: the sweep did not resume both runs" >&2; cat "$tmp/stop-sweep-2.log" >&2; exit 1; }
for seed in 0 1; do grep -q '"steps" : 4000' "$tmp/stop-sweep/pendulum/sac/seed$seed/summary.json"; done
echo "cli smoke: SIGTERM to a sweep ok"

# Every agent trains on a DeepMind Control task (tiny networks, a few updates).
for agent in rfm sac qsm dqs maxentdp qvpo; do
    "$rfm" train --env cartpole-swingup --agent "$agent" --steps 250 --set trainer.warmup=200 \
        --set trainer.eval_interval=250 --set trainer.eval_episodes=1 --set trainer.batch_size=16 \
        --set critic.hidden=16 --set actor.hidden=16 --threads 1 --out "$tmp/dmc-$agent" >/dev/null
done
echo "cli smoke: every agent on cartpole-swingup ok"
# Training on a Gymnasium task with a gym.* option set (episodes end by termination).
"$rfm" train --env Hopper-v5 --agent sac --steps 400 --set trainer.warmup=200 --set trainer.eval_interval=400 \
    --set trainer.eval_episodes=2 --set gym.ctrl_cost_weight=0.01 --threads 1 --out "$tmp/gym" >/dev/null
grep -q "ctrl_cost_weight: 0.01" "$tmp/gym/config.yaml" || { echo "cli smoke: gym.ctrl_cost_weight not saved" >&2; exit 1; }
echo "cli smoke: train on Hopper-v5 ok"

# A two-run sweep, rerun (it must skip both), then a report of it.
printf '%s\n' "out: $tmp/sweep" "tasks: [pendulum]" "agents: [sac]" "seeds: [0, 1]" "steps: 300" \
    "set: {trainer.warmup: 100, trainer.eval_interval: 150, trainer.eval_episodes: 1}" > "$tmp/grid.yaml"
"$rfm" sweep "$tmp/grid.yaml" --jobs 2 >/dev/null
# (The output is captured first: under pipefail, `rfm … | grep -q` fails when grep exits at the
# first match and rfm then dies of SIGPIPE writing its next line.)
rerun=$("$rfm" sweep "$tmp/grid.yaml")
[[ $rerun == *"2 already finished, 0 to run"* ]] || { echo "cli smoke: a rerun sweep did not skip finished runs: $rerun" >&2; exit 1; }
"$rfm" report "$tmp/sweep" >/dev/null
grep -q "<svg" "$tmp/sweep/report.html" || { echo "cli smoke: report.html has no figure" >&2; exit 1; }
"$rfm" sweep "$tmp/grid.yaml" --slurm >/dev/null
grep -q "#SBATCH --array=0-1" "$tmp/sweep/sweep.slurm" || { echo "cli smoke: bad Slurm script" >&2; exit 1; }
echo "cli smoke: sweep and report ok"
# Hostile sweep input: one line naming the value, exit non-zero, nothing written or run.
printf '%s\n' "out: $tmp/hostile" "tasks: [pendulum]" "agents: ['rfm #/../../../escape']" "seeds: [0]" > "$tmp/trav.yaml"
if msg=$("$rfm" sweep "$tmp/trav.yaml" --slurm 2>&1); then echo "cli smoke: a path-traversing agent was accepted" >&2; exit 1; fi
[[ $msg == *"agent 'rfm #/../../../escape' is not a valid name"* ]] || { echo "cli smoke: unexpected message: $msg" >&2; exit 1; }
[ ! -e "$tmp/hostile" ] && [ ! -e "$tmp/escape" ] || { echo "cli smoke: a rejected sweep wrote files" >&2; exit 1; }
if msg=$("$rfm" train --set 'critic.max_grad_norm="10' --out "$tmp/bad" 2>&1); then
    echo "cli smoke: an unparsable --set value was accepted" >&2
    exit 1
fi
[ "$(echo "$msg" | wc -l)" -eq 1 ] && [[ $msg == *"critic.max_grad_norm"* ]] || { echo "cli smoke: unexpected message: $msg" >&2; exit 1; }
# A sweep file named to inject a command: the Slurm script quotes it, and runs only rfm.
hostile="$tmp/y\$(touch PWNED).yaml"
cp "$tmp/grid.yaml" "$hostile"
"$rfm" sweep "$hostile" --slurm >/dev/null
bash -n "$tmp/sweep/sweep.slurm"
(cd "$tmp" && SLURM_ARRAY_TASK_ID=0 RFM=/bin/echo bash "$tmp/sweep/sweep.slurm" >/dev/null)
[ ! -e "$tmp/PWNED" ] && [ ! -e PWNED ] || { echo "cli smoke: the Slurm script ran a command from a file name" >&2; exit 1; }
echo "cli smoke: hostile sweep and config input ok"
rm -rf "$tmp"

# The Slurm path for real: a one-node cluster on this machine runs the script `rfm sweep --slurm`
# writes, an array task is cancelled mid-run and the resubmitted array resumes it (prints
# "skipped: <why>" where it cannot run: no root or sudo, no Debian packages).
bash scripts/reference/slurm_check.sh "$rfm"
