import pytest

from tests.browser import DESKTOP, PHONE, browser, new_page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("profile_name, profile", [("phone", PHONE), ("desktop", DESKTOP)])
def test_carte_draws_the_perimeter_without_foreign_assets(
    browser, live_server, demo, profile_name, profile  # noqa: F811
):
    context, page, watch = new_page(browser, live_server, profile)
    page.goto("/carte/")
    page.wait_for_selector(".folium-map[data-loaded=true]", timeout=15000)
    # The perimeter is drawn as an SVG path, and the map was fitted to it.
    counts = page.evaluate("window.Carte.counts()")
    assert counts == {"territoires": 1, "secteurs": 5, "equipements": 6}
    paths = page.locator(".leaflet-overlay-pane path")
    assert paths.count() >= 6  # perimeter + 5 sectors (+ facility circles)
    bounds = page.evaluate(
        "(() => { const b = window.Carte.map.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()"
    )
    assert bounds[0] < 5.161 and bounds[2] > 5.179 and bounds[1] < 48.774 and bounds[3] > 48.782
    # The layer control lists every layer, and text is readable.
    control = page.locator(".leaflet-control-layers")
    for name in ("Périmètre du QPV", "Secteurs GUSP", "Équipements"):
        assert control.get_by_text(name).count() == 1
    page.screenshot(path=f"test-artifacts/carte-{profile_name}.png")
    assert watch.errors == []
    assert watch.foreign == []
    context.close()


def test_carte_popup_escapes_text(browser, live_server, demo):  # noqa: F811
    from territoire.models import Equipement

    Equipement.objects.filter(nom__startswith="Gymnase").update(
        nom="<img src=x onerror=window.__xss=1>"
    )
    context, page, watch = new_page(browser, live_server, DESKTOP)
    page.goto("/carte/")
    page.wait_for_selector(".folium-map[data-loaded=true]")
    page.evaluate(
        """() => { const layer = window.Carte.layers.find(l => l.config.key === 'equipements');
        layer.group.eachLayer(m => { if (m.feature.properties.nom.startsWith('<img')) m.openPopup(); }); }"""
    )
    popup = page.locator(".leaflet-popup-content strong")
    assert popup.inner_text() == "<img src=x onerror=window.__xss=1>"
    assert page.evaluate("window.__xss") is None
    assert page.locator(".leaflet-popup-content img").count() == 0
    assert watch.errors == []
    context.close()
