"""The one settings module of ASF-portalen, driven by the environment (see README, "Configuration")."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

# FileAwareEnv: any variable X can instead be given as X_FILE=/run/secrets/x (container secrets).
env = environ.FileAwareEnv()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# No working default secret outside development: a production process without SECRET_KEY must not start.
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-only-key-do-not-use-in-production")
else:
    try:
        SECRET_KEY = env("SECRET_KEY")
    except ImproperlyConfigured as error:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see README).") from error

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "asfportal.core.views.csrf_failure"  # the Swedish page, rendered with the request
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Rendered page parts (asfportal/core/cache.py). One cache for every process: the web server and the Celery
# worker both change data, and each change must reach the others. The default, a file cache under var/, serves
# the local portal (runserver and its worker); production and the test and benchmark commands use Redis.
CACHES = {"default": env.cache_url("CACHE_URL", default=f"filecache://{BASE_DIR / 'var' / 'cache'}")}
# Routes /bench/floor/, the benchmark's trivial reference page (scripts/bench.sh turns it on; never in production).
BENCHMARK_FLOOR = env.bool("BENCHMARK_FLOOR", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_htmx",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "asfportal.core",
    "asfportal.accounts",
    "companies",
    "procurement",
    "placements",
    "policies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CORS for any origin, on /api/ only (CORS_URLS_REGEX): before CommonMiddleware, as django-cors-headers asks.
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "asfportal.core.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A deactivated person's still-open session is refused at its next request, whatever backend signed it in.
    "asfportal.accounts.middleware.AccountActiveMiddleware",
    # Login is the default; public pages opt out with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: a list's filters ask for its results block alone (asfportal/core/lists.py).
    "django_htmx.middleware.HtmxMiddleware",
    # Idle and absolute session limits, then the second factor for the roles that need it (accounts/).
    "asfportal.accounts.middleware.SessionTimeoutMiddleware",
    "asfportal.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records which user made each change kept in a model's history (companies).
    "simple_history.middleware.HistoryRequestMiddleware",
    # A double click or a resubmitted POST acts once and shows the first result (core/form_tokens.py).
    "asfportal.core.form_tokens.FormTokenMiddleware",
    # A database constraint broken in a race becomes its Swedish message on a 409 page, never a 500.
    "asfportal.core.integrity.IntegrityErrorMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: answers a locked-out login with the lock-out page.
    "axes.middleware.AxesMiddleware",
]

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failed attempts for one e-mail address from one IP
# address, that pair is locked out for LOGIN_LOCKOUT_MINUTES; a successful login resets the count. Failed
# attempts are recorded (admin: Axes > Access attempts / failures).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The login form's field is "username" (it holds the e-mail address); counted in lower case, as logins ignore case.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "asfportal.accounts.throttling.login_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Every failed attempt is also kept one by one, for the audit (admin: Axes > Access failures).
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Single sign-on with the municipality's OpenID Connect provider (Azure AD/Entra ID, Keycloak, Freja eID …):
# off unless OIDC_RP_CLIENT_ID is set, then configured by environment variables alone (README "Single sign-on").
# Existing active accounts sign in matched by e-mail address; someone unknown is created only when a sign-in
# mapping of an organisation (admin: Sign-in mappings, accounts.SsoRoleMapping) matches the provider's claims.
OIDC_ENABLED = bool(env.str("OIDC_RP_CLIENT_ID", default=""))
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.insert(1, "asfportal.accounts.oidc.PortalOIDCBackend")
    OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
    OIDC_CREATE_USER = env.bool("OIDC_CREATE_USER", default=True)
    # Kept in the session for the id_token_hint of RP-initiated logout (providers want it to redirect back).
    OIDC_STORE_ID_TOKEN = True
    # RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) when the provider has an end_session_endpoint.
    OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_OP_LOGOUT_ENDPOINT", default="")
    OIDC_OP_LOGOUT_URL_METHOD = "asfportal.accounts.oidc.provider_logout_url"
    LOGIN_REDIRECT_URL_FAILURE = "accounts:login"
# Whether a sign-in through the provider counts as the second factor: only when its ID token says several
# factors were used (amr contains "mfa"), and never for administrators.
OIDC_TRUSTS_MFA = env.bool("OIDC_TRUSTS_MFA", default=False)
# The expected `iss` of ID tokens (strongly recommended: with a multi-tenant provider, tokens of other tenants
# would otherwise be accepted), and whether the e-mail claim must come with email_verified=true.
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_REQUIRE_VERIFIED_EMAIL = env.bool("OIDC_REQUIRE_VERIFIED_EMAIL", default=True)
OIDC_LOGIN_LABEL = env.str("OIDC_LOGIN_LABEL", default="")
# The claim of the userinfo answer that the sign-in mappings compare with (Entra ID: "groups" or "roles").
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="groups")

ROOT_URLCONF = "asfportal.urls"
WSGI_APPLICATION = "asfportal.wsgi.application"

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
                "asfportal.core.context_processors.portal",
                "asfportal.core.context_processors.notifications",
                "asfportal.core.context_processors.work_queue",
                "asfportal.accounts.context_processors.capability_flags",
            ],
            # {% csrf_token %} also writes the form's one-time token, in every template (crispy's included).
            "builtins": ["asfportal.core.templatetags.form_token"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The local run has web, worker and beat writing to one file: wait for a lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# With persistent connections, check a kept connection before use: after a database restart the first request on
# it would otherwise fail with a 500 (tests/core/test_backup.py restarts PostgreSQL under load).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for one day
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)  # one working day, however busy
# A session left alone this long ends (accounts/middleware.SessionTimeoutMiddleware); a shared office computer
# must not stay signed in to participants' data.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=60)
# Coordinators, procurement officers and administrators must pass a TOTP second step (accounts/two_factor.py).
# Off only where the municipality's single sign-on already demands a second factor (see OIDC_TRUSTS_MFA below).
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
OTP_TOTP_ISSUER = "ASF-portalen"
# Sessions are written to the database and read through the shared cache: one query less on every signed-in page.
# SESSION_ENGINE=cache keeps them in the cache alone (Redis, shared by every web node: no database write at
# sign-in or on the idle clock); SESSION_CACHE_URL gives them a cache of their own, so emptying the page-part
# cache never signs anyone out.
SESSION_ENGINE = env.str("SESSION_ENGINE", default="cached_db")
if "." not in SESSION_ENGINE:
    SESSION_ENGINE = f"django.contrib.sessions.backends.{SESSION_ENGINE}"
if env.str("SESSION_CACHE_URL", default=""):
    CACHES["sessions"] = env.cache_url("SESSION_CACHE_URL")
    SESSION_CACHE_ALIAS = "sessions"

# Swedish first; English available. Msgids are English, the sv catalogue lives in asfportal/locale.
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="sv")
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "asfportal" / "locale"]
# "6 december 2026 kl. 12:00" everywhere in the Swedish UI (asfportal/formats/sv/formats.py).
FORMAT_MODULE_PATH = ["asfportal.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Stockholm")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# Uploaded files must be on storage every web node and worker shares: MEDIA_ROOT on a shared file system (NFS, a
# mounted volume), or S3-compatible object storage through django-storages (MEDIA_STORAGE=s3; install the `s3`
# extra). Either way no upload has a public URL: files are served only through permission-checked views.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "s3":
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default="media"),
            # Private objects; a download is streamed through the portal's permission check, never a public link.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif MEDIA_STORAGE == "filesystem":
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured("MEDIA_STORAGE must be filesystem or s3.")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: the console in development; EMAIL_URL=smtp+tls://user:password@host:587 in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ASF-portalen <noreply@asfportalen.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # seconds before a silent mail server counts as down

# Celery. The default broker is kombu's filesystem transport in var/celery: it needs no Redis, so the run
# command can start a real worker and beat on a fresh machine. Production sets redis://.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(env.str("CELERY_FILESYSTEM_DIR", default=str(BASE_DIR / "var" / "celery")))
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # worker broadcast (remote control) exchanges; kombu's default is ./control in the working directory
        "control_folder": str(_broker_dir / "control"),
    }
# The Redis broker gives an unacknowledged task (acks_late) to another worker after the visibility timeout. It is
# set deliberately: longer than the longest task may run (CELERY_TASK_TIME_LIMIT, the hard limit; the annual
# report, the longest, takes seconds), so a slow task is never run twice at once; and no task is scheduled further
# ahead than it (none is: tenders are closed by the every-minute sweep), because Redis would hand such a waiting
# task out again each timeout.
CELERY_BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
if CELERY_TASK_TIME_LIMIT >= CELERY_BROKER_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT.")
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
# A task is acknowledged after it ran, so a worker killed mid-task leaves it for another worker;
# every task is written to be idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "var" / "celerybeat-schedule")
)
# Exactly one beat sends: on Redis, beat holds a lock first (asfportal/core/beat.py), so a second beat started by
# mistake stands by instead of doubling the periodic work.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BEAT_SCHEDULER = "asfportal.core.beat:SingleBeatScheduler"
# Publishing a task must not hold up a web request when the broker is down: the outbox drain catches up.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Every periodic job in one place, in Europe/Stockholm time (CELERY_TIMEZONE). List them with
# `celery -A asfportal inspect scheduled` or read this dict; `manage.py` has a command for each sweep.
_every_minute, _daily_0600, _daily_0700 = crontab(), crontab(hour=6, minute=0), crontab(hour=7, minute=0)
CELERY_BEAT_SCHEDULE = {
    # every 5 minutes: prove that beat and a worker are alive (shown on the administrator dashboard)
    "record-worker-heartbeat": {
        "task": "asfportal.core.tasks.record_heartbeat_task",
        "schedule": crontab(minute="*/5"),
    },
    # every minute (OUTBOX_DRAIN_SECONDS): e-mail what the outbox holds (catches up after a broker or mail-server
    # outage, or a worker lost with a claim once its lease ran out)
    "drain-notification-outbox": {
        "task": "asfportal.core.tasks.drain_outbox_task",
        "schedule": timedelta(seconds=env.int("OUTBOX_DRAIN_SECONDS", default=60)),
    },
    # 05:30 daily: companies whose assessment ran out become lapsed (before the reminder sweep tells them)
    "lapse-expired-companies": {
        "task": "companies.tasks.lapse_expired_companies_task",
        "schedule": crontab(hour=5, minute=30),
    },
    # every minute: close tenders whose submission deadline passed (each is also closed by a task due at its
    # deadline, and answers are refused after it in any case)
    "close-due-tenders": {"task": "procurement.tasks.close_due_tenders_task", "schedule": _every_minute},
    # 04:30 daily: anonymise participants past the retention time (statistics keep working)
    "anonymise-participants": {
        "task": "placements.tasks.anonymise_participants_task",
        "schedule": crontab(hour=4, minute=30),
    },
    # 06:00 daily: every app's reminder rules (reassessments, follow-ups, deadlines ...)
    "daily-reminder-sweep": {"task": "asfportal.core.tasks.run_reminder_sweep_task", "schedule": _daily_0600},
    # 07:00 daily: one digest e-mail per person who chose the daily digest
    "send-notification-digests": {"task": "asfportal.core.tasks.send_digests_task", "schedule": _daily_0700},
    # 03:15 daily: forget one-time form tokens older than FORM_TOKEN_HOURS
    "purge-form-submissions": {
        "task": "asfportal.core.tasks.purge_form_submissions_task",
        "schedule": crontab(hour=3, minute=15),
    },
    # 05:45 daily: this year's access review for every organisation with an administrator (made once a year,
    # from ACCESS_REVIEW_MONTH on; the administrators are e-mailed once)
    "open-access-reviews": {
        "task": "asfportal.accounts.tasks.open_access_reviews_task",
        "schedule": crontab(hour=5, minute=45),
    },
    # 2 January 03:00: last year's annual report for every municipality, region and samordningsförbund
    "annual-reports-january": {
        "task": "policies.tasks.annual_reports_january_task",
        "schedule": crontab(month_of_year=1, day_of_month=2, hour=3, minute=0),
    },
}

# One-time form tokens (core/form_tokens.py): how long a rendered form's token works and its claim is kept.
FORM_TOKEN_HOURS = env.int("FORM_TOKEN_HOURS", default=24)
# Views where posting twice is harmless and the result belongs to the session that posted (signing in and out).
FORM_TOKEN_EXEMPT_URL_NAMES = [
    "accounts:login",
    "accounts:logout",
    "accounts:two-factor",
    "accounts:two-factor-setup",
    "set_language",
]

# Companies: how long an assessment against the four criteria stays valid (renewed with each annual report).
COMPANY_ASSESSMENT_VALID_MONTHS = env.int("COMPANY_ASSESSMENT_VALID_MONTHS", default=12)
# Days before an assessment runs out when the company and its coordinator are reminded.
COMPANY_REMINDER_DAYS = env.list("COMPANY_REMINDER_DAYS", cast=int, default=[60, 14])
# Days an invitation link for a company representative stays usable.
COMPANY_INVITATION_DAYS = env.int("COMPANY_INVITATION_DAYS", default=7)

# Organisation administration (accounts/administration.py): days an invitation to an organisation's role stays
# usable; the month from which each year's access review is opened, and the days the administrator has for it.
ORGANISATION_INVITATION_DAYS = env.int("ORGANISATION_INVITATION_DAYS", default=7)
ACCESS_REVIEW_MONTH = env.int("ACCESS_REVIEW_MONTH", default=1)
ACCESS_REVIEW_DAYS = env.int("ACCESS_REVIEW_DAYS", default=30)

# Procurement. Amounts in SEK, kept in configuration because they change (domain notes §2.3): at or below the
# direct-award limit the direct-award path is offered; above the reasons amount written reasons are required;
# at or above the EU threshold the tender is flagged for TED advertising.
PROCUREMENT_DIRECT_AWARD_LIMIT = env.int("PROCUREMENT_DIRECT_AWARD_LIMIT", default=700_000)
PROCUREMENT_DIRECT_AWARD_REASONS_ABOVE = env.int("PROCUREMENT_DIRECT_AWARD_REASONS_ABOVE", default=100_000)
PROCUREMENT_EU_THRESHOLD = env.int("PROCUREMENT_EU_THRESHOLD", default=2_300_000)
# Additional information must reach everyone this many days before the submission deadline (6, or 4 accelerated).
PROCUREMENT_INFO_DAYS = env.int("PROCUREMENT_INFO_DAYS", default=6)
PROCUREMENT_INFO_DAYS_ACCELERATED = env.int("PROCUREMENT_INFO_DAYS_ACCELERATED", default=4)
# A substantial amendment or a late answer leaves at least this many days before the submission deadline.
PROCUREMENT_AMENDMENT_MIN_DAYS = env.int("PROCUREMENT_AMENDMENT_MIN_DAYS", default=6)
# LOU 4 kap. 18 §: at least 30 % of those occupied must be in the target group for a reserved contract.
# LOU 20 kap. 1-2 §§: standstill (avtalsspärr) after the award decision, in days.
PROCUREMENT_STANDSTILL_DAYS = env.int("PROCUREMENT_STANDSTILL_DAYS", default=10)
PROCUREMENT_STANDSTILL_DAYS_NOT_ELECTRONIC = env.int("PROCUREMENT_STANDSTILL_DAYS_NOT_ELECTRONIC", default=15)
PROCUREMENT_RESERVED_MIN_SHARE = env.int("PROCUREMENT_RESERVED_MIN_SHARE", default=30)
# OCDS: the ocid prefix registered with the Open Contracting Partnership (a placeholder until one is).
OCDS_PREFIX = env.str("OCDS_PREFIX", default="ocds-asfprt")

# Placements: follow-up meetings every N weeks (per support measure), and anonymisation after the last placement
# ended (months; set it to the municipality's retention decision, gallringsbeslut).
PLACEMENT_FOLLOW_UP_WEEKS_DEFAULT = env.int("PLACEMENT_FOLLOW_UP_WEEKS", default=4)
PLACEMENT_FOLLOW_UP_WEEKS = env.dict("PLACEMENT_FOLLOW_UP_WEEKS_BY_MEASURE", cast={"value": int}, default={})
PLACEMENT_RETENTION_MONTHS = env.int("PLACEMENT_RETENTION_MONTHS", default=24)

# The notification outbox (asfportal/core/notifications.py).
NOTIFICATION_LEASE_SECONDS = env.int("NOTIFICATION_LEASE_SECONDS", default=300)  # a claim's lifetime
NOTIFICATION_MAX_ATTEMPTS = env.int(
    "NOTIFICATION_MAX_ATTEMPTS", default=6
)  # then the e-mail is marked failed
NOTIFICATION_RETRY_SECONDS = env.int(
    "NOTIFICATION_RETRY_SECONDS", default=60
)  # first retry; doubles each time

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step at INFO; its warnings (a missing font, say) still show.
    "loggers": {"django.db.backends": {"level": "INFO"}, "weasyprint": {"level": "WARNING"}},
}

# The open API under /api/v1/ (issue 19; README "The API"). Organisation tokens only, never a session, so no
# CSRF and no person's login reaches it; errors are JSON with a stable code (asfportal/core/api/errors.py).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["asfportal.accounts.api_auth.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["asfportal.core.api.throttling.ApiRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "asfportal.core.api.pagination.ApiPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "asfportal.core.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
# Requests a minute per client: per token when one is sent, else per IP address. DRF keeps the counts in the
# Django cache (Redis in production and in the tests); past the limit the answer is 429 with Retry-After.
API_RATE_LIMITS = {
    "anonymous": env.str("API_RATE_ANONYMOUS", default="120/min"),
    "token": env.str("API_RATE_TOKEN", default="600/min"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ASF-portalen API",
    "DESCRIPTION": "Open data on work-integration social enterprises, tenders and steering; organisation tokens "
    "write their own tenders and plan progress. Errors: {code, message: {sv, en}, fields}.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "TenderStatusEnum": "procurement.models.Tender.Status",
        "ActivityStatusEnum": "policies.models.Activity.Status",
    },
}
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False  # tokens travel in the Authorization header, never a cookie
CORS_ALLOW_HEADERS = ["accept", "accept-language", "authorization", "content-type", "if-none-match",
                      "if-modified-since"]  # fmt: skip
CORS_EXPOSE_HEADERS = ["etag", "last-modified", "retry-after"]

# Content-Security-Policy: everything from our own origin, no inline script or style (WCAG-safe Bootstrap
# from static/, no CDN).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if OIDC_ENABLED and OIDC_OP_LOGOUT_ENDPOINT:
    # The logout form's answer redirects to the provider's end_session_endpoint (RP-initiated logout), and
    # form-action governs a form's redirects too: without its origin the browser stops the logout there.
    _logout = urlsplit(OIDC_OP_LOGOUT_ENDPOINT)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_logout.scheme}://{_logout.netloc}")

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # no address of ours leaves for another site
SESSION_COOKIE_HTTPONLY = True

# Production hardening: on whenever DEBUG is off. TLS ends at the municipality's proxy, which sets
# X-Forwarded-Proto.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
