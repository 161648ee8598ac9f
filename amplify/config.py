"""Configuration: defaults, overridden by environment variables, overridden by the
mapping given to ``create_app``. Secrets that are not given are generated once and kept
in the instance folder, never written in code."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from amplify.calendars import is_time_zone
from amplify.files import PRIVATE_FILE, private_folder

ROOT = Path(__file__).resolve().parent.parent

# Environment variable -> config key, with the type to read it as.
ENVIRONMENT = {
    "DATABASE_URL": ("DATABASE_URL", str),
    "SECRET_KEY": ("SECRET_KEY", str),
    "AMPLIFY_INSTANCE_PATH": ("INSTANCE_PATH", str),
    "AMPLIFY_AUDIT_KEY": ("AUDIT_KEY", str),
    "AMPLIFY_DEFAULT_LANGUAGE": ("BABEL_DEFAULT_LOCALE", str),
    "AMPLIFY_SECURE_COOKIES": ("SESSION_COOKIE_SECURE", bool),
    "AMPLIFY_PROXIES": ("PROXIES", int),
    "AMPLIFY_DEMO_PACKS": ("DEMO_PACKS", str),
    "AMPLIFY_PASSWORD_HASH_METHOD": ("PASSWORD_HASH_METHOD", str),
    "AMPLIFY_LOGIN_WINDOW_MINUTES": ("LOGIN_WINDOW_MINUTES", int),
    "AMPLIFY_LOGIN_MAX_FAILURES": ("LOGIN_MAX_FAILURES", int),
    "AMPLIFY_LOGIN_SLOWDOWN_PER_ACCOUNT": ("LOGIN_SLOWDOWN_PER_ACCOUNT", int),
    "AMPLIFY_LOGIN_SLOWDOWN_PER_ADDRESS": ("LOGIN_SLOWDOWN_PER_ADDRESS", int),
    "AMPLIFY_REVIEW_MONTHS": ("REVIEW_MONTHS", int),
    "AMPLIFY_RETENTION_MONTHS": ("RETENTION_MONTHS", int),
    "AMPLIFY_DATABASE_BUSY_TIMEOUT_MS": ("DATABASE_BUSY_TIMEOUT_MS", int),
    "AMPLIFY_DATABASE_POOL": ("DATABASE_POOL", int),
    "AMPLIFY_ORGANIZATION_NAME": ("ORGANIZATION_NAME", str),
    "AMPLIFY_ORGANIZATION_CONTACT": ("ORGANIZATION_CONTACT", str),
    "AMPLIFY_ORGANIZATION_ADDRESS": ("ORGANIZATION_ADDRESS", str),
    "AMPLIFY_ORGANIZATION_EMAIL": ("ORGANIZATION_EMAIL", str),
    "AMPLIFY_PRIVACY_POLICY_URL": ("PRIVACY_POLICY_URL", str),
    "AMPLIFY_JURISDICTION": ("JURISDICTION", str),
    "AMPLIFY_TIMEZONE": ("TIMEZONE", str),
    "AMPLIFY_PAPER_SIZE": ("PAPER_SIZE", str),
    "AMPLIFY_REVIEW_LINK_DAYS": ("REVIEW_LINK_DAYS", int),
    "AMPLIFY_MEDIA_LINK_DAYS": ("MEDIA_LINK_DAYS", int),
    "AMPLIFY_CONSENT_NOTICES": ("CONSENT_NOTICES", str),
    "AMPLIFY_LETTERS": ("LETTERS", str),
    "AMPLIFY_LINK_MAX_FAILURES_PER_ADDRESS": ("LINK_MAX_FAILURES_PER_ADDRESS", int),
    "AMPLIFY_LINK_MAX_FAILURES_PER_PREFIX": ("LINK_MAX_FAILURES_PER_PREFIX", int),
    "AMPLIFY_MAP_SUGGESTIONS_PER_HOUR": ("MAP_SUGGESTIONS_PER_HOUR", int),
    "AMPLIFY_SMTP_HOST": ("SMTP_HOST", str),
    "AMPLIFY_SMTP_PORT": ("SMTP_PORT", int),
    "AMPLIFY_SMTP_USER": ("SMTP_USER", str),
    "AMPLIFY_SMTP_PASSWORD": ("SMTP_PASSWORD", str),
    "AMPLIFY_SMTP_STARTTLS": ("SMTP_STARTTLS", bool),
    "AMPLIFY_MAIL_FROM": ("MAIL_FROM", str),
    "AMPLIFY_FEEDS_ALLOW_PRIVATE": ("FEEDS_ALLOW_PRIVATE", bool),
    "AMPLIFY_FEEDS_TIMEOUT": ("FEEDS_TIMEOUT", float),
    "AMPLIFY_FEEDS_MAX_BYTES": ("FEEDS_MAX_BYTES", int),
    "AMPLIFY_FEEDS_DEADLINE": ("FEEDS_DEADLINE", float),
    "AMPLIFY_FEEDS_PARALLEL": ("FEEDS_PARALLEL", int),
    "AMPLIFY_PUBLISHING_KEY": ("PUBLISHING_KEY", str),
    "AMPLIFY_PUBLISHING_TIMEOUT": ("PUBLISHING_TIMEOUT", float),
    "AMPLIFY_PUBLISHING_RETRY_MINUTES": ("PUBLISHING_RETRY_MINUTES", int),
    "REDIS_URL": ("REDIS_URL", str),
    "AMPLIFY_WORKER": ("WORKER", str),
}

DEFAULTS = {
    "INSTANCE_PATH": str(ROOT / "instance"),
    "DEMO_PACKS": str(ROOT / "campaigns"),
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "amplify" / "translations"),
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "amplify_session",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "WTF_CSRF_SSL_STRICT": False,  # security.OriginCheckedCSRF checks Origin / Referer instead
    "WTF_I18N_ENABLED": True,
    "PROXIES": 0,
    "PASSWORD_HASH_METHOD": "scrypt",
    "LOGIN_WINDOW_MINUTES": 15,
    "LOGIN_MAX_FAILURES": 5,  # per account from one address, in the window
    "LOGIN_SLOWDOWN_PER_ACCOUNT": 10,  # failures on an account before addresses that failed wait
    "LOGIN_SLOWDOWN_PER_ADDRESS": 20,  # failures from an address (any account) before it waits
    "REVIEW_MONTHS": 6,
    # Contact, passport, visa and trip-safety data of people inactive this long are purged
    # by the daily job (0: never).
    "RETENTION_MONTHS": 24,
    "DATABASE_BUSY_TIMEOUT_MS": 5000,
    "DATABASE_POOL": 20,  # PostgreSQL connections kept open per process (0: one per request)
    "ORGANIZATION_NAME": "Amplify",
    # Named in consent receipts as the controller's details (empty: left out).
    "ORGANIZATION_CONTACT": "",
    "ORGANIZATION_ADDRESS": "",
    "ORGANIZATION_EMAIL": "",
    "PRIVACY_POLICY_URL": "",
    "JURISDICTION": "",
    "PAPER_SIZE": "a4",  # Word sheets: "a4" or "letter"
    "TIMEZONE": "UTC",  # IANA name; a campaign without its own time zone uses this one
    "REVIEW_LINK_DAYS": 30,
    "MEDIA_LINK_DAYS": 14,  # image addresses in scheduler files: at least this long, and a day past the post
    "CONSENT_NOTICES": str(ROOT / "consent"),
    "LETTERS": str(ROOT / "letters"),  # templates of visa letters and delegation lists
    "LINK_MAX_FAILURES_PER_ADDRESS": 20,
    "LINK_MAX_FAILURES_PER_PREFIX": 5,
    "MAP_SUGGESTIONS_PER_HOUR": 20,  # per shared power-map link
    "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
    "SMTP_HOST": "",  # empty: reminders are copied by hand, never e-mailed
    "SMTP_PORT": 587,
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_STARTTLS": True,
    "MAIL_FROM": "",
    "FEEDS_ALLOW_PRIVATE": False,  # True only for an intranet: lets feeds reach private addresses
    "FEEDS_TIMEOUT": 10.0,
    "FEEDS_MAX_BYTES": 5 * 1024 * 1024,
    "FEEDS_DEADLINE": 30.0,  # seconds for a whole fetch, cut on the socket
    "FEEDS_PARALLEL": 4,  # sources fetched at the same time
    "PUBLISHING_TIMEOUT": 15.0,  # seconds for each call to Mastodon or Bluesky
    # A sending left "sending" this long (the worker was killed) is taken up again, with
    # the same keys: it lands on the same posts.
    "PUBLISHING_RETRY_MINUTES": 10,
    "REDIS_URL": "",  # empty: background jobs are kept in SQLite in the instance folder
    "JOBS_IMMEDIATE": False,  # tests: run background jobs at once, in the request
    "WORKER": "thread",  # "thread": `amplify run` polls in-process; "external": a huey consumer does
}

# Keys that, when not given, are generated once into these files of the instance folder.
INSTANCE_SECRETS = {"SECRET_KEY": "secret_key", "AUDIT_KEY": "audit_key",
                    "PUBLISHING_KEY": "publishing_key"}  # seals connected accounts' secrets

_TRUE = {"1", "true", "yes", "on"}


def from_environment(environ=None):
    environ = os.environ if environ is None else environ
    found = {}
    for variable, (key, kind) in ENVIRONMENT.items():
        raw = environ.get(variable)
        if raw is None or raw == "":
            continue
        if kind is bool:
            found[key] = raw.strip().lower() in _TRUE
        else:
            found[key] = kind(raw)
    return found


def instance_secret(instance_path, name):
    """Read the secret kept in ``instance_path/name``, creating it on first use."""
    path = Path(instance_path) / name
    if path.exists():
        return path.read_text().strip()
    private_folder(path.parent)
    value = secrets.token_hex(32)
    # O_EXCL: when two workers start at once, one writes and the other reads.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def build(overrides=None):
    """The full configuration mapping for one app."""
    config = dict(DEFAULTS)
    config.update(from_environment())
    config.update(overrides or {})
    instance = config["INSTANCE_PATH"]
    config.setdefault("DATABASE_URL", f"sqlite:///{Path(instance) / 'amplify.db'}")
    for key, filename in INSTANCE_SECRETS.items():
        if not config.get(key):
            config[key] = instance_secret(instance, filename)
    if config["PAPER_SIZE"] not in ("a4", "letter"):
        raise ValueError(f"AMPLIFY_PAPER_SIZE={config['PAPER_SIZE']!r} must be a4 or letter")
    if not is_time_zone(config["TIMEZONE"]):
        raise ValueError(f"AMPLIFY_TIMEZONE={config['TIMEZONE']!r} is not a time zone name such as America/Lima")
    return config


def variable_for(key):
    """The environment variable that sets config ``key`` (for messages to the operator)."""
    return next(variable for variable, (name, _) in ENVIRONMENT.items() if name == key)
