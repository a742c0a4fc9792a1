#!/usr/bin/env bash
# Installs what Xendeck's build, tests and Xen lab need on a Debian 12 machine (run as root):
# apt packages (libxen-dev for the libxl addon, QEMU + debootstrap for the lab, Chromium for the
# end-to-end tests) and pnpm. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-machine: run as root (it installs apt packages)" >&2
  exit 1
fi

pkgs=(libxen-dev pkg-config chromium websockify)
if [ -f lab/host-packages.txt ]; then
  while read -r p; do
    case "$p" in ''|'#'*) ;; *) pkgs+=("$p") ;; esac
  done < lab/host-packages.txt
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-machine: installing ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup-machine: apt packages present"
fi

want_pnpm=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$want_pnpm" ]; then
  echo "setup-machine: installing pnpm $want_pnpm"
  npm install -g "pnpm@$want_pnpm" >/dev/null
fi
echo "setup-machine: done (node $(node --version), pnpm $(pnpm --version))"
