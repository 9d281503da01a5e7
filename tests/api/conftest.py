"""Fixtures for the API tests: tokens made the way the settings page makes them."""
from __future__ import annotations

import pytest

from matchmaker.extensions import db


@pytest.fixture
def bearer(app):
    """bearer(user, scopes=("read", "write"), days=None) -> the Authorization header of a new token."""

    def make(user, scopes=("read", "write"), days=None):
        from matchmaker.api import tokens

        _token, raw = tokens.create(user, "test", list(scopes), days)
        db.session.commit()
        return {"Authorization": f"Bearer {raw}"}

    return make
