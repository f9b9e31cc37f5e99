#!/usr/bin/env bash
# Local PostgreSQL and MariaDB servers for the gateway-database tests (issue 14).
#
#   scripts/db-servers.sh [start]   install (apt-get, when missing) and start both; idempotent
#   scripts/db-servers.sh stop      stop both (data stays under $RECOUNT_DB_DIR)
#   scripts/db-servers.sh env       print the variables the tests read (eval "$(… env)")
#
# Both listen on loopback only (PostgreSQL 127.0.0.1:$RECOUNT_PG_PORT and a socket directory,
# MariaDB 127.0.0.1:$RECOUNT_MYSQL_PORT and a socket) under $RECOUNT_DB_DIR, default
# /tmp/recount-db. Each has a user `recount` whose password is $RECOUNT_TEST_DB_PASSWORD
# (a throwaway test password; the servers accept nothing but loopback) and a database
# `recount_test`; the tests make a database (MariaDB) or a schema (PostgreSQL) each, so
# `recount` may create databases and roles and grant them (a loopback-only test server: a test
# reads as a role that lacks a GRANT). PostgreSQL and MariaDB refuse to run as root, so as root they run as the
# `postgres` / `mysql` system users the Debian packages create.
set -euo pipefail

DIR=${RECOUNT_DB_DIR:-/tmp/recount-db}
PG_PORT=${RECOUNT_PG_PORT:-55432}
MY_PORT=${RECOUNT_MYSQL_PORT:-53306}
PASSWORD=${RECOUNT_TEST_DB_PASSWORD:-recount-test-pw}
PG_DATA=$DIR/pg/data
PG_SOCK=$DIR/pg/sock
MY_DATA=$DIR/mariadb/data
MY_SOCK=$DIR/mariadb/mariadb.sock

log() { printf 'db-servers: %s\n' "$*" >&2; }

pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/$1" ] && { echo "$dir/$1"; return; }
    done
    command -v "$1" || true
}

