#!/usr/bin/env bash
# Installs the system programs the test suite uses for real (never mocked):
#   go (Debian's Go 1.19, the differential oracle), git, chromium (browser tests),
#   nginx and wrk (benchmark peers), GNU time (peak RSS), openssl (test certificates).
# Runs before `npm test` (pretest) and from .ci/run. Quiet and quick when all are present.
set -euo pipefail
need=()
command -v go >/dev/null 2>&1 || [ -x /usr/lib/go-1.19/bin/go ] || need+=(golang-go)
command -v git >/dev/null 2>&1 || need+=(git)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
[ -x /usr/bin/time ] || need+=(time)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
[ ${#need[@]} -eq 0 ] && exit 0
echo "prereqs: installing ${need[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "prereqs: missing ${need[*]}; install them with: apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
