#!/usr/bin/env bash
# A/B of this checkout against an earlier revision, in one run: the inference benchmarks of both CPU networks
# (BenchmarkDotNet, ours against ONNX Runtime in the same process) and the training throughput of the Fashion-MNIST
# sample, each side run alternately (old, new, old, new, ...) so machine noise falls on both. Prints one table.
#
#   benchmarks/ab/run.sh ecf1ee2                 # 3 rounds
#   benchmarks/ab/run.sh ecf1ee2 --rounds 1      # a quick try
set -euo pipefail
cd "$(dirname "$0")/../.."

old=${1:?usage: $0 OLD_REVISION [--rounds N] [--steps N]}
shift
rounds=3
steps=100
while (($#)); do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --steps) steps=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

work=$(mktemp -d /tmp/sdk-ab.XXXXXX)
trap 'git worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/old" "$old" >/dev/null

build() { # $1: checkout
    dotnet build "$1/benchmarks/Sdk.Benchmarks" -c Release -nologo -v:q >/dev/null
    dotnet build "$1/samples/FashionMnist" -c Release -nologo -v:q >/dev/null
}
echo "building $old and this checkout..." >&2
build "$work/old"
build .

inference() { # $1: checkout, $2: label, $3: round
    local out="$work/$2-$3"
    (cd "$1" && dotnet run -c Release --no-build --project benchmarks/Sdk.Benchmarks -- \
        --filter '*Vectorised*' --job short --inProcess --exporters csv --artifacts "$out" >/dev/null)
    # Method;Batch;Mean (us) for ours and ONNX Runtime, from BenchmarkDotNet's CSV report.
    python3 - "$out" "$2" "$3" >>"$work/inference.tsv" <<'PY'
import csv, glob, sys
out, label, round_ = sys.argv[1:]
for path in glob.glob(f"{out}/results/*.csv"):
    network = "ResNet-18" if "ResNet" in path else "Fashion CNN"
    for row in csv.DictReader(open(path), delimiter=","):
        mean = row["Mean"].replace(",", "")
        if mean == "NA":  # a benchmark that failed: its error is in BenchmarkDotNet's log, not a time
            continue
        value, unit = mean.split()
        scale = {"ns": 1e-3, "us": 1, "μs": 1, "ms": 1e3, "s": 1e6}[unit]
        method = "OnnxRuntime" if "ONNX" in row["Method"] else "Ours"
        print(f"{label}\t{round_}\t{network}\t{row['Batch']}\t{method}\t{float(value) * scale}")
PY
}

training() { # $1: checkout, $2: label, $3: round
    local ips
    ips=$(dotnet "$1/samples/FashionMnist/bin/Release/net10.0/FashionMnist.dll" --throughput "$steps" | grep -oE 'images_per_s=[0-9.]+' | cut -d= -f2)
    printf '%s\t%s\t%s\n' "$2" "$3" "$ips" >>"$work/training.tsv"
}

for r in $(seq 1 "$rounds"); do
    echo "round $r of $rounds" >&2
    inference "$work/old" old "$r"
    inference . new "$r"
    training "$work/old" old "$r"
    training . new "$r"
done

python3 - "$work" "$old" "$(git rev-parse --short HEAD)" <<'PY'
import statistics, sys
from collections import defaultdict
work, old, new = sys.argv[1:]
rows = [l.rstrip("\n").split("\t") for l in open(f"{work}/inference.tsv")]
times = defaultdict(list)
for label, round_, network, batch, method, us in rows:
    times[(label, network, batch, method)].append(float(us))
print(f"## A/B: {old} (old) against {new} (new), {len(set(r[1] for r in rows))} rounds, alternating\n")
print("| network | batch | old µs (ours) | new µs (ours) | new / old | old ours/ORT | new ours/ORT |")
print("|---|---:|---:|---:|---:|---:|---:|")
for network in sorted({k[1] for k in times}):
    for batch in sorted({k[2] for k in times if k[1] == network}, key=int):
        def med(label, method):
            return statistics.median(times[(label, network, batch, method)])
        o, n = med("old", "Ours"), med("new", "Ours")
        ort_o, ort_n = med("old", "OnnxRuntime"), med("new", "OnnxRuntime")
        print(f"| {network} | {batch} | {o:.1f} | {n:.1f} | {n / o:.3f} | {o / ort_o:.3f} | {n / ort_n:.3f} |")
train = defaultdict(list)
for line in open(f"{work}/training.tsv"):
    label, round_, ips = line.split()
    train[label].append(float(ips))
o, n = statistics.median(train["old"]), statistics.median(train["new"])
print(f"\nTraining (samples/FashionMnist --throughput, 2 CPU chips, batch 64): old {o:.0f} images/s, new {n:.0f} images/s, new / old {n / o:.3f}")
print(f"(medians of {len(train['old'])} runs each; every run: {train})")
PY
