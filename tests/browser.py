"""Playwright helpers: Debian's Chromium, never a downloaded browser."""

import re

import pytest

CHROMIUM = "/usr/bin/chromium"
PHONE = {
    "viewport": {"width": 412, "height": 839},
    "device_scale_factor": 2.625,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/156.0.0.0 Mobile Safari/537.36"
    ),
    "locale": "fr-FR",
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "fr-FR"}
TILE_HOSTS = re.compile(r"tile\.openstreetmap\.org")
# A 1×1 transparent PNG for map tiles: tests never reach the network.
BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def launch_browser():
    """A generator for the session-wide `browser` fixture (declared once, in conftest.py)."""
    playwright_sync = pytest.importorskip("playwright.sync_api")
    with playwright_sync.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic"],
        )
        yield browser
        browser.close()


class PageWatch:
    """Collects console errors and requests to other hosts while a page runs."""

    def __init__(self, page, origin):
        self.page = page
        self.origin = origin
        self.errors = []
        self.foreign = []
        self.requests = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("request", self._request)

    def _console(self, msg):
        if msg.type == "error":
            self.errors.append(msg.text)

    def _request(self, request):
        url = request.url
        self.requests.append(url)
        if url.startswith(("data:", "blob:")) or url.startswith(self.origin):
            return
        if TILE_HOSTS.search(url):
            return
        self.foreign.append(f"{request.resource_type} {url}")


def new_page(browser, live_server, profile, **extra):
    context = browser.new_context(base_url=live_server.url, **profile, **extra)
    context.route(TILE_HOSTS, lambda route: route.fulfill(body=BLANK_PNG, content_type="image/png"))
    page = context.new_page()
    return context, page, PageWatch(page, live_server.url)


def login(page, username, password):
    page.goto("/comptes/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
