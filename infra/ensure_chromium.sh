#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright. Install it where we can
# (root with apt-get); otherwise say clearly what is missing.
set -euo pipefail
for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    echo "browser: $candidate"
    exit 0
  fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "browser: installing Debian's chromium (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  echo "browser: /usr/bin/chromium"
  exit 0
fi
echo "browser: Chromium is not installed and cannot be installed here (need root and apt-get)." >&2
echo "browser: install Debian's 'chromium' package or set CHROMIUM_PATH; browser tests will fail." >&2
exit 1
