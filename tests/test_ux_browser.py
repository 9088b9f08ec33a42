"""Issue 12 (ux) in Chromium: `hidden` really hides, the agent's phone (landing, taps,
sticky send, « Mes signalements » offline), the handed-over report, the map's legend and
panels, and the walk's sending window."""

import io
import time
from datetime import timedelta

import pytest
from django.contrib.gis.geos import GEOSGeometry, LineString, Point
from django.utils import timezone
from PIL import Image

from signalements import services
from signalements.models import Categorie, Photo, Signalement
from territoire.models import Acteur
from tests.browser import DESKTOP, PHONE, login, new_page
from tests.factories import EtapeFactory, MarcheFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PIXEL_7 = {**PHONE, "viewport": {"width": 412, "height": 915}}
WIDE = {**DESKTOP, "viewport": {"width": 1440, "height": 900}}
IN_QPV = {"latitude": 48.7781, "longitude": 5.1702, "accuracy": 12}
# Elements carrying `hidden` that still take room on the page.
VISIBLE_HIDDEN = """() => [...document.querySelectorAll('[hidden]')]
    .filter(e => e.offsetParent !== null || e.getClientRects().length > 0)
    .map(e => e.tagName + '#' + e.id + '.' + e.className)"""


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1600), (40, 120, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def new_report(auteur, slug="eclairage-eteint"):
    return services.create_signalement(auteur=auteur, point=Point(5.1702, 48.7781, srid=4326),
                                       categorie=Categorie.objects.get(slug=slug),
                                       observe_le=timezone.now() - timedelta(minutes=5))


def wait_for(query, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = query()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("rien n'est arrivé sur le serveur")


@pytest.fixture
def walk(users, demo):
    walk = MarcheFactory(territoire=demo, code="CSC4UX", titre="Marche du soir",
                         debut=timezone.now() - timedelta(minutes=20), fin=timezone.now() + timedelta(hours=2),
                         trace=LineString((5.1690, 48.7772), (5.1720, 48.7790), srid=4326))
    EtapeFactory(marche=walk, ordre=1, nom="Place", geom=GEOSGeometry("SRID=4326;POINT(5.1690 48.7772)"))
    return walk


def join_walk(browser, live_server, code):
    context, page, watch = new_page(browser, live_server, PIXEL_7, geolocation=IN_QPV, permissions=["geolocation"],
                                    service_workers="block")
    page.goto(f"/marches/rejoindre/?code={code}")
    page.fill("#id_pseudo", "Awa")
    page.click("button[type=submit]")
    page.wait_for_selector(".participer[data-pret='1']", timeout=15000)
    return context, page, watch


@pytest.mark.parametrize("profile", [PIXEL_7, WIDE], ids=["phone", "desktop"])
def test_hidden_elements_take_no_room_on_any_page(browser, live_server, users, walk, profile):
    from chantiers import demo as chantiers_demo
    from chantiers.models import Chantier

    chantiers_demo.load()
    chantier = Chantier.objects.order_by("pk").first()
    report = new_report(users["agent.demo"])
    pages = {
        None: ["/carte/", "/chantiers/", f"/chantiers/{chantier.pk}/", "/conseil-citoyen/", "/marches/rejoindre/",
               "/chantiers/atelier/", "/comptes/connexion/"],
        "agent.demo": ["/signaler/", "/signalements/", f"/signalements/{report.uuid}/", "/marches/",
                       "/engagements/"],
        "ville.demo": ["/signalements/", f"/signalements/{report.uuid}/", "/engagements/", "/instances/", "/carte/"],
        "conseil.demo": ["/conseil-citoyen/", "/abonnements/", "/carte/"],
        "pilote.demo": ["/carte/", "/tableau-de-bord/", "/revue/", "/marches/", "/marches/nouvelle/",
                        f"/marches/{walk.pk}/", f"/marches/{walk.pk}/animer/", f"/marches/{walk.pk}/modifier/",
                        f"/marches/{walk.pk}/synthese/", f"/marches/{walk.pk}/restitution/", "/instances/",
                        "/abonnements/", f"/chantiers/{chantier.pk}/modifier/", "/chantiers/nouveau/"],
    }
    found = {}
    for username, urls in pages.items():
        context, page, _ = new_page(browser, live_server, profile, service_workers="block",
                                    geolocation=IN_QPV, permissions=["geolocation"])
        if username:
            login(page, username, "demo")
        for url in urls:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            found[f"{username} {url}"] = page.evaluate(VISIBLE_HIDDEN)
        if username == "agent.demo":
            # The sub-category box goes away with a category without sub-categories, and
            # nothing of the previous choice stays after sending.
            page.goto("/signaler/")
            page.click(".tuile[data-slug='eclairage']")
            assert page.locator("#sous-categories").is_visible()
            page.click(".tuile[data-slug='autre']")
            assert page.locator("#sous-categories").is_hidden()
            found["agent /signaler/ (autre)"] = page.evaluate(VISIBLE_HIDDEN)
        context.close()
    context, page, _ = join_walk(browser, live_server, "CSC4UX")
    assert page.locator("#terminer-forme").is_hidden()  # "Terminer le tracé" only while drawing
    found["participant"] = page.evaluate(VISIBLE_HIDDEN)
    context.close()
    assert {k: v for k, v in found.items() if v} == {}


def test_agent_lands_on_the_form_and_reports_with_a_photo_in_four_taps(browser, live_server, users):
    context, page, watch = new_page(browser, live_server, PIXEL_7, geolocation=IN_QPV, permissions=["geolocation"],
                                    service_workers="block")
    login(page, "agent.demo", "demo")
    assert page.url.endswith("/signaler/")
    page.wait_for_selector("#gps-etat:has-text('précision ± 12 m')")
    send = page.locator("#envoyer")
    # The navigation is folded: one button, accessible, opens with a tap (no hover).
    menu = page.locator("#menu-bouton")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert page.locator("#menu-principal").is_hidden()
    # Far down the page until the form can be sent…
    assert send.bounding_box()["y"] > 915

    taps = 0
    started = time.monotonic()
    page.tap(".tuile[data-slug='depots']")
    taps += 1
    page.tap(".tuile[data-slug='depots-encombrants']")
    taps += 1
    with page.expect_file_chooser() as chooser:
        page.tap("label[for=photo]")
    taps += 1
    chooser.value.set_files(files=[{"name": "p.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}])
    page.wait_for_selector("#photo-apercu img")
    # …then always in reach at the bottom of the screen, wherever the agent scrolled.
    box = send.bounding_box()
    assert 0 < box["y"] and box["y"] + box["height"] <= 915
    page.tap("#envoyer")
    taps += 1
    page.wait_for_selector("#confirmation:has-text('Signalement enregistré')")
    report = wait_for(lambda: Signalement.objects.filter(categorie__slug="depots-encombrants").first())
    wait_for(lambda: Photo.objects.filter(signalement=report).exists())
    seconds = time.monotonic() - started
    print(f"\nSignalement avec photo : {taps} touchers, {seconds:.1f} s (Playwright, Pixel 7)")
    assert taps <= 5
    assert report.auteur.username == "agent.demo"
    # The icons are the app's inline SVG, not emoji.
    assert page.locator(".tuile[data-slug='depots'] svg use").get_attribute("href") == "#icone-depots"
    assert "🛋" not in page.locator("#categories").inner_text()

    page.tap("#menu-bouton")
    assert page.locator("#menu-bouton").get_attribute("aria-expanded") == "true"
    assert page.locator("#menu-principal a[href='/carte/']").is_visible()
    assert watch.errors == []
    context.close()


def test_my_reports_show_offline_from_the_last_sync(browser, live_server, users):
    agent = users["agent.demo"]
    done = new_report(agent)
    services.change_status(done, "resolu", users["ville.demo"])
    new_report(agent, slug="depots-sauvage")
    context, page, watch = new_page(browser, live_server, PIXEL_7, geolocation=IN_QPV, permissions=["geolocation"])
    login(page, "agent.demo", "demo")
    page.wait_for_selector("#mes-synchro[data-source=reseau]")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)
    item = page.locator(f"#mes-liste li[data-uuid='{done.uuid}']")
    assert "Résolu" in item.inner_text() and "Statut : Résolu" in item.inner_text()
    assert page.locator("#mes-liste li").count() == 2

    context.set_offline(True)
    response = page.reload()
    assert response.from_service_worker
    page.wait_for_selector("#mes-synchro[data-source=cache]")
    assert "dernière synchronisation" in page.locator("#mes-synchro").inner_text()
    assert page.locator("#mes-liste li").count() == 2
    assert "Résolu" in page.locator(f"#mes-liste li[data-uuid='{done.uuid}']").inner_text()
    context.close()


def test_a_service_opening_a_report_handed_away_reads_who_took_it(browser, live_server, users):
    report = new_report(users["agent.demo"])
    oph = Acteur.objects.get(slug="oph")
    services.reassign(report, oph, users["pilote.demo"], "Terrain du bailleur")
    context, page, _ = new_page(browser, live_server, PIXEL_7, service_workers="block")
    login(page, "ville.demo", "demo")
    response = page.goto(f"/signalements/{report.uuid}/")
    assert response.status == 403
    message = page.locator("#confie-message").inner_text()
    assert message == f"Confié à {oph} le {timezone.localtime().strftime('%d/%m/%Y à %H:%M')}." or \
        message.startswith(f"Confié à {oph} le {timezone.localtime().strftime('%d/%m/%Y')}")
    context.close()


@pytest.mark.parametrize("profile", [PIXEL_7, WIDE], ids=["phone", "desktop"])
def test_map_legend_is_complete_and_panels_never_overlap(browser, live_server, users, profile):
    from chantiers import demo as chantiers_demo
    from marches import demo as marches_demo

    chantiers_demo.load()
    marches_demo.load()
    context, page, watch = new_page(browser, live_server, profile, service_workers="block")
    login(page, "pilote.demo", "demo")
    page.goto("/carte/")
    page.wait_for_selector(".folium-map[data-loaded=true]", timeout=20000)
    names = page.evaluate("window.Carte.layers.map(l => l.config.name)")
    page.click("#panneau-legende summary")
    legend = page.locator("#panneau-legende .panneau-contenu").inner_text()
    for name in names:
        assert name in legend or {
            "Chantiers du renouvellement": "Nature du chantier", "Périmètre du QPV": "Territoire",
            "Secteurs GUSP": "Secteurs", "Marches exploratoires (parcours)": "Marches exploratoires",
            "Signalements résolus (12 mois)": "Signalements résolus",
        }.get(name, "\0") in legend, name
    for needed in ("Équipement public", "Groupe de points", "Secteur de gestion", "Parcours d'une marche"):
        assert needed in legend
    assert page.locator("#panneau-legende svg.pastille-svg").count() >= len(names)
    # Opening the filters closes the legend: the two panels never cover each other.
    page.click("#panneau-filtres summary")
    assert page.evaluate("document.querySelector('#panneau-legende').open") is False
    filtres = page.locator("#carte-filtres").bounding_box()
    assert filtres["x"] >= 0 and filtres["x"] + filtres["width"] <= profile["viewport"]["width"]
    assert page.locator("#panneau-legende .panneau-contenu").is_hidden()
    # Leaflet's controls speak French; names show on hover (tooltips) and dates in popups are French.
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Zoomer"
    assert page.locator(".leaflet-control-zoom-out").get_attribute("title") == "Dézoomer"
    tooltips = page.evaluate("""() => { const out = [];
        const walk = (x) => { if (x.getTooltip && x.getTooltip()) { out.push(x.getTooltip().getContent().textContent); }
                              if (x.eachLayer) { x.eachLayer(walk); } };
        window.Carte.layers.filter(l => ['equipements', 'chantiers'].includes(l.config.key))
          .forEach(l => walk(l.group));
        return out; }""")
    assert len(tooltips) > 3 and all(tooltips)
    assert watch.errors == []
    context.close()


def test_annotations_wait_for_the_walk_window(browser, live_server, users, demo, walk):
    start = timezone.now() + timedelta(days=12)
    upcoming = MarcheFactory(territoire=demo, code="CSC5UX", titre="Marche de printemps",
                             debut=start, fin=start + timedelta(hours=2),
                             trace=LineString((5.1690, 48.7772), (5.1720, 48.7790), srid=4326))
    EtapeFactory(marche=upcoming, ordre=1, nom="Place", geom=GEOSGeometry("SRID=4326;POINT(5.1690 48.7772)"))
    context, page, _ = join_walk(browser, live_server, "CSC5UX")
    assert "La marche n'a pas commencé" in page.locator("#envoi-refuse").inner_text()
    assert page.locator("#ouvrir-annotation").is_disabled() and page.locator("#ouvrir-grille").is_disabled()
    answer = page.evaluate("""(pk) => fetch('/api/v1/marches/' + pk + '/annotations/', {method: 'POST',
        credentials: 'same-origin', headers: {'Content-Type': 'application/json',
        'X-CSRFToken': document.cookie.match(/csrftoken=([^;]+)/)[1]},
        body: JSON.stringify({type: 'Feature', geometry: {type: 'Point', coordinates: [5.17, 48.778]},
                              properties: {uuid: crypto.randomUUID(), texte: 'trop tôt'}})})
        .then(r => r.json().then(b => [r.status, b.detail]))""", upcoming.pk)
    assert answer[0] == 403 and "pas commencé" in answer[1]
    context.close()
    # The walk under way (started 20 minutes ago) takes them.
    context, page, _ = join_walk(browser, live_server, "CSC4UX")
    assert page.locator("#envoi-refuse").count() == 0
    assert page.locator("#ouvrir-annotation").is_enabled()
    context.close()


def test_facilitator_live_view_speaks_french_and_shows_a_large_qr_code(browser, live_server, users, walk):
    context, page, _ = new_page(browser, live_server, PIXEL_7, service_workers="block")
    login(page, "pilote.demo", "demo")
    page.goto(f"/marches/{walk.pk}/animer/")
    page.wait_for_selector("#direct-etat:has-text('à jour')")
    assert page.locator("#compte-annotations").inner_text() == "0 annotation"
    assert page.locator("#compte-participants").inner_text() == "0 participant·e"
    qr = page.locator(".qr-grand svg path").bounding_box()  # the drawing itself, not only its box
    assert qr["width"] >= 280 and qr["x"] >= 0 and qr["x"] + qr["width"] <= 412
    context.close()
