"""A walk in Chromium: two phones annotate at once while the facilitator's screen shows
both; one phone loses the network, annotates, comes back: nothing lost, nothing doubled."""

import io
from datetime import timedelta

import pytest
from django.contrib.gis.geos import GEOSGeometry, LineString
from django.utils import timezone
from PIL import Image

from marches.models import Annotation, MarcheExploratoire, Score
from tests.browser import DESKTOP, PHONE, login, new_page
from tests.factories import EtapeFactory, MarcheFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IN_QPV = {"latitude": 48.7784, "longitude": 5.1707, "accuracy": 9}
OFFLINE_NOISE = ("ERR_INTERNET_DISCONNECTED", "Failed to load resource", "Failed to fetch")


@pytest.fixture
def walk(users, demo):
    walk = MarcheFactory(
        territoire=demo, code="CSC3MR", titre="Marche de nuit des habitantes",
        debut=timezone.now() - timedelta(minutes=20), fin=timezone.now() + timedelta(hours=2),
        trace=LineString((5.1690, 48.7772), (5.1702, 48.7781), (5.1720, 48.7790), srid=4326),
    )
    EtapeFactory(marche=walk, ordre=1, nom="Place Sainte-Catherine",
                 geom=GEOSGeometry("SRID=4326;POINT(5.1690 48.7772)"))
    EtapeFactory(marche=walk, ordre=2, nom="Porche de la MSP", geom=GEOSGeometry("SRID=4326;POINT(5.1702 48.7781)"))
    EtapeFactory(marche=walk, ordre=3, nom="Rue des Vosges", geom=GEOSGeometry("SRID=4326;POINT(5.1720 48.7790)"))
    return walk


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1600), (30, 30, 70)).save(buffer, format="JPEG")
    return buffer.getvalue()


def join(browser, live_server, pseudo, genre, **extra):
    context, page, watch = new_page(browser, live_server, PHONE, geolocation=IN_QPV,
                                    permissions=["geolocation"], **extra)
    page.goto("/marches/rejoindre/?code=CSC3MR")
    page.fill("#id_pseudo", pseudo)
    page.check(f"input[name=genre][value={genre}]")
    page.select_option("#id_tranche_age", "26-40")
    page.click("button[type=submit]")
    page.wait_for_selector(".participer[data-pret='1'][data-gps='1']", timeout=15000)
    return context, page, watch


def annotate_here(page, text):
    if page.locator("#annotation").is_hidden():
        page.click("#ouvrir-annotation")
    page.click("[data-forme=ici]")
    page.wait_for_selector("#forme-etat:has-text('Point placé')")
    page.fill("#annotation-texte", text)
    page.click("#annotation button[type=submit]")
    page.wait_for_selector("#annotation", state="hidden")


def waiting(page):
    return int(page.locator("#outbox-count").get_attribute("data-count"))


