"""Deals recorded from awards and fair meetings, and their follow-up."""
from .routes import bp

__all__ = ["bp"]
