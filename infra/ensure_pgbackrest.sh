#!/usr/bin/env bash
# Backups (issue #14, ARC-5): pgBackRest from Debian, and the PostgreSQL 15 server binaries
# the scratch-cluster drill runs (initdb, pg_ctl in /usr/lib/postgresql/15/bin).
# Idempotent: does nothing when both are there; installs with apt-get as root.
set -euo pipefail
PG_BIN="${PGBACKREST_PG_BIN:-/usr/lib/postgresql/15/bin}"
missing=()
command -v pgbackrest >/dev/null 2>&1 || missing+=(pgbackrest)
[ -x "$PG_BIN/initdb" ] || missing+=(postgresql-15)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "backups: pgbackrest $(pgbackrest version | awk '{print $2}') and $PG_BIN present"
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "backups: installing ${missing[*]} (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "backups: missing ${missing[*]} and cannot install them here (need root and apt-get)." >&2
exit 1
