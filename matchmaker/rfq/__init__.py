"""Requests for quotation (見積依頼): from a need's recommendations to quotes, an award and a deal."""
from .routes import bp

__all__ = ["bp"]
