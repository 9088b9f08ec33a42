"""The layered map in Chromium, at phone and desktop sizes: layers, filters, escaping,
the downloaded map offline, and drawing a chantier with Geoman."""

import re
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.http import HttpRequest
from django.utils import timezone

from tests.browser import DESKTOP, PHONE, TILE_HOSTS, login, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PROFILES = [("phone", PHONE), ("desktop", DESKTOP)]
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def programme(demo):
    from chantiers import demo as chantiers_demo

    chantiers_demo.load()
    return demo


@pytest.fixture
def with_reports(programme):
    from signalements.models import Categorie, Signalement
    from territoire.models import Secteur

    proprete, _ = Categorie.objects.get_or_create(slug="carte-depot", defaults={"nom": "Dépôt sauvage"})
    eclairage, _ = Categorie.objects.get_or_create(slug="carte-eclairage", defaults={"nom": "Éclairage"})
    secteur = Secteur.objects.get(slug="place-sainte-catherine")
    now = timezone.now()
    for i in range(12):
        Signalement.objects.create(
            territoire=programme, secteur=secteur, categorie=proprete if i % 3 else eclairage,
            geom=Point(5.168 + i * 0.0003, 48.7775, srid=4326), observe_le=now - timedelta(days=i),
            statut="resolu" if i < 4 else "nouveau", resolu_le=now if i < 4 else None,
        )
    return programme


def wait_loaded(page):
    page.wait_for_selector(".folium-map[data-loaded=true]", timeout=20000)


def counts(page):
    return page.evaluate("window.Carte.counts()")


def on_map(page, key):
    return page.evaluate(
        "(key) => { const l = window.Carte.layers.find(x => x.config.key === key);"
        " return window.Carte.map.hasLayer(l.group); }", key)


def overlay_box(page, name):
    if page.locator(".leaflet-control-layers-expanded").count() == 0:
        page.hover(".leaflet-control-layers")  # folded on a phone: a touch opens it
        page.wait_for_selector(".leaflet-control-layers-expanded")
    return page.locator(".leaflet-control-layers-overlays").get_by_role("checkbox", name=name, exact=True)


def toggle_every_layer(page):
    """Click each overlay's checkbox twice; the group leaves the map, then comes back."""
    keys = page.evaluate("window.Carte.layers.map(l => l.config.key)")
    names = page.evaluate("window.Carte.layers.map(l => l.config.name)")
    for key, name in zip(keys, names, strict=True):
        box = overlay_box(page, name)
        before = on_map(page, key)
        box.click()
        assert on_map(page, key) is (not before), key
        box.click()
        assert on_map(page, key) is before, key
    return keys


@pytest.mark.parametrize("profile_name, profile", PROFILES)
def test_public_map_layers_toggle_without_foreign_assets(
    browser, live_server, with_reports, profile_name, profile
):
    context, page, watch = new_page(browser, live_server, profile)
    page.goto("/carte/")
    wait_loaded(page)
    assert counts(page) == {"territoires": 1, "secteurs": 5, "equipements": 6, "secteurs_resolus": 5,
                            "chantiers": 16, "friches": 2, "propositions": 3}
    # The perimeter was fitted.
    bounds = page.evaluate(
        "(() => { const b = window.Carte.map.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()"
    )
    assert bounds[0] < 5.161 and bounds[2] > 5.179 and bounds[1] < 48.774 and bounds[3] > 48.782
    # The per-sector figure is printed on the map, and no report text or position is.
    labels = page.locator(".carte-etiquette").all_inner_texts()
    assert "Place Sainte-Catherine : 4 résolus" in labels
    assert page.evaluate("window.Carte.layers.some(l => l.config.key === 'signalements')") is False
    toggle_every_layer(page)
    page.screenshot(path=f"test-artifacts/carte-publique-{profile_name}.png")
    assert watch.errors == []
    assert watch.foreign == []
    context.close()


