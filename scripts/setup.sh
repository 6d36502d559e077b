#!/usr/bin/env bash
# Everything `make run` and `make test` need on a fresh machine; each step skips what is done.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
VENV=.venv
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

system_packages() {
    local missing=()
    # chromium: Debian's build, driven by Playwright in the dashboard's end-to-end tests.
    # postgresql-server-dev-15: the headers and build files of the project's own extension.
    for pkg in postgresql-15-postgis-3 postgresql-server-dev-15 gdal-bin libgdal-dev chromium; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return
    say "installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
}

postgres_extensions() {
    # The project's own aggregate (distinct author keys), built against the installed server;
    # again when its source is newer than what the server has. No LLVM bitcode: not needed.
    local pg_config=/usr/lib/postgresql/15/bin/pg_config dir=pg/voxpop_authors built control
    built="$($pg_config --pkglibdir)/voxpop_authors.so"
    control="$($pg_config --sharedir)/extension/voxpop_authors.control"
    if [ ! -f "$built" ] || [ ! -f "$control" ] || [ -n "$(find "$dir" -newer "$built" \
            \( -name '*.c' -o -name '*.sql' -o -name '*.control' \))" ]; then
        say "building the voxpop_authors PostgreSQL extension"
        make -s -C "$dir" PG_CONFIG="$pg_config" with_llvm=no
        $SUDO make -s -C "$dir" PG_CONFIG="$pg_config" with_llvm=no install
    fi
}

frontend_packages() {
    # OpenLayers for the admin's map widgets, MapLibre GL JS (ES modules) for the dashboard.
    local newest=var/vendor/maplibre/maplibre-gl.mjs
    if [ ! -f var/vendor/ol/ol.js ] || [ ! -f "$newest" ] \
        || [ frontend/package-lock.json -nt var/vendor/ol/ol.js ] \
        || [ frontend/package-lock.json -nt "$newest" ]; then
        command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 (apt-get install nodejs npm)." >&2; exit 1; }
        say "installing front-end packages from npm"
        (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
        mkdir -p var/vendor/ol var/vendor/maplibre
        cp frontend/node_modules/ol/dist/ol.js frontend/node_modules/ol/ol.css var/vendor/ol/
        local dist=frontend/node_modules/maplibre-gl/dist
        cp "$dist/maplibre-gl.mjs" "$dist/maplibre-gl-worker.mjs" "$dist/maplibre-gl.css" \
            frontend/node_modules/maplibre-gl/LICENSE.txt var/vendor/maplibre/
    fi
}

python_env() {
    [ -x "$VENV/bin/python" ] || { say "creating $VENV"; "$PYTHON" -m venv "$VENV"; }
    local stamp="$VENV/.requirements.sha" wanted
    wanted=$(cat requirements/*.txt | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
        say "installing Python requirements"
        "$VENV/bin/pip" install -q --upgrade pip
        "$VENV/bin/pip" install -q -r requirements/dev.txt
        echo "$wanted" > "$stamp"
    fi
}

dotenv() {
    [ -f .env ] && return
    say "writing .env with fresh secrets (git-ignored)"
    "$VENV/bin/python" - <<'PY'
import secrets
with open(".env", "w") as env:
    env.write(f"SECRET_KEY={secrets.token_urlsafe(50)}\n")
    env.write(f"AUTHOR_HASH_SECRET={secrets.token_urlsafe(32)}\n")
PY
}

system_packages
postgres_extensions
python_env
dotenv
frontend_packages
scripts/services.sh
