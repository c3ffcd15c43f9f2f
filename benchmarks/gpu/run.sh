#!/usr/bin/env bash
# ResNet-18 (CIFAR) on a CUDA GPU: our generated ILGPU kernels against ONNX Runtime's CUDA execution provider
# (Microsoft.ML.OnnxRuntime.Gpu), batch 1, 32 and 256, alternating in one process. See docs/performance.md.
#
#   benchmarks/gpu/run.sh                 # batches 1,32,256; 30 timed calls per side and batch
#   benchmarks/gpu/run.sh 1,32 10         # other batches, fewer calls
#
# Needs an NVIDIA GPU with its driver (nvidia-smi), and the CUDA 12 + cuDNN 9 runtime libraries that ONNX Runtime's
# CUDA provider loads. Without a GPU it stops at once with exit code 2 and says so.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
    echo "benchmarks/gpu/run.sh: no NVIDIA GPU here (nvidia-smi finds none): nothing to measure." >&2
    exit 2
fi
nvidia-smi -L

dotnet build -c Release -nologo -v quiet GpuBenchmarks.csproj >/dev/null || dotnet build -c Release -nologo GpuBenchmarks.csproj
exec dotnet bin/Release/net10.0/GpuBenchmarks.dll "$@"
