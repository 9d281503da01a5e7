from . import media  # noqa: F401  (the media pages' routes, on the same blueprint)
from . import claim_routes  # noqa: F401  (routes on the same blueprint)
from .routes import bp

__all__ = ["bp"]
