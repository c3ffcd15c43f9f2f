#!/usr/bin/env bash
# Inference throughput against ONNX Runtime, the figures of docs/performance.md: both CPU networks (Fashion CNN,
# ResNet-18) at batch 1 and 32, ours and ONNX Runtime 1.32.0 alternating in blocks in one process
# (Sdk.Benchmarks --alternate), repeated in several fresh processes: on the development VM both sides moved by up to
# 2x from one process to the next (the same code, the same machine), far more than between rounds of one process, so
# the spread over processes is the one to report. Prints each process's rows and, per case, the ratio's min / median /
# max over the processes.
#
#   benchmarks/inference/run.sh                  # 5 processes x 40 counted calls per side and case
#   benchmarks/inference/run.sh --processes 3 --calls 16
#   benchmarks/inference/run.sh --avx2           # our AVX2 kernels (DOTNET_EnableAVX512=0); ONNX Runtime unchanged
set -euo pipefail
cd "$(dirname "$0")/../.."

processes=5
calls=40
avx2=0
while (($#)); do
    case "$1" in
        --processes) processes=$2; shift 2 ;;
        --calls) calls=$2; shift 2 ;;
        --avx2) avx2=1; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
for n in "$processes" "$calls"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "--processes and --calls must be positive integers" >&2; exit 2; }
done

dotnet build benchmarks/Sdk.Benchmarks -c Release -nologo -v:q >/dev/null
dll=benchmarks/Sdk.Benchmarks/bin/Release/net10.0/Sdk.Benchmarks.dll
run() { dotnet "$dll" --alternate "$calls" 1; }
if ((avx2)); then
    # % of peak stays against the machine's AVX-512 peak, the one ONNX Runtime runs at.
    peak=$(dotnet "$dll" --alternate 1 0 | sed -n 's/.*peak \([0-9.]*\) GFLOP\/s.*/\1/p' | head -n 1)
    run() { DOTNET_EnableAVX512=0 SDK_PEAK_GFLOPS=$peak dotnet "$dll" --alternate "$calls" 1; }
fi

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, flags: $(grep -o -w 'avx2\|avx512f\|avx512_vnni\|avx512_bf16' /proc/cpuinfo | sort -u | tr '\n' ' '), our kernels: $( ((avx2)) && echo AVX2 || echo widest available)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for ((p = 1; p <= processes; p++)); do
    out=$(run)
    ((p > 1)) || grep -m1 '^Machine' <<<"$out"
    grep '^| 1 |' <<<"$out" | sed "s/^| 1 |/| $p |/" | tee -a "$log" >/dev/null
done
echo
echo "| process | network | batch | ONNX Runtime images/s | ours images/s | ours / ONNX Runtime | ONNX Runtime % peak | ours % peak | load average |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---|"
cat "$log"
echo
python3 - "$log" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    rows.setdefault((cells[1], cells[2]), []).append((float(cells[5]), cells[6], cells[7]))
print("| network | batch | ours / ONNX Runtime: min | median | max | ONNX Runtime % peak (median) | ours % peak (median) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for (network, batch), values in rows.items():
    ratios = sorted(v[0] for v in values)
    theirs = statistics.median(float(v[1].rstrip(" %")) for v in values)
    ours = statistics.median(float(v[2].rstrip(" %")) for v in values)
    print(f"| {network} | {batch} | {ratios[0]:.2f} | {statistics.median(ratios):.2f} | {ratios[-1]:.2f} | {theirs:.0f} % | {ours:.0f} % |")
PY