def test_two_phones_and_the_facilitator_and_a_network_gap(browser, live_server, walk):
    facilitator, screen, screen_watch = new_page(browser, live_server, DESKTOP)
    login(screen, "pilote.demo", "demo")
    screen.goto(f"/marches/{walk.pk}/animer/")
    screen.wait_for_selector("#direct-etat:has-text('à jour')")

    ctx_a, phone_a, watch_a = join(browser, live_server, "Amina", "femme")
    ctx_b, phone_b, watch_b = join(browser, live_server, "Béa", "femme", service_workers="block")

    # Both annotate at once: A where she stands, B draws a line along the dark path.
    phone_a.click("#ouvrir-annotation")
    phone_b.click("#ouvrir-annotation")
    phone_a.click("[data-forme=ici]")
    phone_b.click("[data-forme=Line]")
    box = phone_b.locator("#carte-participer").bounding_box()
    for dx, dy in ((0.3, 0.5), (0.5, 0.45), (0.7, 0.4)):
        phone_b.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    phone_b.click("#terminer-forme")
    phone_b.wait_for_selector("#forme-etat:has-text('Ligne tracée')")
    phone_a.fill("#annotation-texte", "Porche très sombre")
    phone_b.fill("#annotation-texte", "Chemin sans lampadaire")
    phone_b.select_option("#annotation-critere", "eclairage")
    phone_a.click("#annotation button[type=submit]")
    phone_b.click("#annotation button[type=submit]")

    # The facilitator's screen shows both within a few seconds (it polls every 3 s).
    screen.wait_for_function("() => document.querySelector('#nb-annotations').dataset.count === '2'", timeout=12000)
    flux = screen.locator("#flux").inner_text()
    assert "Amina" in flux and "Béa" in flux and "Chemin sans lampadaire" in flux
    assert {a.geom.geom_type for a in Annotation.objects.all()} == {"Point", "LineString"}

    # A scores the stop she is at.
    phone_a.click("#ouvrir-grille")
    phone_a.click("label[for=note-eclairage-0]")
    phone_a.click("label[for=note-sentiment-securite-1]")
    phone_a.fill(".critere[data-critere=eclairage] .commentaire", "Noir complet")
    phone_a.click("#grille button[type=submit]")
    phone_a.wait_for_selector('#confirmation:has-text("2 notes enregistrées")')
    phone_a.wait_for_function("() => document.querySelector('#outbox-count').dataset.count === '0'", timeout=15000)
    assert Score.objects.filter(actif=True).count() == 2
    screen.wait_for_function("() => document.querySelector('#nb-notes').textContent === '2'", timeout=12000)

    # A loses the network: what she records waits on the phone, even across a reload.
    phone_a.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)
    phone_a.wait_for_selector(".participer[data-hors-ligne='1']", timeout=15000)
    ctx_a.set_offline(True)
    phone_a.wait_for_selector("#reseau:has-text('Hors ligne')")
    annotate_here(phone_a, "Abribus dans le noir")
    phone_a.click("#ouvrir-annotation")
    phone_a.click("[data-forme=ici]")
    phone_a.fill("#annotation-texte", "Tags sur le mur")
    phone_a.set_input_files("#annotation-photo",
                            files=[{"name": "p.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}])
    phone_a.wait_for_selector("#photo-apercu img")
    phone_a.click("#annotation button[type=submit]")
    phone_a.wait_for_function("() => document.querySelector('#outbox-count').dataset.count === '2'")
    assert "Hors ligne" in phone_a.locator("#confirmation").inner_text()
    assert Annotation.objects.count() == 2
    response = phone_a.reload()
    assert response.from_service_worker
    phone_a.wait_for_function("() => document.querySelector('#outbox-count').dataset.count === '2'")
    pending = phone_a.evaluate("Outbox.list().then(items => items.map(i => i.key))")
    assert len(pending) == 2
    phone_a.click("#outbox-voir")
    phone_a.screenshot(path="test-artifacts/marche-participant-hors-ligne.png", full_page=True)

    ctx_a.set_offline(False)  # "online": the outbox flushes
    phone_a.wait_for_function("() => document.querySelector('#outbox-count').dataset.count === '0'", timeout=20000)
    for key in pending:
        assert Annotation.objects.filter(uuid=key).count() == 1
    tagged = Annotation.objects.get(texte="Tags sur le mur")
    assert tagged.photo and max(tagged.photo.width, tagged.photo.height) <= 2048
    phone_a.evaluate("Outbox.flush()")  # a second flush (timer, other tab) sends nothing more
    assert Annotation.objects.count() == 4 and Score.objects.count() == 2
    phone_a.wait_for_function("() => document.querySelector('#envoyes-count').textContent === '3'", timeout=10000)
    screen.wait_for_function("() => document.querySelector('#nb-annotations').dataset.count === '4'", timeout=12000)
    screen.wait_for_selector("#flux img")  # the photo reached the facilitator too
    screen.screenshot(path="test-artifacts/marche-animation.png", full_page=True)

    phone_a.locator("#outbox-liste").evaluate("el => el.hidden = true")
    phone_a.evaluate("window.scrollTo(0, 0)")
    phone_a.screenshot(path="test-artifacts/marche-participant.png", full_page=True)
    for watch in (watch_a, watch_b, screen_watch):
        assert [e for e in watch.errors if not any(n in e for n in OFFLINE_NOISE)] == []
        assert watch.foreign == []
    for context in (ctx_a, ctx_b, facilitator):
        context.close()


def test_the_restitution_report_prints_cleanly(browser, live_server, users):
    from marches import demo

    demo.load()
    nuit = MarcheExploratoire.objects.get(code=demo.CODE_NUIT)
    context, page, watch = new_page(browser, live_server, DESKTOP)
    login(page, "pilote.demo", "demo")
    page.goto(f"/marches/{nuit.pk}/restitution/")
    assert page.locator(".rapport-etape").count() == 7
    assert page.locator(".table-preconisations tbody tr").count() == 6
    assert page.locator(".plan-svg svg path.svg-trace").count() == 1
    page.screenshot(path="test-artifacts/marche-restitution.png", full_page=True)
    page.emulate_media(media="print")
    assert page.locator(".entete").is_hidden() and page.locator(".no-print").first.is_hidden()
    page.screenshot(path="test-artifacts/marche-restitution-impression.png", full_page=True)
    page.pdf(path="test-artifacts/marche-restitution.pdf", format="A4", print_background=True)
    assert watch.errors == [] and watch.foreign == []
    context.close()


def test_the_walk_page_shows_the_code_and_qr(browser, live_server, walk):
    context, page, watch = new_page(browser, live_server, DESKTOP)
    login(page, "pilote.demo", "demo")
    page.goto(f"/marches/{walk.pk}/")
    assert page.locator(".code-grand").inner_text().replace(" ", "") == "CSC3MR"
    assert page.locator(".qr svg.segno").count() == 1
    assert page.locator(".leaflet-marker-icon").count() == 3
    page.screenshot(path="test-artifacts/marche-page.png", full_page=True)
    assert watch.errors == [] and watch.foreign == []
    context.close()
