"""The public page (MATCHMAKER_PUBLIC_INDICATORS=true): headline figures and charts, never a firm."""
from __future__ import annotations

import pytest

from .test_pages import FY2025, _cells


@pytest.fixture
def app_config():
    return {"MATCHMAKER_PUBLIC_INDICATORS": True}


def test_public_page_has_no_firm(app, client, world):
    html = client.get("/indicators", query_string=FY2025, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Local trade indicators" in html and "<svg" in html
    for firm in (world.D1, world.L1, world.O1):
        assert firm.name not in html
    assert "/admin/indicators/" not in html  # no export links
    assert _cells(html, "Number of deals: Local")[0] == "&lt; 3"
