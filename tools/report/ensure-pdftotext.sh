#!/usr/bin/env bash
# The weekly report's test reads the PDF's text with pdftotext (Debian's poppler-utils) to check the
# Vietnamese diacritics and figures. This installs it from the distribution when it is missing.
set -euo pipefail
if command -v pdftotext >/dev/null; then
  exit 0
fi
echo "ensure-pdftotext: pdftotext is missing; installing Debian's poppler-utils"
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends poppler-utils
command -v pdftotext >/dev/null || { echo "ensure-pdftotext: poppler-utils did not install"; exit 1; }
