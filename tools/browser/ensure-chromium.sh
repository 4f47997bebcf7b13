#!/usr/bin/env bash
# The dashboard's browser test drives Debian's chromium through playwright-core (no browser download).
exec bash "$(dirname "$0")/../support/ensure-debian-package.sh" chromium chromium "the dashboard's browser test"
