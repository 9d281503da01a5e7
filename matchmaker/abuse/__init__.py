"""Abuse reports: a firm reports a message thread to the city's staff, who may then read that thread
(and only that one) read-only, every look written to an audit log."""
from .routes import bp

__all__ = ["bp"]
