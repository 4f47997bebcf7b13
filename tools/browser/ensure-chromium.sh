#!/usr/bin/env bash
# The dashboard's browser test drives Debian's chromium through playwright-core (no browser
# download from the internet). This installs it from the distribution when it is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "ensure-chromium: /usr/bin/chromium is missing; installing Debian's chromium"
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
[ -x /usr/bin/chromium ] || { echo "ensure-chromium: chromium did not install"; exit 1; }
