#!/usr/bin/env bash
# Install the Debian 12 packages this project needs, only those that are missing.
# Usage: install_system.sh [test]   (test adds Chromium for the browser tests)
set -euo pipefail
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

packages=(postgresql-15 postgresql-15-postgis-3 postgresql-client-15 gdal-bin libproj-dev binutils)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
python3 -c "import ensurepip, venv" 2>/dev/null || packages+=(python3-venv)
if [ "${1:-}" = "test" ]; then
  packages+=(chromium fonts-dejavu-core fonts-noto-color-emoji docker-compose)
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installation des paquets Debian manquants : ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
