"""matchmaker: a B2B matchmaking marketplace for local procurement."""
from __future__ import annotations

import faulthandler
from pathlib import Path

from flask import Flask

__version__ = "0.1.0"


def create_app(config: dict | None = None) -> Flask:
    """Application factory: configuration, extensions, blueprints, error handlers, commands.

    `config` overrides everything else (tests pass theirs here). No side effects beyond
    configuration: no migrations or network calls at start-up.
    """
    # A crash in native code (an extension used wrongly from several threads, say) leaves a Python
    # traceback of every thread on stderr, the server's log, instead of a bare "Segmentation fault".
    if not faulthandler.is_enabled():
        faulthandler.enable()
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from .config import load_config

    load_config(app, config)
    register_models()
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    from .search.index import warm_in_background

    warm_in_background(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import ormsafety
    from .extensions import bootstrap, csrf, db, limiter, login_manager, migrate
    from .i18n import init_babel
    from .mail import init_mail
    from .api import webhooks
    from .search import changes
    from .search import text as search_text
    from .security import init_security

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    init_babel(app)
    # Before Flask-Login: after_request hooks run in reverse order, so ours sees its cookie.
    init_security(app)
    login_manager.init_app(app)
    init_mail(app)
    changes.install()
    search_text.install()
    webhooks.install()
    ormsafety.install(db.Model)


def register_models() -> None:
    """Every table's model, imported once, so that the metadata (and migrations) see them all."""
    from . import idempotency, models  # noqa: F401
    from .api import models as api_models  # noqa: F401
    from .accounts import models as account_models  # noqa: F401
    from .fairs import models as fair_models  # noqa: F401
    from .mail import models as mail_models  # noqa: F401
    from .notifications import models as notification_models  # noqa: F401
    from .alerts import models as alert_models  # noqa: F401
    from .deals import models as deal_models  # noqa: F401
    from .files import models as file_models  # noqa: F401
    from .legal import models as legal_models  # noqa: F401
    from .abuse import models as abuse_models  # noqa: F401
    from .firms import models as firm_models  # noqa: F401
    from .imports import models as import_models  # noqa: F401
    from .indicators import models as indicator_models  # noqa: F401
    from .rfq import models as rfq_models  # noqa: F401
    from .threads import models as thread_models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from .abuse import bp as abuse_bp
    from .accounts import bp as accounts_bp
    from .admin import bp as admin_bp
    from .imports.routes import bp as imports_bp
    from .indicators.routes import bp as indicators_bp
    from .fairs import bp as fairs_bp
    from .firms import bp as firms_bp
    from .main import bp as main_bp
    from .market import bp as market_bp
    from .alerts import bp as alerts_bp
    from .deals import bp as deals_bp
    from .files import bp as files_bp
    from .legal import bp as legal_bp
    from .notifications import bp as notifications_bp
    from .rfq import bp as rfq_bp
    from .search import bp as search_bp
    from .threads import bp as threads_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp, url_prefix="/account")
    app.register_blueprint(firms_bp, url_prefix="/firms")
    app.register_blueprint(market_bp)
    app.register_blueprint(fairs_bp, url_prefix="/fairs")
    app.register_blueprint(search_bp, url_prefix="/search")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(imports_bp, url_prefix="/admin")
    app.register_blueprint(indicators_bp)
    app.register_blueprint(notifications_bp, url_prefix="/notifications")
    app.register_blueprint(rfq_bp, url_prefix="/rfqs")
    app.register_blueprint(threads_bp, url_prefix="/messages")
    app.register_blueprint(deals_bp, url_prefix="/deals")
    app.register_blueprint(files_bp, url_prefix="/files")
    app.register_blueprint(alerts_bp, url_prefix="/alerts")
    app.register_blueprint(legal_bp, url_prefix="/legal")
    app.register_blueprint(abuse_bp)

    from .api import init_api

    init_api(app)  # /api/v1 (flask-smorest), its OpenAPI document and /api/docs


def register_errorhandlers(app: Flask) -> None:
    from .errors import init_errors

    init_errors(app)


def register_template_helpers(app: Flask) -> None:
    from .templating import init_templating

    init_templating(app)


def register_commands(app: Flask) -> None:
    from .commands import init_commands

    init_commands(app)
