# Sourced by the scripts: makes sure the Debian packages cachewatch needs are installed.
# As root it installs what is missing with apt-get; otherwise it prints the exact command.

cachewatch_missing_packages() {  # "tests" adds what only the test suite needs
    local missing=()
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
    command -v tmux >/dev/null 2>&1 || missing+=(tmux)
    dpkg -s libncurses-dev >/dev/null 2>&1 || missing+=(libncurses-dev)
    dpkg -s libsqlite3-dev >/dev/null 2>&1 || missing+=(libsqlite3-dev)  # the recording's store
    dpkg -s zlib1g-dev >/dev/null 2>&1 || missing+=(zlib1g-dev)  # its compressed tick records
    dpkg -s libcrypt-dev >/dev/null 2>&1 || missing+=(libcrypt-dev)  # bcrypt for the endpoint's basic auth
    if [ "${1:-}" = tests ]; then
        command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
        command -v promtool >/dev/null 2>&1 || missing+=(prometheus)  # promtool, and the scrape tests
        command -v prometheus-redis-exporter >/dev/null 2>&1 || missing+=(prometheus-redis-exporter)  # names
        command -v python3 >/dev/null 2>&1 || missing+=(python3)  # reads exported CSV back, strictly
        command -v openssl >/dev/null 2>&1 || missing+=(openssl)  # makes the TLS tests' certificates
        command -v curl >/dev/null 2>&1 || missing+=(curl)  # scrapes the --listen endpoint over TLS
        command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)  # reads recordings as a user would
        command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)  # bcrypt hashes for basic auth
    fi
    echo "${missing[@]}"
}

ensure_system_packages() {  # [tests]
    if ! command -v swift >/dev/null 2>&1; then
        echo "cachewatch: the Swift 6 toolchain is needed (https://www.swift.org/install/linux/)" >&2
        exit 1
    fi
    local missing
    missing=$(cachewatch_missing_packages "${1:-}")
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "cachewatch: installing $missing" >&2
        apt-get update -qq
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        echo "cachewatch: missing system packages; run:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y $missing" >&2
        exit 1
    fi
}
