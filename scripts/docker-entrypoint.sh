#!/bin/sh
# Entry point of the image: the web container migrates the database before serving; every
# command then replaces this shell (exec), so the signals docker sends reach it directly.
set -e
if [ "$1" = "gunicorn" ]; then
  python manage.py migrate --no-input
  python manage.py createcachetable
fi
exec "$@"
