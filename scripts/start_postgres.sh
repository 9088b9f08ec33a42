#!/usr/bin/env bash
# Reuse a PostgreSQL server already listening on 127.0.0.1:5432, or start one.
# When this script starts the server itself, it lets this machine connect without a
# password (development only), as the servers this project is usually given do.
set -euo pipefail
HOST=127.0.0.1
PORT=5432
VERSION=15
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

if pg_isready -q -h "$HOST" -p "$PORT"; then
  echo "PostgreSQL en service sur $HOST:$PORT : réutilisé."
  exit 0
fi

if ! pg_lsclusters --no-header 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$VERSION main"; then
  echo "Création du cluster PostgreSQL $VERSION/main (port $PORT)…"
  $SUDO pg_createcluster "$VERSION" main --port "$PORT"
fi

HBA=/etc/postgresql/$VERSION/main/pg_hba.conf
if ! $SUDO grep -q "qpv-terrain" "$HBA"; then
  echo "Accès sans mot de passe depuis 127.0.0.1 et ::1 (développement) ajouté à $HBA."
  $SUDO sed -i '1i # qpv-terrain: development access without password from this machine only\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$HBA"
fi

$SUDO pg_ctlcluster --skip-systemctl-redirect "$VERSION" main start 2>/dev/null \
  || $SUDO pg_ctlcluster "$VERSION" main start
for _ in $(seq 1 30); do
  if pg_isready -q -h "$HOST" -p "$PORT"; then
    echo "PostgreSQL démarré sur $HOST:$PORT."
    exit 0
  fi
  sleep 1
done
echo "PostgreSQL n'a pas démarré sur $HOST:$PORT : voir /var/log/postgresql/." >&2
exit 1
