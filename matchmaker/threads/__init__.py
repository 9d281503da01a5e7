"""Inquiries and the message threads of requests for quotation."""
from .routes import bp

__all__ = ["bp"]
