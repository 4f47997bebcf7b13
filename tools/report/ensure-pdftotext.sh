#!/usr/bin/env bash
# The weekly report's test reads the PDF's text with pdftotext (Debian's poppler-utils) to check the
# Vietnamese diacritics and figures.
exec bash "$(dirname "$0")/../support/ensure-debian-package.sh" pdftotext poppler-utils "the weekly report's test"
