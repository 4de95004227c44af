# shellcheck shell=bash
# Shared helpers for pglens scripts: logging, package installation, throwaway
# PostgreSQL clusters, free ports, process cleanup, building and starting pglens.
# Source it; do not execute it.

PGLENS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- cleanup
# Registered commands run in reverse order when the shell exits (any reason).
_CLEANUP=()
on_exit() { _CLEANUP+=("$*"); }
_run_cleanup() {
    local rc=$? i
    for ((i = ${#_CLEANUP[@]} - 1; i >= 0; i--)); do
        eval "${_CLEANUP[i]}" || true
    done
    return "$rc"
}
trap _run_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# stop_pid PID SIGNAL NAME: signal one process we started, wait up to 15 s, then SIGKILL it.
stop_pid() {
    local pid=$1 sig=${2:-TERM} name=${3:-process} i
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -s "$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    warn "$name (pid $pid) did not stop after SIG$sig; sending SIGKILL"
    kill -s KILL "$pid" 2>/dev/null || true
}

# make_tmpdir VAR: a temp dir owned by postgres (so servers can write there), removed on exit
# unless KEEP_TMP=1.
make_tmpdir() {
    local dir
    dir=$(mktemp -d "${TMPDIR:-/tmp}/pglens.XXXXXX")
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$dir"; fi
    chmod 755 "$dir"
    on_exit "if [[ \${KEEP_TMP:-0} == 1 ]]; then log 'kept $dir'; else rm -rf '$dir'; fi"
    printf -v "$1" '%s' "$dir"
}

# ---------------------------------------------------------------- packages
_APT_UPDATED=0
# apt_install_missing PKG...: install only the Debian packages not already installed.
apt_install_missing() {
    local missing=() p
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
    local sudo=()
    [[ $EUID -eq 0 ]] || sudo=(sudo)
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ((!_APT_UPDATED)); then
        "${sudo[@]}" apt-get update -qq </dev/null >/dev/null || die "apt-get update failed"
        _APT_UPDATED=1
    fi
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null \
        || die "apt-get install ${missing[*]} failed"
}

# pip_install_missing MODULES -- PACKAGES...: pip install PACKAGES unless python3 imports MODULES.
pip_install_missing() {
    local modules=$1
    shift
    python3 -c "import $modules" 2>/dev/null && return 0
    log "installing python packages $*"
    python3 -m pip --version >/dev/null 2>&1 || apt_install_missing python3-pip
    local flags=(-q --disable-pip-version-check)
    # Debian 12 marks the system Python as externally managed (PEP 668).
    python3 -m pip install --help 2>/dev/null | grep -q -- --break-system-packages && flags+=(--break-system-packages)
    python3 -m pip install "${flags[@]}" "$@" </dev/null || die "pip install $* failed"
    python3 -c "import $modules" || die "python3 still cannot import $modules"
}

# ---------------------------------------------------------------- ports, users
# free_port: print a TCP port on 127.0.0.1 that is free right now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# as_postgres CMD...: run CMD as the postgres OS user (PostgreSQL and PgBouncer refuse root).
as_postgres() {
    if [[ $EUID -eq 0 ]]; then
        setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
    else
        "$@"
    fi
}

# pg_bindir: directory of initdb/postgres (not on PATH on Debian).
pg_bindir() {
    local d
    d=$(pg_config --bindir 2>/dev/null) && [[ -x $d/initdb ]] && { echo "$d"; return; }
    for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
        [[ -x $d/initdb ]] && { echo "$d"; return; }
    done
    die "no PostgreSQL server binaries (initdb) found; run scripts/bootstrap"
}

# wait_ready NAME PID PORT [SECONDS] [LOG]: poll pg_isready until PORT answers; fail if PID dies.
wait_ready() {
    local name=$1 pid=$2 port=$3 secs=${4:-30} logf=${5:-} i
    for ((i = 0; i < secs * 10; i++)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            [[ -n $logf && -f $logf ]] && tail -n 20 "$logf" >&2
            die "$name exited before accepting connections on port $port"
        fi
        pg_isready -q -h 127.0.0.1 -p "$port" -U app -d app -t 1 && return 0
        sleep 0.1
    done
    [[ -n $logf && -f $logf ]] && tail -n 20 "$logf" >&2
    die "$name did not accept connections on port $port within ${secs}s"
}

# ---------------------------------------------------------------- PostgreSQL
# pg_start DIR [MAX_CONNECTIONS]: initdb + start a throwaway cluster in DIR (a make_tmpdir).
# Sets PG_PORT, PG_PID, PG_SOCKDIR, PG_LOG. Stopped (SIGINT, fast shutdown) on exit.
pg_start() {
    local dir=$1 maxconn=${2:-300} bindir
    bindir=$(pg_bindir)
    PG_PORT=$(free_port)
    PG_SOCKDIR=$dir
    PG_LOG=$dir/postgres.log
    (cd "$dir" && as_postgres "$bindir/initdb" -D "$dir/DATA" -U postgres --auth-local=trust \
        --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync --no-instructions \
        >"$dir/initdb.log" 2>&1) || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    cat >>"$dir/DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$dir'
password_encryption = 'scram-sha-256'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = $maxconn
CONF
    (cd "$dir" && exec_as_postgres "$bindir/postgres" -D "$dir/DATA") >"$PG_LOG" 2>&1 &
    PG_PID=$!
    on_exit "stop_pid $PG_PID INT postgres"
    wait_ready postgres "$PG_PID" "$PG_PORT" 60 "$PG_LOG"
}

# exec_as_postgres CMD...: replace the current (sub)shell with CMD as postgres, so `$!` of a
# background `( exec_as_postgres ... ) &` is the server's own pid.
exec_as_postgres() {
    if [[ $EUID -eq 0 ]]; then
        exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
    else
        exec "$@"
    fi
}

# pg_psql SQL...: run psql as the postgres superuser over the Unix socket of the cluster.
pg_psql() {
    psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKDIR" -p "$PG_PORT" -U postgres -d postgres "$@"
}

# pg_create_app USER PASSWORD DB: a LOGIN role with a SCRAM password and a database it owns.
pg_create_app() {
    pg_psql -c "CREATE ROLE \"$1\" LOGIN PASSWORD '$2'" -c "CREATE DATABASE \"$3\" OWNER \"$1\"" >/dev/null \
        || die "could not create role/database $1/$3"
}

# pg_scram_verifier USER: the stored SCRAM-SHA-256 verifier from pg_authid.
pg_scram_verifier() {
    pg_psql -At -c "SELECT rolpassword FROM pg_authid WHERE rolname = '$1'"
}

# ---------------------------------------------------------------- pglens
# pglens_build: set PGLENS to a usable binary. PGLENS_BIN overrides the build; otherwise
# `swift build -c release`. Fails clearly if the build fails or the binary cannot `serve` yet.
pglens_build() {
    if [[ -n ${PGLENS_BIN:-} ]]; then
        PGLENS=$PGLENS_BIN
        [[ -x $PGLENS ]] || die "PGLENS_BIN=$PGLENS is not an executable file"
    else
        log "swift build -c release"
        (cd "$PGLENS_ROOT" && swift build -c release) >&2 \
            || die "swift build -c release failed, so there is no pglens binary to run"
        PGLENS=$PGLENS_ROOT/.build/release/pglens
        [[ -x $PGLENS ]] || die "the build did not produce $PGLENS"
    fi
    # A placeholder CLI may still answer `serve --help` with the top-level help; require the
    # serve command's own --config option.
    "$PGLENS" serve --help 2>&1 | grep -q -- '--config' \
        || die "$PGLENS has no 'serve --config' command yet (the proxy is still being written);" \
            "use PGLENS_BIN=direct (demo) or --targets direct,pgbouncer (bench)"
}

# pglens_config FILE PORT MODE POOL_SIZE MAX_CLIENTS USER PASSWORD DB [EXTRA_FILE]:
# write a pglens TOML config for the running cluster. EXTRA_FILE's lines are inserted after the
# generated top-level keys (before any table), so plain `key = value` lines stay top-level.
# The HTTP API listens on a free port, set in PGLENS_HTTP_PORT (several instances may run at once).
pglens_config() {
    local file=$1 port=$2 mode=$3 pool=$4 maxc=$5 user=$6 pass=$7 db=$8 extra=${9:-}
    PGLENS_HTTP_PORT=$(free_port)
    {
        echo "# generated by scripts/ for a throwaway cluster"
        echo "listen_addr = \"127.0.0.1\""
        echo "listen_port = $port"
        echo "pool_mode = \"$mode\""
        echo "max_client_conn = $maxc"
        echo "default_pool_size = $pool"
        echo "auth_type = \"scram-sha-256\""
        echo "admin_http_listen = \"127.0.0.1:$PGLENS_HTTP_PORT\""
        if [[ -n $extra ]]; then
            echo "# from $extra"
            cat "$extra"
            echo
        fi
        echo "[databases.$db]"
        echo "host = \"127.0.0.1\""
        echo "port = $PG_PORT"
        echo "dbname = \"$db\""
        echo "pool_size = $pool"
        echo
        echo "[users.$user]"
        echo "password = \"$pass\""
    } >"$file"
}

# pglens_start CONFIG LOG PORT: check the config, start pglens, wait until it answers.
# Sets PGLENS_PID; stopped (SIGTERM) on exit.
pglens_start() {
    local config=$1 logf=$2 port=$3
    "$PGLENS" check-config "$config" >"$logf.check" 2>&1 \
        || { cat "$logf.check" >&2; die "pglens check-config $config failed"; }
    "$PGLENS" serve --config "$config" 2>"$logf" >&2 &
    PGLENS_PID=$!
    on_exit "stop_pid $PGLENS_PID TERM pglens"
    wait_ready pglens "$PGLENS_PID" "$port" 30 "$logf"
}

# ---------------------------------------------------------------- PgBouncer
# pgbouncer_start DIR PORT MODE POOL_SIZE MAX_CLIENTS USER DB: PgBouncer as postgres, SCRAM auth
# from the stored verifier (so it can also log in to the server). Sets PGBOUNCER_PID.
pgbouncer_start() {
    local dir=$1 port=$2 mode=$3 pool=$4 maxc=$5 user=$6 db=$7 name
    command -v pgbouncer >/dev/null || [[ -x /usr/sbin/pgbouncer ]] || die "pgbouncer is not installed"
    name=pgbouncer-$port
    printf '"%s" "%s"\n' "$user" "$(pg_scram_verifier "$user")" >"$dir/$name.users"
    cat >"$dir/$name.ini" <<INI
[databases]
$db = host=127.0.0.1 port=$PG_PORT dbname=$db

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/$name.users
pool_mode = $mode
default_pool_size = $pool
max_client_conn = $maxc
ignore_startup_parameters = extra_float_digits
log_connections = 0
log_disconnections = 0
INI
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$dir/$name.users" "$dir/$name.ini"; fi
    chmod 600 "$dir/$name.users"
    (cd "$dir" && exec_as_postgres "$(command -v pgbouncer || echo /usr/sbin/pgbouncer)" "$dir/$name.ini") \
        >"$dir/$name.log" 2>&1 &
    PGBOUNCER_PID=$!
    on_exit "stop_pid $PGBOUNCER_PID TERM pgbouncer"
    wait_ready pgbouncer "$PGBOUNCER_PID" "$port" 30 "$dir/$name.log"
}

# rss_kib PID: resident set size in KiB from /proc.
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
