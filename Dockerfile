# Web app image: Debian 12 (bookworm) Python 3.11 with GDAL/GEOS/PROJ for GeoDjango.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=0 MEDIA_ROOT=/data/media
RUN apt-get update \
 && apt-get install -y --no-install-recommends gdal-bin libproj-dev binutils nodejs npm curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# collectstatic needs a key at build time only; the real one comes from the environment.
RUN SECRET_KEY=build-only-key-not-used-at-run-time python manage.py collectstatic --no-input -v0
RUN useradd --system --home /app web && mkdir -p /data/media && chown -R web /data
USER web
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -fsS http://127.0.0.1:8000/sante/ || exit 1
CMD ["sh", "-c", "python manage.py migrate --no-input && python manage.py createcachetable && gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_WORKERS:-3} --access-logfile -"]