@pytest.mark.parametrize("profile_name, profile", PROFILES)
def test_pilot_map_filters_reload_layers(browser, live_server, with_reports, profile_name, profile):
    context, page, watch = new_page(browser, live_server, profile)
    login(page, "pilote.demo", "demo")
    page.goto("/carte/")
    wait_loaded(page)
    start = counts(page)
    assert start["signalements"] == 12 and start["chantiers"] == 16
    # The map opens on the territory's bounds: the base map is asked at one zoom only (it
    # was asked twice when the map jumped to the perimeter once loaded).
    zooms = {re.search(r"openstreetmap\.org/(\d+)/", r).group(1) for r in watch.requests if TILE_HOSTS.search(r)}
    assert len(zooms) == 1, zooms
    # Hidden overlays are fetched when first shown; the tiles need no cluster or heat plug-in.
    assert not [r for r in watch.requests if "/api/v1/marches/" in r or "/secteurs-resolus/" in r]
    assert not [r for r in watch.requests if "markercluster" in r or "leaflet-heat" in r]
    assert start.get("marches") is None  # not fetched yet
    # Reports come as vector tiles (SVG tiles), only those in view.
    assert page.locator("svg.leaflet-tile path").count() >= 12
    tiles = [r for r in watch.requests if "/api/v1/tuiles/signalements/" in r]
    assert tiles and not [r for r in watch.requests if "/api/v1/signalements/?" in r]
    # A click on a report opens its popup, written from the detail API.
    box = page.locator("svg.leaflet-tile path").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".leaflet-popup-content a")
    assert page.locator(".leaflet-popup-content").inner_text().startswith(("Dépôt sauvage", "Éclairage"))
    page.keyboard.press("Escape")
    overlay_box(page, "Marches exploratoires (parcours)").click()
    page.wait_for_function("() => window.Carte.counts().marches != null")  # neither undefined nor null
    assert [r for r in watch.requests if "/api/v1/marches/" in r]
    overlay_box(page, "Marches exploratoires (parcours)").click()
    keys = toggle_every_layer(page)
    assert {"signalements", "chaleur", "chantiers", "friches", "propositions"} <= set(keys)
    # The density view: cells counted by the server, drawn once shown.
    overlay_box(page, "Densité des signalements").click()
    page.wait_for_function("() => window.Carte.counts().chaleur === 12")

    page.click("#panneau-filtres summary")
    page.select_option("#f-type", "demolition")
    page.wait_for_function("() => window.Carte.counts().chantiers === 3")
    page.select_option("#f-statut", "livre")
    page.wait_for_function("() => window.Carte.counts().chantiers === 2")
    page.select_option("#f-categorie", "carte-eclairage")
    page.wait_for_function("() => window.Carte.counts().signalements === 4 && window.Carte.counts().chaleur === 4")
    page.select_option("#f-statut_signalement", "resolu")
    page.wait_for_function("() => window.Carte.counts().signalements === 2")
    # Period: operations under way in 2018 only.
    page.fill("#f-depuis", "2018-01-01")
    page.fill("#f-jusqua", "2018-12-31")
    page.click("#carte-filtres button[type=submit]")
    page.wait_for_function("() => window.Carte.counts().chantiers === 1")
    page.wait_for_function(
        "() => document.querySelector('#filtres-resume').textContent.includes('Chantiers du renouvellement : 1')")
    # Export links follow the filters, with each layer's own parameter names.
    href = page.locator("a[data-export-key=signalements]").first.get_attribute("href")
    assert "statut=resolu" in href and "categorie=carte-eclairage" in href
    assert "type=demolition" in page.locator("#carte-telecharger").get_attribute("href")
    # A reversed period is refused in French, nothing reloads.
    page.fill("#f-jusqua", "2017-01-01")
    page.click("#carte-filtres button[type=submit]")
    assert "précède son début" in page.locator("#filtres-erreur").inner_text()
    page.click("#carte-filtres button[type=reset]")
    page.wait_for_function("() => window.Carte.counts().chantiers === 16 && window.Carte.counts().signalements === 12")
    page.screenshot(path=f"test-artifacts/carte-pilote-{profile_name}.png", full_page=True)
    assert watch.errors == []
    assert watch.foreign == []
    context.close()


@pytest.mark.parametrize("profile_name, profile", PROFILES)
def test_chantier_name_is_text_everywhere(browser, live_server, programme, profile_name, profile):
    from chantiers.models import Chantier

    chantier = Chantier.objects.get(slug="ehpad")
    chantier.nom = XSS
    chantier.save()
    context, page, watch = new_page(browser, live_server, profile)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto("/carte/")
    wait_loaded(page)
    page.evaluate(
        """(name) => { const layer = window.Carte.layers.find(l => l.config.key === 'chantiers');
        layer.group.eachLayer(m => { if (m.feature.properties.nom === name) m.openPopup(); }); }""", XSS)
    popup = page.locator(".leaflet-popup-content strong")
    assert popup.inner_text() == XSS
    assert page.locator(".leaflet-popup-content img").count() == 0
    # The popup pans the map into view: a click during Leaflet's pan animation can land on
    # the map instead (seen once with three test processes on two cores).
    page.wait_for_function("() => !document.querySelector('.leaflet-pan-anim')")
    with page.expect_navigation(url=f"**/chantiers/{chantier.pk}/"):
        page.locator(".leaflet-popup-content a", has_text="Voir la fiche").click()
    assert page.locator("h1").inner_text() == XSS
    page.goto("/chantiers/")
    assert page.get_by_role("link", name=XSS).count() == 1
    assert page.locator("main img").count() == 0
    assert dialogs == []
    assert watch.errors == []
    context.close()


