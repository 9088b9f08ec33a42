"""The phone form, driven in Chromium at a phone's size, with GPS mocked in the QPV."""

import io

import pytest
from PIL import Image

from signalements.models import Photo, Signalement
from tests.browser import PHONE, login, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IN_QPV = {"latitude": 48.7781, "longitude": 5.1702, "accuracy": 12}


@pytest.fixture
def routed_live(users):
    return users


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def wait_for_row(query, seconds=15):
    """The live server commits in its own thread: poll until the row is there."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = query()
        if row is not None:
            return row
        time.sleep(0.2)
    raise AssertionError("rien n'est arrivé sur le serveur")


def waiting(page):
    return int(page.locator("#outbox-count").get_attribute("data-count"))


def choose_category(page, top, sub=None):
    page.locator(f".tuile[data-slug='{top}']").click()
    if sub:
        page.locator(f".tuile[data-slug='{sub}']").click()


def test_offline_reports_survive_a_reload_and_arrive_once(browser, live_server, routed_live):
    context, page, watch = new_page(browser, live_server, PHONE, geolocation=IN_QPV,
                                    permissions=["geolocation"])
    login(page, "agent.demo", "demo")
    page.goto("/signaler/")
    page.wait_for_selector("#gps-etat:has-text('précision ± 12 m')")
    # The service worker has cached the form and its assets, and controls the page.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)
    assert waiting(page) == 0

    context.set_offline(True)
    page.wait_for_selector("#reseau:has-text('Hors ligne')")
    choose_category(page, "depots", "depots-encombrants")
    page.set_input_files("#photo", files=[{"name": "p.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}])
    page.wait_for_selector("#photo-apercu img")
    page.fill("#description", "Canapé devant le n° 4")
    page.click("#envoyer")
    page.wait_for_function("() => document.querySelector('#outbox-count').dataset.count === '1'")
    choose_category(page, "eclairage", "eclairage-eteint")
    page.fill("#description", "Lampadaire éteint")
    page.click("#envoyer")
    page.wait_for_function("() => document.querySelector('#outbox-count').dataset.count === '2'")
    assert "Hors ligne" in page.locator("#confirmation").inner_text()
    assert Signalement.objects.count() == 0

    # Reload with the network still cut: the worker serves the form, IndexedDB the outbox.
    response = page.reload()
    assert response.from_service_worker
    page.wait_for_function("() => document.querySelector('#outbox-count').dataset.count === '2'")
    page.click("#outbox-voir")
    assert page.locator("#outbox-liste li").count() == 2
    # Everything the form shows came from the worker's cache, the pin's image included.
    assert page.evaluate("document.querySelector('.leaflet-marker-icon').naturalWidth") > 0
    page.screenshot(path="test-artifacts/signaler-hors-ligne.png", full_page=True)
    assert Signalement.objects.count() == 0

    context.set_offline(False)  # fires "online": the outbox flushes
    page.wait_for_function("() => document.querySelector('#outbox-count').dataset.count === '0'", timeout=20000)
    assert Signalement.objects.count() == 2
    encombrant = Signalement.objects.get(categorie__slug="depots-encombrants")
    assert encombrant.description == "Canapé devant le n° 4"
    assert encombrant.acteur.slug == "agglo-dechets"
    assert encombrant.precision_m == 12
    photo = Photo.objects.get()
    assert photo.signalement == encombrant
    assert max(photo.largeur, photo.hauteur) <= 2048  # shrunk in the browser before waiting
    assert encombrant.photos_attendues == [str(photo.uuid)]
    # Another flush (a second tab, a timer) creates nothing more.
    page.evaluate("window.Outbox.flush()")
    assert Signalement.objects.count() == 2 and Photo.objects.count() == 1
    offline_noise = ("ERR_INTERNET_DISCONNECTED", "Failed to load resource")
    assert [e for e in watch.errors if not any(n in e for n in offline_noise)] == []
    assert watch.foreign == []
    context.close()


def test_duplicate_warning_lets_the_agent_confirm_instead(browser, live_server, routed_live):
    from datetime import timedelta

    from django.contrib.gis.geos import Point
    from django.utils import timezone

    from signalements.models import Categorie, Evenement
    from signalements.services import create_signalement

    existing = create_signalement(
        auteur=routed_live["ville.demo"], point=Point(5.17025, 48.77812, srid=4326),
        categorie=Categorie.objects.get(slug="eclairage-eteint"), description="Lampadaire rue de Champagne",
        observe_le=timezone.now() - timedelta(hours=2),
    )
    context, page, watch = new_page(browser, live_server, PHONE, geolocation=IN_QPV,
                                    permissions=["geolocation"], service_workers="block")
    login(page, "agent.demo", "demo")
    page.goto("/signaler/")
    page.wait_for_selector("#gps-etat:has-text('précision')")
    choose_category(page, "eclairage", "eclairage-eteint")
    page.wait_for_selector("#deja-signale:not([hidden])")
    assert "Lampadaire rue de Champagne" in page.locator("#deja-liste").inner_text()
    page.screenshot(path="test-artifacts/signaler-deja-signale.png", full_page=True)
    page.get_by_role("button", name="C'est le même : je confirme").click()
    page.wait_for_selector("#confirmation:has-text('aucun doublon')")
    assert Signalement.objects.count() == 1
    assert Evenement.objects.filter(signalement=existing, type="confirmation").count() == 1
    assert watch.errors == []
    context.close()


def test_tapping_the_map_moves_the_pin_to_a_manual_position(browser, live_server, routed_live):
    context, page, watch = new_page(browser, live_server, PHONE, geolocation=IN_QPV,
                                    permissions=["geolocation"], service_workers="block")
    login(page, "agent.demo", "demo")
    page.goto("/signaler/")
    page.wait_for_selector("#gps-etat:has-text('précision')")
    before = page.locator(".leaflet-marker-icon").bounding_box()
    page.locator("#carte-signaler").tap(position={"x": 80, "y": 60})
    page.wait_for_selector("#gps-etat:has-text('corrigée à la main')")
    after = page.locator(".leaflet-marker-icon").bounding_box()
    assert (after["x"], after["y"]) != (before["x"], before["y"])
    choose_category(page, "autre")
    page.click("#envoyer")
    page.wait_for_selector("#confirmation:has-text('Signalement enregistré')")
    report = wait_for_row(lambda: Signalement.objects.first())
    assert report.precision_m is None  # placed by hand: no GPS accuracy claimed
    assert watch.errors == []
    context.close()
