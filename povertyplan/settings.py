"""PovertyPlan settings: one file, driven by the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY") if not DEBUG else env("SECRET_KEY", default="dev-only-not-secret")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # runserver leaves static files to WhiteNoise, as gunicorn does
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "import_export",
    "django_celery_beat",
    "simple_history",
    "ninja",  # the API docs' Swagger assets served from the installed package (works offline)
    "povertyplan.apps.LoginAttemptsConfig",  # django-axes, named in Vietnamese
    "areas",
    "approvals",
    "households",
    "targets",
    "reports",
    "povertyplan.apps.PovertyPlanConfig",  # admin defaults, template filters (vn), templates of the project
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "povertyplan.middleware.RequestTooBigMiddleware",  # before the CSRF check reads the form: 413, not a bare 400
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "povertyplan.middleware.IdleSessionMiddleware",  # renews the idle expiry, at most once a minute
    "povertyplan.middleware.LanguageMiddleware",  # Vietnamese first; the user's VI / EN choice (not Accept-Language)
    "povertyplan.middleware.NotFoundPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "povertyplan.middleware.DeferredWorkMiddleware",  # a saved edit whose recompute could not be queued: a notice
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# No page needs an inline script or a foreign host: charts get their data through json_script and draw it with
# static JS. Plotly.js sets inline styles on the elements it draws, hence style-src 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "povertyplan.urls"
WSGI_APPLICATION = "povertyplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'povertyplan.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# A worker keeps its connection between requests (a new PostgreSQL connection costs a few ms of every page);
# checked before reuse, so a restarted database is reconnected to rather than failing a request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Requests and the background recompute write at once: WAL lets readers go on during a write, and
    # IMMEDIATE takes the write lock at BEGIN, so a reader never has to upgrade (which fails at once with
    # "database is locked" instead of waiting out the timeout).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20, transaction_mode="IMMEDIATE", init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    # Tests use a file too: an in-memory database is shared by threads (live server, background recompute)
    # through one connection or a table-locking shared cache, unlike the real embedded default.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-povertyplan.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite cannot enforce "one annual report per indicator and unit" (NULL month); PostgreSQL does.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "povertyplan.auth.FormerAreaBackend",  # a user whose unit ceased (a district, 2025) reads only
    "povertyplan.auth.LoginThrottleBackend",  # django-axes: refuses a locked-out username + IP
    "povertyplan.auth.ProfileModelBackend",  # the password check; reads user and profile in one query
    "django.contrib.auth.backends.ModelBackend",  # sessions opened before ProfileModelBackend
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False  # years stay 2020; templates group counts with floatformat:"g"
FORMAT_MODULE_PATH = ["povertyplan.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
# Serve what collectstatic wrote: hashed names cached for a year, gzipped copies (static/vendor/plotly.min.js, the
# trace types the charts draw, built by scripts/build-plotly: 1,3 MB, 0,44 MB gzipped). Production always; `make run`
# too (it collects first). Tests and a bare runserver read the source folders, so an edited file shows at once.
SERVE_COLLECTED_STATIC = env.bool("SERVE_COLLECTED_STATIC", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "povertyplan.storage.CollectedStaticStorage"
        if SERVE_COLLECTED_STATIC
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not SERVE_COLLECTED_STATIC

# Celery: without a broker, tasks run in-process (the zero-set-up default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker died is delivered again after visibility_timeout; the rows of its job say so within a minute
# (povertyplan/background.py: leases, the sweepers below). An unreachable broker fails an enqueue in seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3 * 3600, "socket_connect_timeout": 2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "nightly-full-recompute": {"task": "targets.tasks.recompute_task", "schedule": crontab(hour=1, minute=30)},
    "sweep-recompute": {"task": "targets.tasks.sweep_recompute_task", "schedule": 30.0, "options": {"expires": 25}},
    "sweep-roster-imports": {
        "task": "households.tasks.sweep_roster_imports_task",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
}

# Browser tests drive this Chromium (Debian's package by default).
CHROMIUM_PATH = env("CHROMIUM_PATH", default="/usr/bin/chromium")

IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploaded rosters wait here for the Celery worker (same machine or a shared volume).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# The levels that enter and approve data (commune → … → province), from a date on: the district level was abolished on
# 1 July 2025 (docs/domain/admin-reform-2025.md), so from review year 2025 (its reference date, 1 October, falls after
# it) data is entered and approved commune → province. A level of an earlier chain missing from the chain of a review
# year takes no household, reported value or approval for that year.
APPROVAL_CHAINS = {
    "1900-01-01": ("commune", "district", "province"),
    "2025-07-01": ("commune", "province"),
}
ROSTER_MAX_UPLOAD_BYTES = env.int("ROSTER_MAX_UPLOAD_MB", default=200) * 1024 * 1024
# The household list exports at most this many households in the request; more are written by a background job.
ROSTER_EXPORT_DIRECT_MAX = env.int("ROSTER_EXPORT_DIRECT_MAX", default=10_000)
# API pagination: capped limit and offset for every paginated endpoint (povertyplan/pagination.py)
NINJA_PAGINATION_CLASS = "povertyplan.pagination.Pagination"
NINJA_PAGINATION_MAX_LIMIT = 1000

# Sessions end after this many minutes without a request (requests renew the expiry, at most once a
# minute: povertyplan.middleware.IdleSessionMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_ENGINE = "povertyplan.sessions"  # Django's database sessions, read in SQL written once

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from one address,
# that pair is refused, even with the right password, for LOGIN_LOCKOUT_MINUTES or until an administrator
# deletes the attempt in the admin ("Access attempts").
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "povertyplan.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "povertyplan.auth.client_ip"
# Reverse proxies in front of the app (nginx = 1): the client address is read from X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
