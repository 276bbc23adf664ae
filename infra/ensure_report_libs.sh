#!/usr/bin/env bash
# Reports (issue #12): WeasyPrint needs Pango, and the print templates use DejaVu Sans
# (Cyrillic) from the local disk (settings.REPORTS_FONT_DIR; no web fonts, no CDN).
# Idempotent: does nothing when everything is there; installs with apt-get as root.
set -euo pipefail
FONT_DIR="${REPORTS_FONT_DIR:-/usr/share/fonts/truetype/dejavu}"
missing=()
[ -f "$FONT_DIR/DejaVuSans.ttf" ] && [ -f "$FONT_DIR/DejaVuSans-Bold.ttf" ] || missing+=(fonts-dejavu-core)
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "reports: fonts and Pango present ($FONT_DIR)"
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "reports: installing ${missing[*]} (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "reports: missing ${missing[*]} and cannot install them here (need root and apt-get)." >&2
echo "reports: install them, or set REPORTS_FONT_DIR to a folder with DejaVuSans.ttf; PDF tests will fail." >&2
exit 1