def test_downloaded_map_works_offline(browser, live_server, with_reports, client, tmp_path):
    from chantiers.models import Chantier

    Chantier.objects.filter(slug="ehpad").update(nom=XSS)
    client.login(request=HttpRequest(), username="pilote.demo", password="demo")
    html = client.get("/carte/telecharger/").content.decode()
    path = tmp_path / "carte.html"
    path.write_text(html, encoding="utf-8")
    context, page, watch = new_page(browser, live_server, DESKTOP)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    wait_loaded(page)
    got = counts(page)
    assert got["chantiers"] == 16 and got["signalements"] == 12 and got["propositions"] == 3
    toggle_every_layer(page)
    page.evaluate(
        """(name) => { const layer = window.Carte.layers.find(l => l.config.key === 'chantiers');
        layer.group.eachLayer(m => { if (m.feature.properties.nom === name) m.openPopup(); }); }""", XSS)
    assert page.locator(".leaflet-popup-content strong").inner_text() == XSS
    link = page.locator(".leaflet-popup-content a").get_attribute("href")
    assert link.startswith("http://testserver/chantiers/")  # back to the site it came from
    page.screenshot(path="test-artifacts/carte-telechargee.png")
    assert dialogs == []
    assert watch.errors == []
    assert [r for r in watch.foreign if not r.startswith("document file://")] == []
    context.close()


def test_pilot_draws_a_chantier_with_geoman(browser, live_server, programme):
    from chantiers.models import Chantier

    context, page, watch = new_page(browser, live_server, DESKTOP)
    login(page, "pilote.demo", "demo")
    page.goto("/chantiers/nouveau/")
    page.wait_for_selector(".leaflet-pm-toolbar")
    box = page.locator(".carte-editeur").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.locator(".leaflet-pm-icon-polygon").click()
    for dx, dy in ((-60, -40), (60, -40), (60, 40), (-60, 40)):
        page.mouse.click(cx + dx, cy + dy)
    page.mouse.click(cx - 60, cy - 40)  # back on the first vertex closes the ring
    page.wait_for_function("() => document.querySelector('.carte-editeur').dataset.shapes === '1'")
    page.fill("#id_nom", "Aire de jeux dessinée")
    page.select_option("#id_type", "espace_public")
    page.select_option("#id_maitre_ouvrage", label="Ville")
    page.click("#form-chantier button[type=submit]")
    page.wait_for_url("**/chantiers/*/")
    chantier = Chantier.objects.get(nom="Aire de jeux dessinée")
    assert chantier.geom.geom_type == "Polygon" and chantier.geom.srid == 2154
    assert chantier.geom.area > 100  # square metres: drawn on screen, stored in Lambert-93
    page.screenshot(path="test-artifacts/chantier-dessine.png")
    assert watch.errors == []
    assert watch.foreign == []
    context.close()


def test_chantier_pages_at_phone_size(browser, live_server, programme):
    from chantiers.models import Chantier

    context, page, watch = new_page(browser, live_server, PHONE)
    page.goto("/chantiers/")
    page.screenshot(path="test-artifacts/chantiers-liste-phone.png", full_page=True)
    friche = Chantier.objects.get(slug="friche-impasse-des-ardennes")
    page.goto(f"/chantiers/{friche.pk}/")
    page.wait_for_selector(".carte-editeur .leaflet-overlay-pane path")
    assert page.locator(".proposition").count() == 2
    page.screenshot(path="test-artifacts/friche-phone.png", full_page=True)
    bourgogne = Chantier.objects.get(slug="rehabilitation-allee-de-bourgogne")
    page.goto(f"/chantiers/{bourgogne.pk}/")
    assert page.locator(".jalon-retard").count() >= 2
    page.screenshot(path="test-artifacts/chantier-detail-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 412  # nothing wider than the phone
    assert watch.errors == []
    assert watch.foreign == []
    context.close()


def test_carte_popup_escapes_text(browser, live_server, demo):
    from territoire.models import Equipement

    Equipement.objects.filter(nom__startswith="Gymnase").update(nom="<img src=x onerror=window.__xss=1>")
    context, page, watch = new_page(browser, live_server, DESKTOP)
    page.goto("/carte/")
    wait_loaded(page)
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
