"""Configuration: safe defaults, then environment variables (DATABASE_URL, SECRET_KEY, MATCHMAKER_*)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the old dialect; SQLAlchemy wants postgresql+psycopg.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://"):]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return "sqlite:///" + str(Path(instance_path) / "matchmaker.db")


def _secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment; in development a random key generated once into instance/."""
    key = os.environ.get("SECRET_KEY") or os.environ.get("MATCHMAKER_SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Create exclusively so two workers starting at once agree on one key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key)
    return key


def default_config(instance_path: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SECRET_KEY": None,  # filled lazily below so tests can pass their own
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": 30 * 24 * 3600,  # seconds; the server-side session must be alive too
        "PREFERRED_URL_SCHEME": "http",
        "BABEL_DEFAULT_LOCALE": "ja",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Tokyo",
        "MATCHMAKER_LANGUAGES": ["ja", "en"],
        "BOOTSTRAP_SERVE_LOCAL": True,
        "BOOTSTRAP_BOOTSWATCH_THEME": None,
        # Rate limits (Flask-Limiter); storage in memory unless Redis is configured.
        "RATELIMIT_STORAGE_URI": os.environ.get("MATCHMAKER_RATELIMIT_STORAGE_URI")
        or os.environ.get("REDIS_URL")
        or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Sign-in attempts per account; the address limit (below) is looser, so a shared office address
        # is not locked out by one person's mistakes.
        "MATCHMAKER_LOGIN_LIMIT": "10 per minute;50 per hour",
        "MATCHMAKER_REGISTER_LIMIT": "20 per hour",
        "MATCHMAKER_API_LIMIT": "120 per minute",  # anonymous callers, per address
        "MATCHMAKER_API_TOKEN_LIMIT": "600 per minute",  # each access token on its own
        # Webhook URLs on this machine or a private network are refused unless this is true (tests, an intranet).
        "MATCHMAKER_WEBHOOK_ALLOW_PRIVATE": False,
        # The OpenAPI document (flask-smorest); served at /api/v1/openapi.json.
        "API_TITLE": "matchmaker API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "MATCHMAKER_PAGE_SIZE": 20,
        # The home city: local-first recommendations measure nearness from here.
        "MATCHMAKER_HOME_CITY": "藤沢市",
        "MATCHMAKER_HOME_COUNTRY": "JP",
        "MATCHMAKER_REDIS_URL": os.environ.get("REDIS_URL"),
        "MATCHMAKER_LOCAL_RADIUS_KM": 30,
        # "Needs you can answer" lists a need when the firm would be recommended for it at least this well.
        "MATCHMAKER_ANSWERABLE_MIN_SCORE": 0.15,
        "MATCHMAKER_SEARCH_LIMIT": "60 per minute",
        # Mail: an SMTP URL in production (see mail/transport.py); in development a folder in instance/.
        "MATCHMAKER_MAIL_URL": os.environ.get("MAIL_URL") or "file://" + str(Path(instance_path) / "mail"),
        "MATCHMAKER_MAIL_FROM": "matchmaker <no-reply@localhost>",
        "MATCHMAKER_MAIL_BACKGROUND": True,
        "MATCHMAKER_MAIL_TIMEOUT": 20,  # seconds to wait for the mail server  # send after each commit from a thread of the process
        # The site's public address, for links in mail (never taken from the request's Host header).
        "MATCHMAKER_BASE_URL": "http://127.0.0.1:5000",
        "MATCHMAKER_VERIFY_EMAIL_HOURS": 72,
        # Requests for quotation, inquiries and messages, per firm (the platform must not be a spam channel).
        "MATCHMAKER_RFQ_LIMIT": "20 per day",
        "MATCHMAKER_INQUIRY_LIMIT": "20 per day",
        "MATCHMAKER_MESSAGE_LIMIT": "100 per hour",
        "MATCHMAKER_REPORT_LIMIT": "10 per day",  # abuse reports of threads to the city's staff
        # Attachments: per file, per message; a request's body may hold that many files and a little more.
        "MATCHMAKER_UPLOAD_MAX_MB": 10,
        "MATCHMAKER_UPLOAD_MAX_FILES": 5,
        "MAX_CONTENT_LENGTH": 5 * 10 * 1024 * 1024 + 1024 * 1024,
        # A firm's pictures and catalogue (files/media.py): per image, per catalogue, photos per firm, and the
        # most pixels an uploaded image may have (decoding a huge image costs memory: a "pixel bomb").
        "MATCHMAKER_MEDIA_IMAGE_MAX_MB": 10,
        "MATCHMAKER_MEDIA_CATALOGUE_MAX_MB": 20,
        "MATCHMAKER_MEDIA_MAX_PHOTOS": 8,
        "MATCHMAKER_MEDIA_MAX_PIXELS": 40_000_000,
        # Days after a deal when its buyer is asked whether it was delivered and led to more business.
        "MATCHMAKER_DEAL_FOLLOWUP_DAYS": 90,
        "MATCHMAKER_RESET_PASSWORD_HOURS": 2,
        "MATCHMAKER_LOGIN_ADDRESS_LIMIT": "60 per minute;300 per hour",
        "MATCHMAKER_PASSWORD_RESET_LIMIT": "5 per hour",
        "MATCHMAKER_SCHEDULER_TIME_LIMIT": 20,
        # The matching index snapshot every worker of a machine maps (search/index.py); "" turns it off.
        "MATCHMAKER_INDEX_SNAPSHOT": str(Path(instance_path) / "index-snapshot"),
        # Member-list import (imports/): largest file accepted; how long a claim invitation works; after
        # how many months a profile counts as stale and its members are asked to confirm it.
        "MATCHMAKER_IMPORT_MAX_MB": 20,
        # The page's checks and imports run in a background thread of the server process (imports/jobs.py),
        # this many at a time per process; a job whose process stopped renewing its heartbeat for this many
        # seconds (a restart) is marked failed. False: run inside the request (tests).
        "MATCHMAKER_IMPORT_BACKGROUND": True,
        "MATCHMAKER_IMPORT_WORKERS": 1,
        "MATCHMAKER_IMPORT_STALE_SECONDS": 120,
        "MATCHMAKER_CLAIM_DAYS": 14,
        "MATCHMAKER_CONFIRM_MONTHS": 12,
        # Indicators: a figure describing fewer firms than this is shown as "< N" (page, exports, public page);
        # the public page exists only when the city turns it on; supply gaps check this many recent needs.
        "MATCHMAKER_INDICATORS_MIN_FIRMS": 3,
        "MATCHMAKER_PUBLIC_INDICATORS": False,
        "MATCHMAKER_INDICATORS_GAP_NEEDS": 200,
        # Independent read-only statements of one page (the indicators' figures) run on this many
        # connections at once per process (concurrent_reads.py); 1: one after the other.
        "MATCHMAKER_QUERY_THREADS": 3,
        # Each server process maps the index and builds the vocabulary's tables in a thread as it starts
        # (search/index.py): "auto" under gunicorn or uWSGI; true or false to decide.
        "MATCHMAKER_WARM_START": "auto",
    }


def load_config(app, config: dict | None) -> None:
    app.config.update(default_config(app.instance_path))
    # MATCHMAKER_* from the environment, JSON-decoded where possible ("20" -> 20, "true" -> True).
    for key, value in os.environ.items():
        if key.startswith("MATCHMAKER_") and key != "MATCHMAKER_SECRET_KEY":
            app.config[key] = _loads(value)
    if config:
        app.config.update(config)
    if app.config.get("TESTING") and "MATCHMAKER_INDEX_SNAPSHOT" not in (config or {}):
        app.config["MATCHMAKER_INDEX_SNAPSHOT"] = ""  # tests share no snapshot unless they ask for one
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)


def _loads(value: str):
    import json

    try:
        return json.loads(value)
    except ValueError:
        return value
