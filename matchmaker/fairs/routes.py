"""Trade fairs' pages: the blueprint (views.py) with every concern's pages registered on it."""
from . import agenda_views, events_views, registration_views, request_views, schedule_views  # noqa: F401
from .views import bp

__all__ = ["bp"]
