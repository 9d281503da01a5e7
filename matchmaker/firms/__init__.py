from . import claim_routes  # noqa: F401  (routes on the same blueprint)
from .routes import bp

__all__ = ["bp"]
