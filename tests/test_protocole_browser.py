"""The protocol's journeys in Chromium at phone size: a partner updates an engagement, a
resident proposes for a friche with a workshop's code, the conseil citoyen gives an avis;
and the pilot's review prints to PDF with its map."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from chantiers.models import AtelierFriche, Proposition
from engagements.models import MiseAJour
from gouvernance.models import Avis
from territoire.models import Acteur
from tests.browser import DESKTOP, PHONE, login, new_page
from tests.factories import ChantierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def set_password(user):
    user.set_password("demo")
    user.save()


def test_an_oph_member_updates_its_engagement_from_a_phone(browser, live_server, users):
    set_password(users["oph.demo"])
    context, page, watch = new_page(browser, live_server, PHONE)
    login(page, "oph.demo", "demo")
    page.goto("/engagements/")
    assert no_sideways_scroll(page)
    page.click("text=Les lignes de OPH")
    page.click("a[href='/engagements/35/']")
    page.select_option("#id_statut", "realise")
    page.fill("#id_note", "Dernière démolition réceptionnée.")
    page.fill("#id_prochaine_etape", "Bilan du plan de patrimoine")
    page.click("#mettre-a-jour button[type=submit]")
    page.wait_for_selector(".message-success")
    assert "une fois validée par le pilote" in page.inner_text(".messages")
    assert "Dernière démolition réceptionnée." in page.inner_text("#historique + ol")
    assert no_sideways_scroll(page)
    assert MiseAJour.objects.get(engagement__numero=35).validation == "en_attente"
    assert not watch.errors and not watch.foreign
    context.close()


def test_a_resident_proposes_for_a_friche_with_a_code_on_a_phone(browser, live_server, users):
    friche = ChantierFactory(nom="Friche de la Sapinière", type="friche", statut="etudes",
                             maitre_ouvrage=Acteur.objects.get(slug="ville"))
    now = timezone.now()
    AtelierFriche.objects.create(friche=friche, titre="Atelier du groupe de travail", code="FRC4MR",
                                 debut=now - timedelta(minutes=10), fin=now + timedelta(hours=1))
    context, page, watch = new_page(browser, live_server, PHONE)
    page.goto("/chantiers/atelier/?code=FRC4MR")  # what the QR code opens
    page.click("button[type=submit]")
    page.wait_for_selector("#form-proposition")
    page.fill("#id_titre", "Une aire de jeux")
    page.fill("#id_texte", "Pour les enfants du quartier, près des halls.")
    page.click("#form-proposition button[type=submit]")
    page.wait_for_selector(".message-success")
    assert "publiée après relecture" in page.inner_text(".messages")
    assert "En attente de modération" in page.content()
    assert no_sideways_scroll(page)
    proposition = Proposition.objects.get()
    assert proposition.auteur is None and proposition.statut == "en_attente"
    page.goto(friche.get_absolute_url())
    assert "Une aire de jeux" not in page.content()  # hidden until moderated
    assert not watch.errors and not watch.foreign
    context.close()


def test_a_conseil_citoyen_member_gives_an_avis_on_a_friche_from_a_phone(browser, live_server, users):
    member = users["conseil.demo"]
    set_password(member)
    friche = ChantierFactory(nom="Friche des Ardennes", type="friche", statut="programme",
                             maitre_ouvrage=Acteur.objects.get(slug="ville"))
    context, page, watch = new_page(browser, live_server, PHONE)
    login(page, "conseil.demo", "demo")
    page.goto(friche.get_absolute_url())
    section = page.locator(".avis-conseil")
    section.locator("select").select_option("reserves")
    section.locator("textarea").fill("D'accord pour un jardin si l'entretien est assuré.")
    section.locator("button[type=submit]").click()
    page.wait_for_selector(".message-success")
    assert "D'accord pour un jardin" in page.inner_text(".avis-conseil")
    assert Avis.objects.get().auteur == member
    assert no_sideways_scroll(page)
    assert not watch.errors and not watch.foreign
    context.close()


def test_the_review_prints_to_a_clean_pdf_with_its_map(browser, live_server, users, tmp_path):
    call_command("charger_demo", stdout=io.StringIO())
    pilote = users["pilote.demo"]
    set_password(pilote)
    context, page, watch = new_page(browser, live_server, DESKTOP)
    login(page, "pilote.demo", "demo")
    page.goto("/revue/")
    assert page.locator(".plan-revue svg .svg-point-chaud").count() > 0
    page.emulate_media(media="print")
    assert page.locator("form").first.is_hidden()  # no form, no navigation on paper
    assert page.locator(".entete").is_hidden()
    assert page.locator(".plan-revue svg").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    (tmp_path / "revue.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pdf.startswith(b"%PDF") and 3 <= pages <= 10
    assert not watch.errors and not watch.foreign
    context.close()


@pytest.mark.parametrize("profile", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_protocols_pages_pass_axe(browser, live_server, users, profile):
    from tests.test_accessibilite_browser import audit

    call_command("charger_demo", stdout=io.StringIO())
    problems = {}
    for username, urls in [
        ("pilote.demo", ["/engagements/", "/engagements/35/", "/instances/", "/instances/comite-de-pilotage/",
                         "/revue/", "/tableau-de-bord/", "/agenda/"]),
        ("conseil.demo", ["/conseil-citoyen/", "/abonnements/"]),
        (None, ["/chantiers/atelier/"]),
    ]:
        context, page, _ = new_page(browser, live_server, profile)
        if username:
            set_password(users[username])
            login(page, username, "demo")
        for url in urls:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            problems[url] = audit(page)
        context.close()
    assert {u: p for u, p in problems.items() if p} == {}
