"""The main journeys in a real browser, at a laptop's 1366×900 and a phone's 390×844, in Japanese
and English: register a firm, post a need and see recommended suppliers; ask for a meeting at a
fair and accept it; run and publish the schedule as the organizer; read the agenda on a phone.
Every page visited passes Watch.check (no sideways scrolling, console error, CSP violation or
failed request); the main pages have no serious or critical axe-core violation."""
from __future__ import annotations

import sqlite3
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe

from .pages import LAPTOP, PHONE, Watch, log_in, new_context, set_language

_axe = Axe()
FAIR = 1  # the demo's upcoming fair: open for requests, no schedule yet


def accessible(page, name: str) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    results = _axe.run(page)
    bad = [f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes'][:3]]}"
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: {bad}"


def firm_email(site, firm_name: str) -> str:
    with sqlite3.connect(site.db_file) as con:
        row = con.execute("SELECT u.email FROM users u JOIN firms f ON f.id = u.firm_id WHERE f.name = ? "
                          "ORDER BY u.id LIMIT 1", (firm_name,)).fetchone()
    return row[0]


def firm_id(site, email: str) -> int:
    with sqlite3.connect(site.db_file) as con:
        return con.execute("SELECT firm_id FROM users WHERE email = ?", (email,)).fetchone()[0]


@pytest.mark.parametrize("size,lang", [(LAPTOP, "ja"), (PHONE, "en")], ids=["laptop-ja", "phone-en"])
def test_register_a_firm_post_a_need_and_see_recommendations(browser, site, mail_server, shots, size, lang):
    context = new_context(browser, site, size, locale=lang)
    page = context.new_page()
    watch = Watch(page, shots, f"register-{lang}-{size['width']}")
    page.goto("/")
    watch.check("home")
    if size is LAPTOP:
        accessible(page, "home")
    watch.goto("/account/register")
    if size is LAPTOP:
        accessible(page, "register")
    email = f"browser-{uuid.uuid4().hex[:8]}@example.com"
    page.fill("input[name=name]", "山田 花子" if lang == "ja" else "Hanako Yamada")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "kamakura-harbour-2026")
    page.fill("input[name=password2]", "kamakura-harbour-2026")
    page.select_option("select[name=locale]", lang)
    page.fill("input[name=firm_name]", "湘南ブラウザ工業株式会社")
    page.fill("input[name=city]", "藤沢市")
    for box in page.locator("main form input[type=checkbox][required]").all():
        box.check()
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    watch.check("registered")
    page.goto(mail_server.link(email, "/account/verify/"))
    watch.check("verified")
    log_in(page, watch, email, "kamakura-harbour-2026")

    watch.goto("/needs/new")
    page.fill("input[name=title]", "アルミ部品の黒アルマイト処理" if lang == "ja" else "Black anodising of aluminium parts")
    page.fill("textarea[name=description]", "A5052 月200個、黒アルマイト、膜厚10µm" if lang == "ja"
              else "A5052, 200 pieces a month, black anodising, 10 µm")
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    watch.check("need")
    assert "/needs/" in page.url
    assert page.locator("main .card").count() > 0, "no recommended supplier on the new need's page"
    if size is LAPTOP:
        accessible(page, "need with recommendations")
    context.close()


def test_meeting_request_schedule_and_agenda(browser, site, shots):
    """A firm asks another for a meeting (laptop, Japanese), which accepts it (laptop, English);
    the organizer sees the warnings, runs the scheduler and publishes after confirming; both read
    their agenda on a phone, one in each language."""
    asker_email = "kirihara-seimitsu@demo.example.com"
    laptop = new_context(browser, site, LAPTOP)
    page = laptop.new_page()
    watch = Watch(page, shots, "fair-asker-ja-1366")
    log_in(page, watch, asker_email)
    watch.goto(f"/fairs/{FAIR}/partners")
    accessible(page, "partners")
    offer = page.locator("main details:has(form)").first
    partner = offer.locator("xpath=ancestor::*[contains(@class,'card')][1]").locator("a").first.inner_text().strip()
    offer.locator("summary").click()
    offer.locator("textarea[name=message]").fill("展示会でお話しできれば幸いです。")
    offer.locator("button[type=submit]").click()
    page.wait_for_load_state()
    watch.check("request sent")
    watch.goto(f"/fairs/{FAIR}/my-requests")
    assert partner in page.locator("main").inner_text()
    laptop.close()

    laptop = new_context(browser, site, LAPTOP)
    page = laptop.new_page()
    watch = Watch(page, shots, "fair-partner-en-1366")
    partner_email = firm_email(site, partner)
    log_in(page, watch, partner_email)
    set_language(page, watch, "en")
    watch.goto(f"/fairs/{FAIR}/my-requests")
    accessible(page, "my requests")
    asker = page.locator("main .list-group-item").filter(
        has=page.locator(f"a[href='/firms/{firm_id(site, asker_email)}']")).filter(
        has=page.locator("button[value=accept]"))
    asker.locator("button[value=accept]").click()
    page.wait_for_load_state()
    watch.check("accepted")
    laptop.close()

    laptop = new_context(browser, site, LAPTOP)
    page = laptop.new_page()
    watch = Watch(page, shots, "fair-organizer-en-1366")
    log_in(page, watch, "organizer@demo.example.com")
    set_language(page, watch, "en")
    watch.goto(f"/fairs/{FAIR}/schedule")
    accessible(page, "schedule")
    page.locator("main form[action$='/schedule/run'] button").click()
    page.wait_for_load_state()
    watch.check("scheduled")
    grid = page.locator(".schedule-scroll")
    assert grid.count() == 1 and page.locator(".schedule-scroll-hint").is_visible()
    warnings = page.locator("#warnings")
    assert warnings.is_visible(), "no warning before publishing"
    page.locator("main form[action$='/schedule/publish'] button[value=publish]").click()
    page.wait_for_load_state()
    watch.check("confirm publishing")
    assert "/schedule/publish" in page.url and page.locator("#warnings").is_visible()
    accessible(page, "confirm publishing")
    page.locator("main form button[name=confirmed]").click()
    page.wait_for_load_state()
    watch.check("published")
    assert page.locator("main .alert-success").count() >= 1
    laptop.close()

    for email, lang in ((asker_email, "ja"), (partner_email, "en")):
        phone = new_context(browser, site, PHONE, is_mobile=True, has_touch=True)
        page = phone.new_page()
        watch = Watch(page, shots, f"agenda-{lang}-390")
        log_in(page, watch, email)
        set_language(page, watch, lang)
        watch.goto(f"/fairs/{FAIR}/agenda")
        cards = page.locator(".agenda-card")
        assert cards.count() >= 1 and cards.first.is_visible()
        assert not page.locator("table.agenda").is_visible(), "the agenda table shows on a phone"
        box = cards.first.bounding_box()
        assert box["width"] >= 300, "an agenda card is squeezed"
        phone.close()
