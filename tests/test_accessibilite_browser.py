"""Automated accessibility audit (axe-core, WCAG 2 A/AA) of the pages users touch most.

axe-core comes from npm (devDependencies) and is injected into the page under test; it
catches missing labels, contrast below AA, broken ARIA, duplicate ids. Keyboard use and
screen-reader wording still need a human.
"""

from pathlib import Path

import pytest

from tests.browser import DESKTOP, PHONE, login, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
# The map widget's own tiles and controls are Leaflet's; the audit is about our markup.
EXCLUDE = [".leaflet-tile-container", ".leaflet-marker-pane", ".leaflet-overlay-pane"]


def audit(page):
    # Evaluated through the DevTools protocol, not added as a <script>: the pages' CSP
    # refuses inline scripts without their nonce (test_csp_browser.py), and rightly so.
    page.evaluate(AXE.read_text() + "\n;0")
    result = page.evaluate(
        """(exclude) => axe.run({include: [document], exclude: exclude.map(s => [s])},
                                {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""",
        EXCLUDE,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("profile", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_public_pages_pass_axe(browser, live_server, users, profile):
    from chantiers import demo as chantiers_demo
    from chantiers.models import Chantier

    chantiers_demo.load()
    late = Chantier.objects.filter(jalons__date_reelle__isnull=True).first()
    context, page, _ = new_page(browser, live_server, profile)
    problems = {}
    for url in ["/carte/", "/comptes/connexion/", "/chantiers/", f"/chantiers/{late.pk}/", "/marches/rejoindre/"]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        problems[url] = audit(page)
    context.close()
    assert {u: p for u, p in problems.items() if p} == {}


@pytest.mark.parametrize("profile", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_professional_pages_pass_axe(browser, live_server, users, profile):
    from datetime import timedelta

    from django.contrib.gis.geos import Point
    from django.utils import timezone

    from signalements.models import Categorie
    from signalements.services import create_signalement

    report = create_signalement(auteur=users["agent.demo"], point=Point(5.17, 48.778, srid=4326),
                                categorie=Categorie.objects.get(slug="depots-sauvage"),
                                observe_le=timezone.now() - timedelta(hours=1))
    context, page, _ = new_page(browser, live_server, profile, service_workers="block",
                                geolocation={"latitude": 48.778, "longitude": 5.17}, permissions=["geolocation"])
    login(page, "pilote.demo", "demo")
    problems = {}
    for url in ["/signaler/", "/signalements/", f"/signalements/{report.uuid}/", "/tableau-de-bord/",
                "/marches/", "/carte/"]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        problems[url] = audit(page)
    context.close()
    assert {u: p for u, p in problems.items() if p} == {}
