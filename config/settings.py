"""Settings for the QPV field tool, read from the environment.

One module for every environment: development defaults are safe (local database,
DEBUG only when asked for), production turns on every `check --deploy` protection.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY doit être défini quand DEBUG est désactivé.")
    SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "procrastinate.contrib.django",
    "axes",
    # The audit trail: PostgreSQL triggers copy every change of the tracked tables
    # (commun.historique), with the user and the request's path from the middleware.
    "pgtrigger",
    "pghistory",
    # The kernel, then the domain apps in the order they depend on each other, then the
    # pages that combine them (see ARCHITECTURE.md).
    "commun",
    "territoire",
    "chantiers",
    "signalements",
    "marches",
    "engagements",
    "gouvernance",
    "carte",
    "tableau",
    "agenda",
    "ogc",
    "open311",
    "revue",
]

MIDDLEWARE = [
    "commun.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer, a fresh nonce in every HTML page (django-csp).
    "commun.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # 414/413/400 in French for what no view can read: long addresses, huge bodies, NUL
    # bytes and invalid UTF-8 (commun.validation).
    "commun.validation.InputGuardMiddleware",
    # An ETag on every GET answer (map layers, the public figure…) and 304 on revalidation.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who and from which request: attached to every change a trigger records (also for
    # token-authenticated API calls, whose user is set later by DRF).
    "commun.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

# Logins (the form and the API token) go through django-axes first: 10 wrong passwords
# lock the account, and separately the address, for 15 minutes.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Only writing requests carry the audit context (a GET writes nothing tracked; its queries
# stay untouched). Triggers are created by the migrations, not on each migrate.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
PGHISTORY_INSTALL_CONTEXT_FUNC_ON_MIGRATE = False

ROOT_URLCONF = "config.urls"
# A form sent without its CSRF token (an expired page): a French page that says what to do.
CSRF_FAILURE_VIEW = "commun.errors.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commun.context_processors.site",
                "territoire.context_processors.territoire",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/qpv_terrain"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
# Beyond one machine (docs/scaling.md): tiles and list pages may read from a streaming
# replica; writes and everything else stay on `default`.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"],
                                                 conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
for _db in DATABASES.values():
    if _db["ENGINE"] != "django.contrib.gis.db.backends.postgis":
        _db["ENGINE"] = "django.contrib.gis.db.backends.postgis"
    # PostgreSQL's JIT compiles a tile's or a list page's plan for ~200 ms to save a few:
    # it is off for the app's connections (PG_JIT=1 turns it back on).
    if not env_bool("PG_JIT", False):
        _db.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DATABASE_ROUTERS = ["commun.routeurs.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/comptes/connexion/"
# After login: agents land on the report form (commun.pages.landing_url), everyone else here.
LOGIN_REDIRECT_URL = "/carte/"
LOGOUT_REDIRECT_URL = "/carte/"

# Walk participants may annotate from this many minutes before the walk's start (the group
# gathers, tries the app); until the end of the sending window (marches.models.SEND_GRACE).
MARCHE_ANNOTATIONS_AVANT_MINUTES = int(os.environ.get("MARCHE_ANNOTATIONS_AVANT_MINUTES", "60"))

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages come from npm at set-up time and are served by the app itself, under
# static/vendor/: only these files or folders of node_modules (commun.staticfiles).
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "commun.staticfiles.VendorFinder",
]
NODE_MODULES = BASE_DIR / "node_modules"
VENDOR_FILES = [
    "leaflet/dist",
    "leaflet.markercluster/dist",
    "leaflet.heat/dist",
    "leaflet.vectorgrid/dist/Leaflet.VectorGrid.bundled.min.js",
    "@geoman-io/leaflet-geoman-free/dist",
    "idb/build/umd.js",
    "ol/dist/ol.js",
    "ol/ol.css",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production: hashed names (cached for a year), gzip and brotli copies (commun.storage).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG else "commun.storage.StaticStorage"
    },
}
# Photos on S3-compatible object storage (django-storages) when a bucket is named;
# they are still served through the permission-checked views, never from a public URL.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Geometry: stored in Lambert-93 (metres), exchanged in WGS84 (GeoJSON, RFC 7946).
STORAGE_SRID = int(os.environ.get("STORAGE_SRID", "2154"))
API_SRID = 4326

# Base map tiles may come from another host; everything else is served locally.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL") or "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
MAP_TILES_ATTRIBUTION = os.environ.get(
    "MAP_TILES_ATTRIBUTION", "&copy; contributeurs OpenStreetMap"
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Bounded size and depth, UTF-8, French parse errors (commun.validation).
    "DEFAULT_PARSER_CLASSES": [
        "commun.validation.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "commun.api.GeoPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "commun.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "commun.schema.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"auth": "20/min", "code_marche": "10/min"},
    # 0 = no proxy: DRF then keys throttles on REMOTE_ADDR and ignores X-Forwarded-For
    # (None would trust whatever the client writes there).
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API du quartier — GUSP, renouvellement urbain, marches exploratoires",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "DESCRIPTION": "GeoJSON en WGS84 (RFC 7946). Jeton : POST /api/v1/auth/token/, puis l'en-tête "
                   "« Authorization: Token <jeton> ». Erreurs : {detail, errors} en français. "
                   "Normes : OGC API – Features sous /ogc/, Open311 GeoReport v2 sous /open311/v2/.",
    # Swagger UI and Redoc come from drf-spectacular-sidecar, served by the application.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gusp@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Background work (e-mails, reminders, purges) is a PostgreSQL job queue: jobs are
# queued in the same transaction as the change that asks for them, and run by
# `manage.py procrastinate worker` (started by `make run` and the compose `worker`).
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "tasks"

# The database cache is shared by every gunicorn worker: rate limits (token, walk codes)
# count across workers. `manage.py createcachetable` creates it (make run/test do).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cache_quartier",
    }
}
# Behind N trusted reverse proxies, the client address is the Nth from the right of
# X-Forwarded-For; with 0 (direct exposure) only REMOTE_ADDR is believed.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))

# How long personal data is kept, in days (manage.py purger_donnees, run daily by the
# job queue; the register is docs/donnees-personnelles.md).
RETENTION = {
    key: int(os.environ.get(f"RETENTION_{key.upper()}_JOURS", default))
    for key, default in {
        "auteurs_signalements": 365,  # after the report is closed
        "photos_signalements_clos": 730,  # after the report is closed
        "pseudonymes_participants": 90,  # after the walk
        "profils_participants": 1095,  # gender and age bracket, after the walk
        "auteurs_propositions": 730,  # after the proposal was made
        "courriels_envoyes": 90,  # after sending
        "connexions": 30,  # login attempts, expired sessions
        "comptes_inactifs": 1095,  # since the last login
        "historique": 365,  # the audit trail: who changed what (commun.historique)
    }.items()
}

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_CLIENT_IP_CALLABLE = "commun.api.client_ip"
AXES_LOCKOUT_CALLABLE = "commun.errors.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Content-Security-Policy (django-csp 4): scripts only from the app itself, or inline with
# the page's nonce (`nonce="{{ request.csp_nonce }}"`: folium's map script); no eval, no
# plug-in, no framing. Styles allow 'unsafe-inline': Leaflet and folium position the map's
# panes, markers and popups with style attributes, and the bars of the dashboards are
# sized with one; a style cannot run code. Images: the app, data:/blob: URIs (Leaflet's
# icons, photo previews) and the base map's tile host (MAP_TILES_URL), nothing else.
def _origin(url):
    from urllib.parse import urlsplit

    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.netloc.split("@")[-1]
    host = re.sub(r"^(\{s\}|\{[a-z]+\})\.", "*.", host)  # {s}.tile.example → *.tile.example
    return f"{parts.scheme}://{host}" if "{" not in host else None


_TILES_ORIGIN = _origin(MAP_TILES_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *([_TILES_ORIGIN] if _TILES_ORIGIN else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The service worker (/sw.js) and Redoc's search worker (a blob: URL).
        "worker-src": ["'self'", "blob:"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Production protections (`manage.py check --deploy`); each can be relaxed from the
# environment behind a TLS-terminating proxy.
# The scheme a proxy says it received is believed only when a proxy is declared.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if NUM_PROXIES else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [
    # Debian 12 ships GDAL 3.6; GDAL only reads perimeter files given by an operator
    # (import_qpv), never files uploaded by users.
    "gis.W001",
]
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "procrastinate": {"level": "WARNING"},
                "axes": {"level": "WARNING"}},
}
