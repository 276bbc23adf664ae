#!/usr/bin/env bash
# PgBouncer (issue #18): Debian's pgbouncer, which tests/deploy/test_pgbouncer.py starts in
# session mode in front of the suite's PostgreSQL. The tests run their own process with
# their own ini file; the Debian package's own service is not used (and not started here).
# Idempotent: does nothing when the binary is there; installs with apt-get as root.
set -euo pipefail
PGBOUNCER="${PGBOUNCER_BIN:-/usr/sbin/pgbouncer}"
if [ -x "$PGBOUNCER" ] || command -v pgbouncer >/dev/null 2>&1; then
  echo "pgbouncer: $("${PGBOUNCER}" --version 2>/dev/null | head -1 || pgbouncer --version | head -1) present"
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "pgbouncer: installing pgbouncer (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
  exit 0
fi
echo "pgbouncer: missing and cannot install it here (need root and apt-get)." >&2
exit 1
