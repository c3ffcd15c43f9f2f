#!/usr/bin/env bash
# ResNet-18 over 4 chip host processes against the same plan in one process, and session links against raw gRPC.
# Usage: benchmarks/remote/run.sh [--batch 32] [--micro 4] [--runs 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "CPU: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p') ($(nproc) cores)"
dotnet build -c Release --nologo -v q src/Sdk.Chip.Host >/dev/null
dotnet run -c Release --project benchmarks/remote -- "$@"
