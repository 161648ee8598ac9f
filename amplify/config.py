"""Configuration: defaults, overridden by environment variables, overridden by the
mapping given to ``create_app``. Secrets that are not given are generated once and kept
in the instance folder, never written in code."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

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
    "AMPLIFY_LOGIN_MAX_FAILURES_PER_ACCOUNT": ("LOGIN_MAX_FAILURES_PER_ACCOUNT", int),
    "AMPLIFY_LOGIN_MAX_FAILURES_PER_ADDRESS": ("LOGIN_MAX_FAILURES_PER_ADDRESS", int),
    "AMPLIFY_REVIEW_MONTHS": ("REVIEW_MONTHS", int),
    "AMPLIFY_DATABASE_BUSY_TIMEOUT_MS": ("DATABASE_BUSY_TIMEOUT_MS", int),
    "AMPLIFY_ORGANIZATION_NAME": ("ORGANIZATION_NAME", str),
    "AMPLIFY_REVIEW_LINK_DAYS": ("REVIEW_LINK_DAYS", int),
    "AMPLIFY_CONSENT_NOTICES": ("CONSENT_NOTICES", str),
    "AMPLIFY_LINK_MAX_FAILURES_PER_ADDRESS": ("LINK_MAX_FAILURES_PER_ADDRESS", int),
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
    "WTF_I18N_ENABLED": True,
    "PROXIES": 0,
    "PASSWORD_HASH_METHOD": "scrypt",
    "LOGIN_WINDOW_MINUTES": 15,
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "REVIEW_MONTHS": 6,
    "DATABASE_BUSY_TIMEOUT_MS": 5000,
    "ORGANIZATION_NAME": "Amplify",
    "REVIEW_LINK_DAYS": 30,
    "CONSENT_NOTICES": str(ROOT / "consent"),
    "LINK_MAX_FAILURES_PER_ADDRESS": 20,
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
    "REDIS_URL": "",  # empty: background jobs are kept in SQLite in the instance folder
    "JOBS_IMMEDIATE": False,  # tests: run background jobs at once, in the request
    "WORKER": "thread",  # "thread": `amplify run` polls in-process; "external": a huey consumer does
}

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
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    # O_EXCL: when two workers start at once, one writes and the other reads.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
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
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = instance_secret(instance, "secret_key")
    if not config.get("AUDIT_KEY"):
        config["AUDIT_KEY"] = instance_secret(instance, "audit_key")
    return config
