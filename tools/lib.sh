# Shared helpers for the tools/ scripts. Source it: `. "$(dirname "$0")/lib.sh"`.
# Everything here is idempotent: it installs only what is missing.

PGRING_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '\033[1m[%s]\033[0m %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Run a command as root (we usually are; sudo otherwise).
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

APT_UPDATED=0
apt_install() {
    # apt_install PKG... : install the Debian packages that are not installed yet.
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing Debian packages: ${missing[*]}"
    if [ "$APT_UPDATED" = 0 ]; then as_root apt-get update -qq >/dev/null || true; APT_UPDATED=1; fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || die "apt-get install ${missing[*]} failed"
}

# The PostgreSQL server binaries (initdb, pg_ctl, postgres, pg_basebackup), newest installed major version.
pg_bindir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$d" ] && [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    return 1
}

ensure_postgres() {
    if ! pg_bindir >/dev/null; then
        apt_install postgresql postgresql-contrib postgresql-client
    fi
    command -v psql >/dev/null || apt_install postgresql-client
    command -v pgbench >/dev/null || apt_install postgresql-contrib
    # PostgreSQL refuses to run as root: make sure the postgres OS user exists.
    if ! id postgres >/dev/null 2>&1; then
        log "creating the postgres OS user"
        as_root useradd --system --create-home --shell /bin/bash postgres
    fi
    pg_bindir >/dev/null || die "PostgreSQL server binaries not found after install"
}

ensure_swift() {
    command -v swift >/dev/null || { [ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"; }
    command -v swift >/dev/null || die "swift is not installed (expected at /opt/swift); see README.md"
}

ensure_python_driver() {
    # psycopg 3 (binary wheel, brings its own libpq) and asyncpg (its own protocol implementation): the
    # independent drivers used by the integration tests.
    if ! python3 -c 'import psycopg' 2>/dev/null; then
        log "installing psycopg (pip)"
        python3 -m pip install -q 'psycopg[binary]>=3.1' || die "pip install psycopg failed"
    fi
    if ! python3 -c 'import asyncpg' 2>/dev/null; then
        log "installing asyncpg (pip)"
        python3 -m pip install -q 'asyncpg>=0.29' || die "pip install asyncpg failed"
    fi
}

# Run a command as the postgres OS user, from a directory it can read.
as_postgres() {
    if [ "$(id -un)" = postgres ]; then (cd / && "$@"); else (cd / && as_root runuser -u postgres -- "$@"); fi
}
