#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never a downloaded one): install it when missing,
# as .ci/with-postgres.sh does PostgreSQL, so that `make test` runs them on a fresh machine
# instead of skipping them.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
echo "Chromium absent : installation du paquet Debian / installing Debian's chromium" >&2
if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null; then
    sudo apt-get update -qq >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
    echo "Chromium absent : sudo apt-get install chromium (les tests navigateur seront sautés / browser tests will be skipped)" >&2
fi
