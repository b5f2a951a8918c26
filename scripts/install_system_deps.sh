#!/usr/bin/env bash
# Install the Debian packages the end-to-end tests drive for real (browser, PostgreSQL, Redis).
# Only missing packages are installed, and only as root (CI); otherwise say what is missing,
# and the tests that need it skip with that reason.
set -uo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
{ command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; } || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Paquets Debian manquants pour certains tests : ${need[*]} (installez-les en root : apt-get install ${need[*]})." >&2
  exit 0
fi
echo "Installation des paquets Debian : ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || {
  echo "Échec de l'installation de ${need[*]} ; les tests qui en ont besoin seront ignorés avec ce motif." >&2
  exit 0
}
