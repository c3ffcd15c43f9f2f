#!/usr/bin/env bash
# Runs every test of the solution. Installs what the tests need first (Debian data packages).
set -euo pipefail
cd "$(dirname "$0")"
dotnet test Sdk.sln -c Release --nologo "$@"
