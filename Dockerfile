# Web app image: Debian 12 (bookworm) Python 3.11 with GDAL/GEOS/PROJ for GeoDjango and the
# PostgreSQL 15 client (backups). Runs as an unprivileged user.
FROM python:3.11-slim-bookworm

ARG APP_VERSION=inconnue
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=0 MEDIA_ROOT=/data/media \
    APP_VERSION=${APP_VERSION} WEB_CONCURRENCY=3
RUN apt-get update \
 && apt-get install -y --no-install-recommends gdal-bin libproj-dev binutils postgresql-client-15 nodejs npm curl \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 web && useradd --system --uid 10001 --gid web --home /app web
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# collectstatic needs a key at build time only; the real one comes from the environment.
# Only the front-end files the pages use are copied (settings.VENDOR_FILES).
RUN SECRET_KEY=build-only-key-not-used-at-run-time python manage.py collectstatic --no-input -v0 \
 && rm -rf node_modules \
 && mkdir -p /data/media /data/sauvegardes && chown -R web:web /data
USER web
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -fsS http://127.0.0.1:8000/sante/ || exit 1
ENTRYPOINT ["/app/scripts/docker-entrypoint.sh"]
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--graceful-timeout", "25"]
