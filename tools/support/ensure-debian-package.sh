#!/usr/bin/env bash
# Installs a Debian package when the command a test needs is missing (no download from elsewhere):
#   ensure-debian-package.sh <command> <package> <why>
set -euo pipefail
cmd="$1" pkg="$2"
if command -v "$cmd" >/dev/null; then
  exit 0
fi
echo "ensure: $cmd is missing ($3); installing Debian's $pkg"
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "$pkg"
command -v "$cmd" >/dev/null || { echo "ensure: $pkg did not install $cmd"; exit 1; }
