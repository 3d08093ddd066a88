#!/usr/bin/env bash
# Scores a project as N shards in N local processes, then merges them: the very command lines
# that slurm-shards.sbatch and k8s-indexed-job.yaml run once per array task / pod, so a cluster
# run can be rehearsed (and tested) on one machine. No scheduling of our own: N processes, wait.
#
#   tools/cluster/run-local-shards.sh PROJECT N STAGES [OUT_DIR] [-- extra `vicurate run` flags]
#   tools/cluster/run-local-shards.sh my.vicurate 4 similarity,aesthetic shards -- --provider cpu --threads 2
#
# Shard i writes OUT_DIR/shard-i-of-N.sqlite (log: .log beside it). If any shard fails, nothing is
# merged and the script exits 1; run it again: finished clips are kept in the shard files.
# VICURATE names the CLI (default: this checkout's bin/vicurate, else `vicurate` on PATH).
set -euo pipefail

if [ $# -lt 3 ]; then
  sed -n '2,13p' "$0" >&2
  exit 2
fi
project=$1
n=$2
stages=$3
shift 3
out=shards
if [ $# -gt 0 ] && [ "$1" != "--" ]; then out=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
case $n in ''|*[!0-9]*|0) echo "N must be a positive integer (got '$n')" >&2; exit 2 ;; esac

here=$(cd "$(dirname "$0")" && pwd)
default_cli=$here/../../bin/vicurate
[ -x "$default_cli" ] || default_cli=vicurate
read -r -a cli <<< "${VICURATE:-$default_cli}"

mkdir -p "$out"
pids=()
files=()
for ((i = 0; i < n; i++)); do
  f=$out/shard-$i-of-$n.sqlite
  files+=("$f")
  "${cli[@]}" run "$project" --stages "$stages" --shard "$i/$n" --shard-out "$f" --json "$@" > "${f%.sqlite}.log" 2>&1 &
  pids+=($!)
done

failed=0
for ((i = 0; i < n; i++)); do
  if ! wait "${pids[$i]}"; then
    echo "shard $i/$n failed; its log (${files[$i]%.sqlite}.log):" >&2
    tail -n 20 "${files[$i]%.sqlite}.log" >&2
    failed=1
  fi
done
if [ "$failed" -ne 0 ]; then
  echo "not merging; run the same command again to resume the failed shards" >&2
  exit 1
fi

"${cli[@]}" merge "$project" "${files[@]}"
