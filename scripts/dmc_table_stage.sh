#!/usr/bin/env bash
# Stages the DeepMind Control table's finished runs for a commit (scripts/stage_runs.sh).
exec bash "$(dirname "$0")/stage_runs.sh" docs/results/dmc-table/runs
