from . import media  # noqa: F401  (the media pages' routes, on the same blueprint)
from .routes import bp

__all__ = ["bp"]
