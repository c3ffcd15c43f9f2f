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
#   benchmarks/inference/run.sh --avx2           # both sides on their AVX2/FMA3 kernels (see below)
#   benchmarks/inference/run.sh --avx2-ours      # our AVX2 kernels against ONNX Runtime's widest (AVX-512 here)
#
# --avx2 is the AVX2 half of the comparison on an AVX-512 machine. Ours: DOTNET_EnableAVX512=0. ONNX Runtime picks its
# MLAS kernels once by CPUID and has no switch, and this VM cannot fault CPUID, so the run uses a copy of the benchmark's
# output whose libonnxruntime.so has the one test MLAS_PLATFORM makes for AVX512F (CPUID.7:EBX bit 16) made to fail:
# the same dispatch an AVX2-only CPU gets (FMA3 GEMM and convolution kernels, NCHWc block 8). The pattern is checked,
# the package's own library is never touched, and the run stops if the pattern is not found exactly once.
set -euo pipefail
cd "$(dirname "$0")/../.."

processes=5
calls=40
avx2=0  # 1: both sides AVX2; 2: ours AVX2, ONNX Runtime unchanged
while (($#)); do
    case "$1" in
        --processes) processes=$2; shift 2 ;;
        --calls) calls=$2; shift 2 ;;
        --avx2) avx2=1; shift ;;
        --avx2-ours) avx2=2; shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
for n in "$processes" "$calls"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "--processes and --calls must be positive integers" >&2; exit 2; }
done

dotnet build benchmarks/Sdk.Benchmarks -c Release -nologo -v:q >/dev/null
dll=benchmarks/Sdk.Benchmarks/bin/Release/net10.0/Sdk.Benchmarks.dll
run() { dotnet "$dll" --alternate "$calls" 1; }
ort="our kernels and ONNX Runtime's: widest available"
if ((avx2 == 2)); then
    # % of peak stays against the machine's AVX-512 peak, the one ONNX Runtime runs at.
    peak=$(dotnet "$dll" --alternate 1 0 | sed -n 's/.*peak \([0-9.]*\) GFLOP\/s.*/\1/p' | head -n 1)
    run() { DOTNET_EnableAVX512=0 SDK_PEAK_GFLOPS=$peak dotnet "$dll" --alternate "$calls" 1; }
    ort="ours AVX2, ONNX Runtime's widest available"
elif ((avx2 == 1)); then
    held=$(mktemp -d)
    trap 'rm -rf "$held"' EXIT
    out_dir=$(dirname "$dll")
    cp -al "$out_dir" "$held/bin"  # hard links: only the library below is a new file
    lib=runtimes/linux-x64/native/libonnxruntime.so
    rm "$held/bin/$lib"
    python3 - "$out_dir/$lib" "$held/bin/$lib" <<'PY'
import re, sys
data = bytearray(open(sys.argv[1], "rb").read())
# MLAS_PLATFORM: test $0x10000,%r10d (CPUID.7:EBX AVX512F); je; mov %r8,%rax; not %rax; test $0xe0,%al (XCR0 ZMM state)
found = [m.start() for m in re.finditer(rb"\x41\xf7\xc2\x00\x00\x01\x00\x74.\x4c\x89\xc0\x48\xf7\xd0\xa8\xe0", data, re.S)]
if len(found) != 1:
    sys.exit(f"{sys.argv[1]}: the AVX512F test of MLAS_PLATFORM found {len(found)} times, not once: "
             "this ONNX Runtime build differs from 1.32.0 linux-x64; --avx2 cannot hold it to AVX2")
data[found[0] + 5] = 0  # test $0x0: never set, so the AVX-512 kernels are never chosen
open(sys.argv[2], "wb").write(data)
PY
    dll="$held/bin/$(basename "$dll")"
    run() { DOTNET_EnableAVX512=0 dotnet "$dll" --alternate "$calls" 1; }
    ort="ours and ONNX Runtime's both AVX2/FMA3 (ONNX Runtime's AVX512F test patched out of a copy)"
fi

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, flags: $(grep -o -w 'avx2\|avx512f\|avx512_vnni\|avx512_bf16' /proc/cpuinfo | sort -u | tr '\n' ' '), $ort"
log=$(mktemp)
trap 'rm -rf "$log" ${held:+"$held"}' EXIT
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
