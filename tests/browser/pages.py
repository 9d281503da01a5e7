"""What every page visited in a browser test must satisfy, and helpers to walk the site.

`Watch` listens to one page: console errors, uncaught script errors, Content-Security-Policy
violations (the `securitypolicyviolation` event, recorded by a script Playwright injects, which
the policy does not apply to) and failed requests (network failures and answers >= 400).
`Watch.check` asserts that none happened since the last check, that the page does not scroll
sideways (the document is exactly as wide as the viewport) and that no one-word button, badge or
table header wraps inside its word, after writing a screenshot when asked.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from live import DEMO_PASSWORD

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}

# Buttons, badges and table headers whose label is one word (no space) must not wrap inside it
# (検/索, 削/除, テー/ブル): the label's text is on one line.
_BROKEN_WORDS = """
() => Array.from(document.querySelectorAll('.btn, .badge, th')).filter(el => {
  const text = el.textContent.trim();
  if (!text || /\\s/.test(text) || el.offsetParent === null) return false;
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
  return tops.size > 1;
}).map(el => el.textContent.trim())
"""

_CSP_RECORDER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def screenshot_dir() -> Path | None:
    """build/screenshots/ under CI, MATCHMAKER_SCREENSHOTS when set, otherwise none."""
    chosen = os.environ.get("MATCHMAKER_SCREENSHOTS")
    if not chosen and os.environ.get("CI", "").lower() == "true":
        chosen = str(Path(__file__).resolve().parents[2] / "build" / "screenshots")
    if not chosen:
        return None
    path = Path(chosen)
    path.mkdir(parents=True, exist_ok=True)
    return path


class Watch:
    def __init__(self, page, shots: Path | None = None, label: str = ""):
        self.page = page
        self.shots = shots
        self.label = label
        self.problems: list[str] = []
        page.add_init_script(_CSP_RECORDER)
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

    def check(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        csp = page.evaluate("window.__csp || []")
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        broken = page.evaluate(_BROKEN_WORDS)
        if self.shots is not None:
            safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{self.label}-{name}").strip("_")
            page.screenshot(path=str(self.shots / f"{safe}.png"), full_page=True)
        problems = self.problems + [f"CSP violation: {v}" for v in csp]
        self.problems = []
        assert not problems, f"{name} ({page.url}): {problems}"
        assert widths[0] <= widths[1], f"{name} ({page.url}) scrolls sideways: {widths[0]} px in {widths[1]} px"
        assert not broken, f"{name} ({page.url}): words broken inside {broken}"

    def goto(self, path: str, name: str | None = None) -> None:
        base = re.match(r"https?://[^/]+", self.page.url)
        self.page.goto((base.group(0) if base and path.startswith("/") else "") + path)
        self.check(name or path)


def new_context(browser, site, viewport: dict, **kw):
    """A fresh browser profile (no cookies) on the site; waits of at most 60 s (the first recommendation builds the index)."""
    context = browser.new_context(viewport=viewport, base_url=site.base, **kw)
    context.set_default_timeout(60_000)
    return context


def log_in(page, watch: Watch, email: str, password: str = DEMO_PASSWORD) -> None:
    watch.goto("/account/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/account/login" not in page.url, f"login of {email} failed"
    watch.check("after login")


def set_language(page, watch: Watch, lang: str) -> None:
    """The language switcher in the navigation bar (opening the menu on a narrow screen)."""
    toggler = page.locator("button.navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.locator(f"nav form button[name=lang][value={lang}]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang
    watch.check(f"language {lang}")


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches `selector` (the keyboard alone reaches it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached with {limit} presses of Tab on {page.url}")
