"""Settings shared by every environment; each value comes from the environment (or `.env`)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY")
AUTHOR_HASH_SECRET = env("AUTHOR_HASH_SECRET")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

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
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "apps.common",
    "apps.regions",
    "apps.brands",
    "apps.partners",
    "apps.mentions",
    "apps.insights",
    "apps.opinion",
    "apps.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
ASGI_APPLICATION = "backend.asgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL",
        default="postgis://postgres@127.0.0.1:5432/voxpop",
        # GeoDjango's PostGIS backend, with the health check skipped right after an answer.
        engine="backend.postgis",
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "ingest"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Insights: aggregates from fewer distinct authors than this are suppressed (k-anonymity).
INSIGHTS_MIN_AUTHORS = env.int("INSIGHTS_MIN_AUTHORS", default=10)
# Raw points leave snapped to this grid (metres), and only from mentions at least this precise.
INSIGHTS_POINT_GRID_M = env.float("INSIGHTS_POINT_GRID_M", default=100.0)
INSIGHTS_POINT_MAX_PRECISION_M = env.float("INSIGHTS_POINT_MAX_PRECISION_M", default=100.0)
INSIGHTS_EXPOSE_TEXT = env.bool("INSIGHTS_EXPOSE_TEXT", default=True)
INSIGHTS_STATEMENT_TIMEOUT_MS = env.int("INSIGHTS_STATEMENT_TIMEOUT_MS", default=10_000)
INSIGHTS_MAX_POLYGON_VERTICES = env.int("INSIGHTS_MAX_POLYGON_VERTICES", default=10_000)
INSIGHTS_USE_ROLLUPS = env.bool("INSIGHTS_USE_ROLLUPS", default=True)
# H3 resolutions kept in rollups; finer ones are read from the mentions table.
INSIGHTS_ROLLUP_H3_RESOLUTIONS = env.list(
    "INSIGHTS_ROLLUP_H3_RESOLUTIONS", cast=int, default=[4, 5, 6, 7]
)

VOXPOP_DATA_DIR = Path(env("VOXPOP_DATA_DIR", default=str(BASE_DIR.parent / "shared" / "data")))
MODEL_DIR = Path(env("MODEL_DIR", default=str(BASE_DIR / "var" / "models")))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.partners.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.partners.permissions.HasReadScope"],
    "DEFAULT_RENDERER_CLASSES": ["apps.common.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "apps.common.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.common.exceptions.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "voxpop API",
    "DESCRIPTION": "Where and how a brand is discussed: geotagged mentions, opinion scores "
    "and spatial insights. Authenticate with `Authorization: Api-Key <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "ApiKeyAuth": {"type": "apiKey", "in": "header", "name": "Authorization"}
        }
    },
    "SECURITY": [{"ApiKeyAuth": []}],
}


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

HEALTH_WORKER_TIMEOUT_S = env.float("HEALTH_WORKER_TIMEOUT_S", default=1.0)

# Dashboard: an external MapLibre style (URL) for deployments that have a tile server; empty:
# the basemap is drawn from our own boundary layers.
DASHBOARD_STYLE_URL = env("DASHBOARD_STYLE_URL", default="")

# Front-end assets installed from npm by `make run`/`make test` (OpenLayers for the admin maps,
# MapLibre GL JS for the dashboard).
STATICFILES_DIRS = [("vendor", BASE_DIR / "var" / "vendor")]

# Debian 12 ships GDAL 3.6; boundary files come from the operator, not from API clients.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

PIPELINE_MAX_ATTEMPTS = env.int("PIPELINE_MAX_ATTEMPTS", default=3)
PIPELINE_STUCK_AFTER_S = env.int("PIPELINE_STUCK_AFTER_S", default=300)
PIPELINE_SWEEP_LIMIT = env.int("PIPELINE_SWEEP_LIMIT", default=10_000)
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-mentions": {"task": "mentions.sweep", "schedule": 60.0},
    "forget-idempotency-keys": {"task": "mentions.forget_idempotency_keys", "schedule": 3600.0},
    "refresh-rollups": {"task": "insights.refresh_rollups", "schedule": 30.0},
}
# Fail fast when the broker is down: the sweeper re-enqueues what could not be sent.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
IDEMPOTENCY_KEY_TTL_S = env.int("IDEMPOTENCY_KEY_TTL_S", default=24 * 3600)
# Scoring has its own queue so that it can run on other (GPU) machines.
CELERY_TASK_ROUTES = {
    "mentions.match": {"queue": "ingest"},
    "mentions.locate": {"queue": "geo"},
    "mentions.score": {"queue": "score"},
    "mentions.*": {"queue": "ingest"},
    "insights.*": {"queue": "geo"},
}

# Opinion model serving.
SHIPPED_MODEL_DIR = BASE_DIR / "ml" / "artifacts"
TORCH_THREADS = env.int("TORCH_THREADS", default=2)
# auto: bf16 where the CPU computes it natively (within a point of fp32's macro-F1 on dev,
# about twice as fast), fp32 elsewhere; int8 only by name (it costs 3 to 5 points).
OPINION_PRECISION = env.str("OPINION_PRECISION", default="auto")
if OPINION_PRECISION not in ("auto", "fp32", "bf16", "int8"):
    raise ImproperlyConfigured(
        f"OPINION_PRECISION={OPINION_PRECISION!r}: set it to auto, fp32, bf16 or int8."
    )
OPINION_PREDICT_MAX_TEXTS = 100
