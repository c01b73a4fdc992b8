#!/usr/bin/env bash
# The Slurm path for real: starts a one-node Slurm cluster on this machine (Debian's slurm-wlm
# and munge, every file in a temporary folder), submits the script that `rfm sweep --slurm` wrote
# for a tiny grid (pendulum, SAC, two seeds), cancels one array task mid-run, checks that the
# other cell finished and the cancelled one was left partial, resubmits the same script, and
# checks that the cancelled cell finished by resuming while the finished one was skipped.
# The output folder's name holds a space, a quote, '%' and `$(touch PWNED)`: the logs must land
# in it and nothing may run.
#
# Usage: scripts/reference/slurm_check.sh [RFM_BINARY]   (default: the release build's rfm)
# Needs root (or password-less sudo) to install the packages when missing and to run slurmd;
# prints "slurm check skipped: <why>" and exits 0 where it cannot run. Takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/../.."

skip() { echo "slurm check skipped: $*"; exit 0; }
fail() { echo "slurm check FAILED: $*" >&2; exit 1; }

rfm=${1:-$(swift build -c release --show-bin-path)/rfm}
rfm=$(realpath "$rfm")
[ -x "$rfm" ] || fail "no rfm binary at $rfm (build first)"

if [ "$(id -u)" -ne 0 ]; then
    # slurmd starts jobs as their user, which only root can do.
    sudo -n true 2>/dev/null || skip "needs root or password-less sudo to run slurmd"
    exec sudo -n -E bash "$0" "$rfm"
fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
    command -v apt-get >/dev/null || skip "slurm-wlm and munge are not installed and there is no apt-get"
    echo "slurm check: installing slurm-wlm and munge" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null; } \
        || skip "could not install slurm-wlm and munge"
fi

tmp=$(mktemp -d /tmp/rfm-slurm.XXXXXX)
chmod 755 "$tmp"
pids=()
export SLURM_CONF=$tmp/slurm.conf
cleanup() {
    status=$?
    # Cancel what is left, let slurmd reap it, then stop the daemons this script started.
    scancel --full --quiet --user root 2>/dev/null || true
    for _ in $(seq 1 20); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.5; done
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "$status" -ne 0 ]; then
        for log in slurmctld.log slurmd.log munged.log; do
            [ -f "$tmp/$log" ] && { echo "--- $log (last lines)" >&2; tail -n 15 "$tmp/$log" >&2; }
        done
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# munge: a fresh key and its own socket.
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/work"
chmod 700 "$tmp/munge"
mungekey --create --keyfile="$tmp/munge/munge.key" 2>/dev/null \
    || { dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none; chmod 600 "$tmp/munge/munge.key"; }
munged --foreground --force --key-file="$tmp/munge/munge.key" --socket="$tmp/munge/munge.socket" \
    --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munged.log" --seed-file="$tmp/munge/munged.seed" 2>>"$tmp/munged.log" &
pids+=($!)

node=$(hostname -s)
cpus=$(nproc)
port=$((20000 + RANDOM % 20000))
cat > "$SLURM_CONF" <<EOF
ClusterName=rfmcheck
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/munge.socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
KillWait=5
MinJobAge=60
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=check Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
for _ in $(seq 1 50); do [ -S "$tmp/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$tmp/munge/munge.socket" ] || fail "munged did not start"
slurmctld -D -i -f "$SLURM_CONF" >>"$tmp/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$node" >>"$tmp/slurmd.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do [[ $(sinfo -h -N -o %T 2>/dev/null) == idle* ]] && break; sleep 0.5; done
[[ $(sinfo -h -N -o %T 2>/dev/null) == idle* ]] || fail "the node did not come up: $(sinfo -h -N -o '%T %E' 2>&1)"
echo "slurm check: one-node cluster up ($node, $cpus CPUs, port $port)"

# The grid: long enough (2000 steps) that a run can be caught between its first checkpoint and
# its end; tiny otherwise.
work=$tmp/work
out="$work/out 50% 'q' \$(touch PWNED)"
cat > "$work/grid.yaml" <<EOF
out: "$out"
tasks: [pendulum]
agents: [sac]
seeds: [0, 1]
steps: 2000
set: {trainer.warmup: 100, trainer.eval_interval: 1000, trainer.eval_episodes: 1, trainer.checkpoint_interval: 100}
EOF
(cd "$work" && "$rfm" sweep grid.yaml --slurm >/dev/null)
script="$out/sweep.slurm"
[ -f "$script" ] || fail "rfm sweep --slurm wrote no $script"

wait_for_job() {  # JOB_ID: waits (at most 150 s) until the job and its array tasks have left the queue
    for _ in $(seq 1 300); do [ -z "$(squeue -h -j "$1" 2>/dev/null)" ] && return 0; sleep 0.5; done
    fail "job $1 still queued after 150 s: $(squeue -h -j "$1" -o '%i %T %R')"
}
status_of() {  # INDEX: the cell's status as `rfm sweep --dry-run` reports it
    (cd "$work" && "$rfm" sweep grid.yaml --dry-run) | awk -v i="[$1]" '$1 == i { print $2 }'
}

# First submission: cancel array task 1 once it has written a checkpoint.
job=$(cd "$work" && sbatch --parsable "$script")
job=${job%%;*}
checkpoint="$out/pendulum/sac/seed1/checkpoints/latest.safetensors"
for _ in $(seq 1 600); do [ -f "$checkpoint" ] && break; sleep 0.2; done
[ -f "$checkpoint" ] || fail "array task 1 wrote no checkpoint in 120 s: $(squeue -h -j "$job" -o '%i %T %R')"
scancel "${job}_1"
wait_for_job "$job"
[ "$(status_of 0)" = finished ] || fail "cell 0 is $(status_of 0) after the first submission"
[ "$(status_of 1)" = partial ] || fail "cell 1 is $(status_of 1) after its array task was cancelled (expected partial)"
for i in 0 1; do [ -f "$out/slurm/${job}_$i.log" ] || fail "no Slurm log $out/slurm/${job}_$i.log"; done
echo "slurm check: first array finished cell 0; cancelled cell 1 is partial"

# Second submission of the same script: cell 0 is skipped, cell 1 resumes and finishes.
job2=$(cd "$work" && sbatch --parsable "$script")
job2=${job2%%;*}
wait_for_job "$job2"
for i in 0 1; do [ "$(status_of $i)" = finished ] || fail "cell $i is $(status_of $i) after the resubmission"; done
grep -q "1 already finished, 0 to run" "$out/slurm/${job2}_0.log" || fail "the resubmitted task 0 did not skip its finished cell"
grep -q "resuming" "$out/slurm/${job2}_1.log" || fail "the resubmitted task 1 did not resume: $(cat "$out/slurm/${job2}_1.log")"
for i in 0 1; do
    python3 - "$out/pendulum/sac/seed$i" <<'EOF' || fail "cell $i's run folder is incomplete"
import json, os, sys
run = sys.argv[1]
summary = json.load(open(os.path.join(run, "summary.json")))
assert summary["steps"] == 2000, summary
for name in ["config.yaml", "metrics.jsonl", "sweep_run.json", "train.log"]:
    assert os.path.isfile(os.path.join(run, name)), name
EOF
done
if found=$({ find "$tmp" -name PWNED; ls -d ./PWNED /PWNED; } 2>/dev/null); [ -n "$found" ]; then
    fail "a name in the script ran as a command: $found"
fi
echo "slurm check: resubmitted array resumed cell 1 and skipped cell 0; every run folder complete"
