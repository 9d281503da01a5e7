"""The main pages at a phone's and a laptop's width, and a journey with the keyboard alone."""
from __future__ import annotations

import pytest

from .pages import LAPTOP, PHONE, Watch, log_in, new_context, set_language, tab_to
from .test_journeys import accessible

PUBLIC = ["/", "/needs/", "/offerings/", "/firms/", "/search/suppliers?q=SUS304", "/fairs/", "/fairs/2",
          "/account/login"]
ORGANIZER = ["/fairs/2/schedule", "/fairs/2/requests", "/fairs/2/participants", "/fairs/2/figures"]


@pytest.mark.parametrize("size,lang", [(PHONE, "ja"), (LAPTOP, "en")], ids=["phone-ja", "laptop-en"])
def test_main_pages(browser, site, shots, size, lang):
    context = new_context(browser, site, size, locale=lang)
    page = context.new_page()
    watch = Watch(page, shots, f"pages-{lang}-{size['width']}")
    for path in PUBLIC:
        page.goto(path)
        watch.check(path)
        if size is LAPTOP and path in ("/needs/", "/firms/", "/fairs/2"):
            accessible(page, path)
    if size is LAPTOP:  # the whole menu shows from 1200 px up, without the hamburger
        assert not page.locator("button.navbar-toggler").is_visible()
        assert page.locator("#nav a[href='/fairs/']").is_visible()
    log_in(page, watch, "organizer@demo.example.com")
    set_language(page, watch, lang)
    for path in ORGANIZER:
        page.goto(path)
        watch.check(path)
        if size is LAPTOP and path.endswith("/schedule"):
            accessible(page, path)
    context.close()


def test_keyboard_only(browser, site, shots):
    """Sign in and post a need with the keyboard alone; the skip link comes first."""
    context = new_context(browser, site, LAPTOP, locale="en")
    page = context.new_page()
    watch = Watch(page, shots, "keyboard-en-1366")
    page.goto("/")
    watch.check("home")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#content"
    tab_to(page, "#nav a[href='/account/login']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/account/login")
    watch.check("login")
    tab_to(page, "main input[name=email]")
    page.keyboard.type("chigasaki-turning@demo.example.com")
    tab_to(page, "main input[name=password]")
    page.keyboard.type("matchmaker-demo-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/account/login" not in url)
    watch.check("signed in")
    page.goto("/firms/mine")
    watch.check("dashboard")
    tab_to(page, "main a[href='/needs/new']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/needs/new")
    watch.check("new need")
    tab_to(page, "main input[name=title]")
    page.keyboard.type("Black anodising of A5052 brackets")
    page.keyboard.press("Enter")  # implicit submission of the form
    page.wait_for_url(lambda url: "/needs/new" not in url)
    watch.check("need")
    assert page.locator("main h1").inner_text().strip().startswith("Black anodising")
    context.close()
