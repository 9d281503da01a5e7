"""New needs by mail (daily or weekly digests)."""
from .routes import bp

__all__ = ["bp"]
