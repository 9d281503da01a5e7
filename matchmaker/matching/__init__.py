"""Matching engine of matchmaker: plain records in, ranked matches with reasons out.

No Flask, no database: the web layer turns firms/offerings/needs into
:class:`Record` objects, builds an :class:`Engine` and calls :meth:`Engine.search`.
"""
from .engine import Engine
from .reasons import Reason
from .records import Match, Query, Record
from .settings import Settings
from .vocabulary import Vocabulary, default_vocabulary

__all__ = ["Engine", "Match", "Query", "Reason", "Record", "Settings", "Vocabulary", "default_vocabulary"]