as_user() { # as_user USER CMD… (USER only when running as root)
    local user=$1; shift
    if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

apt_updated=""
apt_install() {
    if [ "$(id -u)" != 0 ]; then log "need root to apt-get install $*"; exit 69; fi
    if [ -z "$apt_updated" ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

install_missing() {
    local need=()
    [ -n "$(pg_bin initdb)" ] && [ -n "$(pg_bin pg_ctl)" ] || need+=(postgresql)
    command -v psql >/dev/null || need+=(postgresql-client)
    [ -e /usr/lib/x86_64-linux-gnu/libpq.so.5 ] || ldconfig -p | grep -q 'libpq\.so\.5 ' || need+=(libpq5)
    command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
    command -v mariadb >/dev/null || need+=(mariadb-client)
    ldconfig -p | grep -q 'libmariadb\.so\.3 ' || need+=(libmariadb3)
    command -v sqlite3 >/dev/null || need+=(sqlite3)
    ldconfig -p | grep -q 'libsqlite3\.so\.0 ' || need+=(libsqlite3-0)
    if [ ${#need[@]} -gt 0 ]; then log "installing ${need[*]}"; apt_install "${need[@]}"; fi
    if [ "$(id -u)" = 0 ]; then  # the servers' own users (the packages make them; a bare image may not)
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/false postgres
        id mysql >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /bin/false mysql
    fi
}

start_pg() {
    local initdb pg_ctl
    initdb=$(pg_bin initdb); pg_ctl=$(pg_bin pg_ctl)
    mkdir -p "$PG_SOCK" "$DIR/pg"
    [ "$(id -u)" = 0 ] && chown -R postgres: "$DIR/pg"
    if [ ! -s "$PG_DATA/PG_VERSION" ]; then
        log "initdb $PG_DATA"
        local pwfile=$DIR/pg/.pw
        printf '%s\n' "$PASSWORD" >"$pwfile"; chmod 600 "$pwfile"
        [ "$(id -u)" = 0 ] && chown postgres: "$pwfile"
        as_user postgres "$initdb" -D "$PG_DATA" -U recount --pwfile="$pwfile" \
            --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C >"$DIR/pg/initdb.log" 2>&1
        rm -f "$pwfile"
    fi
    if as_user postgres "$pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        log "postgres already running on 127.0.0.1:$PG_PORT"
    else
        log "starting postgres on 127.0.0.1:$PG_PORT and $PG_SOCK"
        as_user postgres "$pg_ctl" -D "$PG_DATA" -l "$DIR/pg/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_SOCK -c fsync=off" start >&2
    fi
    local i
    for i in $(seq 1 60); do
        if PGPASSWORD=$PASSWORD psql -h "$PG_SOCK" -p "$PG_PORT" -U recount -d postgres -Atqc 'select 1' >/dev/null 2>&1; then break; fi
        sleep 0.5
    done
    PGPASSWORD=$PASSWORD psql -h "$PG_SOCK" -p "$PG_PORT" -U recount -d postgres -Atqc \
        "select 1 from pg_database where datname = 'recount_test'" | grep -q 1 \
        || PGPASSWORD=$PASSWORD psql -h "$PG_SOCK" -p "$PG_PORT" -U recount -d postgres -qc 'create database recount_test' >&2
}

start_mariadb() {
    local server
    server=$(command -v mariadbd || echo /usr/sbin/mariadbd)
    mkdir -p "$DIR/mariadb"
    [ "$(id -u)" = 0 ] && chown -R mysql: "$DIR/mariadb"
    if [ ! -d "$MY_DATA/mysql" ]; then
        log "mariadb-install-db $MY_DATA"
        as_user mysql mariadb-install-db --no-defaults --datadir="$MY_DATA" --auth-root-authentication-method=socket \
            --skip-test-db >"$DIR/mariadb/install.log" 2>&1
    fi
    if [ -S "$MY_SOCK" ] && mariadb-admin --no-defaults --socket="$MY_SOCK" -u root ping >/dev/null 2>&1; then
        log "mariadb already running on 127.0.0.1:$MY_PORT"
    else
        log "starting mariadb on 127.0.0.1:$MY_PORT and $MY_SOCK"
        # Started with its own options only (--no-defaults): the system's my.cnf is not ours.
        as_user mysql "$server" --no-defaults --datadir="$MY_DATA" --socket="$MY_SOCK" \
            --bind-address=127.0.0.1 --port="$MY_PORT" --pid-file="$DIR/mariadb/mariadb.pid" \
            --log-error="$DIR/mariadb/server.log" --innodb-buffer-pool-size=64M --skip-name-resolve \
            --innodb-flush-log-at-trx-commit=0 --character-set-server=utf8mb4 >/dev/null 2>&1 &
        local i
        for i in $(seq 1 120); do
            mariadb-admin --no-defaults --socket="$MY_SOCK" -u root ping >/dev/null 2>&1 && break
            sleep 0.5
        done
    fi
    # root authenticates by socket as the Unix user root (or as the server's own user).
    local root=(mariadb --no-defaults --socket="$MY_SOCK" -u root)
    [ "$(id -u)" = 0 ] || root=(mariadb --no-defaults --socket="$MY_SOCK" -u "$(id -un)")
    "${root[@]}" -e "CREATE DATABASE IF NOT EXISTS recount_test CHARACTER SET utf8mb4;
        CREATE USER IF NOT EXISTS 'recount'@'127.0.0.1' IDENTIFIED BY '$PASSWORD';
        CREATE USER IF NOT EXISTS 'recount'@'localhost' IDENTIFIED BY '$PASSWORD';
        GRANT ALL PRIVILEGES ON *.* TO 'recount'@'127.0.0.1' WITH GRANT OPTION;
        GRANT ALL PRIVILEGES ON *.* TO 'recount'@'localhost' WITH GRANT OPTION;" >&2
}

stop_all() {
    local pg_ctl
    pg_ctl=$(pg_bin pg_ctl)
    if [ -n "$pg_ctl" ] && [ -s "$PG_DATA/PG_VERSION" ]; then
        as_user postgres "$pg_ctl" -D "$PG_DATA" -m fast stop >&2 2>/dev/null || true
    fi
    if [ -S "$MY_SOCK" ]; then
        mariadb-admin --no-defaults --socket="$MY_SOCK" -u root shutdown >&2 2>/dev/null || true
    fi
    log "stopped"
}

print_env() {
    cat <<ENV
export RECOUNT_TEST_PG='postgres://recount@127.0.0.1:$PG_PORT/recount_test'
export RECOUNT_TEST_PG_SOCKET='postgres://recount@/recount_test?host=$PG_SOCK&port=$PG_PORT'
export RECOUNT_TEST_MYSQL='mysql://recount@127.0.0.1:$MY_PORT/recount_test'
export RECOUNT_TEST_MYSQL_SOCKET='mysql://recount@localhost/recount_test?socket=$MY_SOCK'
export RECOUNT_TEST_DB_PASSWORD='$PASSWORD'
ENV
}

case ${1:-start} in
start)
    install_missing
    start_pg
    start_mariadb
    print_env
    ;;
stop) stop_all ;;
env) print_env ;;
*) echo "usage: $0 [start|stop|env]" >&2; exit 64 ;;
esac
