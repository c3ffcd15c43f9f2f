#!/usr/bin/env bash
# Runs every test of the solution. Installs what the tests need first (Debian data packages).
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the tests read: Fashion-MNIST (IDX files) and the ONNX backend node tests.
# Installed only when missing and only as root; tests that need them skip when they are absent.
debian_packages=(dataset-fashion-mnist libonnx-testdata)
missing=()
for package in "${debian_packages[@]}"; do
  if ! dpkg -s "$package" >/dev/null 2>&1; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  else
    echo "test.sh: not root, skipping install of ${missing[*]} (their tests will be skipped)" >&2
  fi
fi

dotnet test Sdk.sln -c Release --nologo "$@"
