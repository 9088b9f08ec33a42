"""The pages the standards add, in Chromium at a phone's size: the OGC service's HTML
(landing → collections → items → one feature) and the API documentation (Swagger UI,
Redoc), with nothing loaded from another host and no script error."""

import pytest

from tests.browser import PHONE, login, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def programme(users):
    from chantiers import demo as chantiers_demo

    chantiers_demo.load()
    return users


def test_ogc_pages_on_a_phone(browser, live_server, programme):
    context, page, watch = new_page(browser, live_server, PHONE)
    try:
        page.goto("/ogc/")
        assert "OGC API Features" in page.locator("h1").inner_text()
        page.get_by_role("link", name="Collections").first.click()
        page.locator(".ogc-collections a", has_text="Chantiers").first.click()
        assert page.locator("h1").inner_text() == "Chantiers"  # the collection's page
        page.get_by_role("link", name="Objets en HTML").click()
        page.wait_for_selector("table.ogc-objets")
        assert page.locator("table.ogc-objets tbody tr").count() >= 10
        assert page.evaluate("document.documentElement.scrollWidth") <= 412 + 1  # the table scrolls, not the page
        page.locator("table.ogc-objets tbody tr a").first.click()
        page.wait_for_selector("table.ogc-objet")
        assert page.locator("table.ogc-objet th", has_text="statut_libelle").count() == 1
        login(page, "pilote.demo", "demo")
        page.goto("/ogc/collections?f=html")
        assert page.locator(".ogc-collections a", has_text="Signalements").count() == 1
        assert watch.errors == [] and watch.foreign == []
    finally:
        context.close()


def test_api_documentation_is_served_by_the_app(browser, live_server, programme):
    context, page, watch = new_page(browser, live_server, PHONE)
    # Redoc's bundle asks for its vendor's logo; the page's Content-Security-Policy stops
    # it before the network: no request to another host may complete.
    reached = []
    page.on("requestfinished", lambda r: reached.append(r.url) if not r.url.startswith(live_server.url) else None)
    try:
        page.goto("/api/v1/schema/swagger-ui/")
        page.wait_for_selector(".opblock-summary-path", timeout=20000)
        assert page.locator(".opblock-summary-path", has_text="/api/v1/signalements/").count() >= 1
        page.goto("/api/v1/schema/redoc/")
        page.wait_for_selector("h1", timeout=20000)
        assert "API du quartier" in page.locator("h1").first.inner_text()
        assert reached == [], reached
        assert set(watch.foreign) <= {"image https://cdn.redoc.ly/redoc/logo-mini.svg"}, watch.foreign
        assert [e for e in watch.errors if "Content Security Policy" not in e] == [], watch.errors
    finally:
        context.close()
