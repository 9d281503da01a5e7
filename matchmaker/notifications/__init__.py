"""Site-wide notifications (on the site and by mail)."""
from .routes import bp
from .service import notify

__all__ = ["bp", "notify"]
