"""Content-Security-Policy: every page, as each demo role, in Chromium, runs without a
single `securitypolicyviolation`, and every HTML answer carries the policy with a nonce.

The pages come from the URL confs: each named route is either visited (`page_urls`)
or listed in `NOT_PAGES` with the reason; a new route fails `test_every_route_is_listed`
until it is placed in one or the other.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import URLResolver, get_resolver

from tests.browser import DESKTOP, login, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Routes that are not pages to look at: answers to a form (POST only), files, feeds, photos.
NOT_PAGES = {
    "carte-telecharger": "a file (attachment), opened outside the site: its inline scripts carry no nonce",
    "logout": "POST only",
    "service-worker": "JavaScript (the worker), checked in test_service_worker_keeps_working",
    "chantiers:photo": "POST only (upload)",
    "chantiers:moderer": "POST only",
    "abonnement-supprimer": "POST only",
    "signalement-agir": "POST only",
    "signalements-statut-groupe": "POST only (the triage list's bulk action)",
    "signalement-photo": "an image",
    "signalement-photo-mini": "an image",
    "marche-quitter": "POST only",
    "marche-promouvoir": "POST only",
    "marche-repondre": "POST only",
    "marche-photo": "an image",
    "marche-photo-mini": "an image",
    "engagement-valider": "POST only",
    "revue-csv": "a CSV file",
    "agenda-renouveler": "POST only",
    "agenda-public": "a calendar feed",
    "agenda-personnel": "a calendar feed",
    "chantiers:proposer": "POST only (its form is on the page above)",
    "chantiers:atelier-creer": "POST only (its form is on the page above)",
    "engagement-mettre-a-jour": "POST only (its form is on the page above)",
    "reunion-creer": "POST only (its form is on the page above)",
    "decision-creer": "POST only (its form is on the page above)",
    "action-creer": "POST only (its form is on the page above)",
    "action-modifier": "POST only (its form is on the page above)",
    "saisine-creer": "POST only (its form is on the page above)",
    "avis-saisine": "POST only (its form is on the page above)",
    "avis-chantier": "POST only (its form is on the page above)",
    "avis-preconisation": "POST only (its form is on the page above)",
}
# Whole families checked by a few representatives in `page_urls` (API, OGC, admin).
PREFIXES_SAMPLED = ("api/", "ogc/", "open311/", "admin/")

VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push([e.violatedDirective, e.blockedURI, (e.sourceFile || "") + ":" + e.lineNumber,
                     (e.sample || "").slice(0, 80)].join(" | "));
});
"""


def routes():
    """(route, name) of every named page route, outside the sampled families."""
    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif p.name:
                yield prefix + str(p.pattern), namespace + p.name

    return [(r, n) for r, n in walk(get_resolver().url_patterns) if not r.startswith(PREFIXES_SAMPLED)]


def demo_objects():
    """The demo's objects that the pages with an id show, and a workshop (not in the demo)."""
    from datetime import timedelta

    from django.utils import timezone

    from chantiers.models import AtelierFriche, Chantier
    from chantiers.models import Type as TypeChantier
    from engagements.models import MiseAJour
    from gouvernance.models import Instance
    from marches import demo as marches_demo
    from marches.models import MarcheExploratoire
    from signalements.models import Signalement

    friche = Chantier.objects.filter(type=TypeChantier.FRICHE).first()
    now = timezone.now()
    atelier = AtelierFriche.objects.create(friche=friche, titre="Atelier CSP", debut=now - timedelta(hours=1),
                                           fin=now + timedelta(hours=2), code="CSP4MR")
    nuit = MarcheExploratoire.objects.get(code=marches_demo.CODE_NUIT)
    return {
        "chantier": Chantier.objects.order_by("pk").first(),
        "friche": friche,
        "atelier": atelier,
        "signalement": Signalement.objects.order_by("-pk").first(),
        "marche": nuit,
        "engagement": MiseAJour.objects.order_by("pk").first().engagement,
        "instance": Instance.objects.order_by("pk").first(),
    }


def page_urls(o):
    """Each page route, by name, as a URL to visit with the demo's objects."""
    m = o["marche"]
    urls = {
        "accueil": "/",
        "carte": "/carte/",
        "tableau-de-bord": "/tableau-de-bord/",
        "chantiers:liste": "/chantiers/",
        "chantiers:creer": "/chantiers/nouveau/",
        "chantiers:detail": f"/chantiers/{o['chantier'].pk}/",
        "chantiers:modifier": f"/chantiers/{o['chantier'].pk}/modifier/",
        "chantiers:atelier": f"/chantiers/ateliers/{o['atelier'].pk}/",
        "chantiers:rejoindre": "/chantiers/atelier/",
        "chantiers:proposer-atelier": f"/chantiers/atelier/{o['atelier'].pk}/",
        "login": "/comptes/connexion/",
        "signaler": "/signaler/",
        "abonnements": "/abonnements/",
        "abonnement-desinscription": "/abonnements/desinscription/inconnu/",
        "signalements-triage": "/signalements/",
        "signalement-detail-page": f"/signalements/{o['signalement'].uuid}/",
        "marches-liste": "/marches/",
        "marche-nouvelle": "/marches/nouvelle/",
        "marche-rejoindre": "/marches/rejoindre/",
        "marche-participer": "/marches/participer/{participant}/",
        "marche-detail-page": f"/marches/{m.pk}/",
        "marche-modifier": f"/marches/{m.pk}/modifier/",
        "marche-animer": f"/marches/{m.pk}/animer/",
        "marche-synthese": f"/marches/{m.pk}/synthese/",
        "marche-restitution": f"/marches/{m.pk}/restitution/",
        "engagements": "/engagements/",
        "engagement-detail": f"/engagements/{o['engagement'].numero}/",
        "instances": "/instances/",
        "instance-detail": f"/instances/{o['instance'].slug}/",
        "conseil-citoyen": "/conseil-citoyen/",
        "revue": "/revue/",
        "agenda": "/agenda/",
        "territoire:page": "/territoire/",
    }
    sampled = {
        "api-racine": "/api/v1/",
        "api-liste": "/api/v1/chantiers/",
        "api-swagger": "/api/v1/schema/swagger-ui/",
        "api-redoc": "/api/v1/schema/redoc/",
        "ogc-landing": "/ogc/?f=html",
        "ogc-collections": "/ogc/collections?f=html",
        "admin": "/admin/",
        "admin-chantiers": "/admin/chantiers/chantier/",
        "admin-chantier": f"/admin/chantiers/chantier/{o['chantier'].pk}/change/",
        "admin-signalements": "/admin/signalements/signalement/",
        "admin-journal": "/admin/commun/modification/",
    }
    return urls, sampled


# What each role opens: the pilot every page; the others what their menu leads to.
PUBLIC = ["accueil", "carte", "chantiers:liste", "chantiers:detail", "chantiers:rejoindre",
          "chantiers:proposer-atelier", "login", "abonnement-desinscription", "marche-rejoindre",
          "marche-participer", "conseil-citoyen", "agenda", "territoire:page", "api-racine", "api-liste", "api-swagger",
          "api-redoc", "ogc-landing", "ogc-collections"]
AGENT = ["carte", "signaler", "signalements-triage", "signalement-detail-page",
         "marches-liste", "marche-detail-page", "engagements", "instances", "chantiers:liste"]
SERVICE = ["carte", "signaler", "signalements-triage", "signalement-detail-page", "engagements",
           "engagement-detail", "chantiers:detail"]
NOT_FOR_PILOT = {"marche-participer", "chantiers:proposer-atelier", "login"}  # a resident's session


def test_every_route_is_listed(db):
    urls, _ = page_urls(dict.fromkeys(
        ["chantier", "friche", "atelier", "signalement", "marche", "engagement", "instance"], _Any()))
    names = {name for _, name in routes()}
    assert names - set(urls) - set(NOT_PAGES) == set(), "route sans test CSP : ajoutez-la à page_urls ou NOT_PAGES"
    assert set(NOT_PAGES) <= names


class _Any:
    """Stands for any object in `test_every_route_is_listed` (only names matter there)."""

    pk = numero = 1
    slug = uuid = "x"


def visit(page, url, found, headers):
    response = page.goto(url)
    assert response is not None, url
    try:
        page.wait_for_load_state("networkidle", timeout=10000)
    except Exception:  # noqa: BLE001 - a page that keeps polling is still checked
        pass
    for line in page.evaluate("window.__csp || []"):
        found.append(f"{url}: {line}")
    # An inline handler (onclick=…) violates only when it fires: found by looking.
    for handler in page.evaluate("() => Array.from(document.querySelectorAll('*')).flatMap(e => "
                                 "Array.from(e.attributes).filter(a => /^on/i.test(a.name))"
                                 ".map(a => e.tagName.toLowerCase() + ' ' + a.name))"):
        found.append(f"{url}: gestionnaire en ligne {handler}")
    if "text/html" in response.headers.get("content-type", ""):
        headers[url] = (response.status, response.headers.get("content-security-policy", ""),
                        page.evaluate("Array.from(document.scripts).filter(s => !s.src && (!s.type || "
                                      "/javascript/.test(s.type))).map(s => s.nonce)"))


def open_pages(browser, live_server, names, all_urls, found, headers, user=None, before=None):
    context, page, watch = new_page(browser, live_server, DESKTOP, service_workers="block")
    context.add_init_script(VIOLATIONS)
    page.on("console", lambda msg: "Content Security Policy" in msg.text
            and found.append(f"{page.url}: console: {msg.text[:200]}"))
    if user:
        login(page, user, "demo")
    if before:
        before(page, all_urls)
    for name in names:
        visit(page, all_urls[name], found, headers)
        if name == "api-redoc":  # the documentation really drew (its bundle ran)
            page.wait_for_selector("redoc h1, [role=navigation]", timeout=15000)
    context.close()


def join_walk(page, urls):
    """A resident joins the upcoming walk with its code: the participant page's URL."""
    from marches import demo as marches_demo

    page.goto(f"/marches/rejoindre/?code={marches_demo.CODE_JOUR}")
    page.fill("#id_pseudo", "Camille")
    page.check("input[name=genre][value=femme]")
    page.select_option("#id_tranche_age", "26-40")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/marches/participer/\d+/"))
    urls["marche-participer"] = page.url
    page.goto(f"/chantiers/atelier/?code={urls['_atelier_code']}")


def test_every_page_of_every_role_runs_without_a_csp_violation(browser, live_server, users):
    call_command("charger_demo", stdout=io.StringIO())
    objects = demo_objects()
    urls, sampled = page_urls(objects)
    all_urls = {**urls, **sampled, "_atelier_code": objects["atelier"].code}
    found, headers = [], {}
    pilot = [n for n in [*urls, *sampled] if n not in NOT_FOR_PILOT]
    open_pages(browser, live_server, PUBLIC, all_urls, found, headers, before=join_walk)
    open_pages(browser, live_server, pilot, all_urls, found, headers, user="pilote.demo")
    open_pages(browser, live_server, AGENT, all_urls, found, headers, user="agent.demo")
    open_pages(browser, live_server, SERVICE, all_urls, found, headers, user="oph.demo")

    assert found == [], "\n".join(found)
    problems = {}
    for url, (_status, policy, nonces) in headers.items():
        script_src = re.search(r"script-src ([^;]*)", policy)
        nonce = re.search(r"'nonce-([^']+)'", policy)
        if not (script_src and nonce and "unsafe-inline" not in script_src.group(1)
                and "unsafe-eval" not in script_src.group(1)
                and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy):
            problems[url] = policy or "pas d'en-tête CSP"
        elif any(n != nonce.group(1) for n in nonces):
            problems[url] = f"script en ligne sans le nonce de la page : {nonces}"
    assert problems == {}
    assert len(headers) >= 40


def test_service_worker_keeps_working_under_the_policy(browser, live_server, users):
    """/sw.js registers under `worker-src 'self'`; /signaler/ opens offline from its cache
    (the cached answer keeps its own policy and nonce) without a violation."""
    context, page, _ = new_page(browser, live_server, DESKTOP)
    context.add_init_script(VIOLATIONS)
    login(page, "agent.demo", "demo")
    page.goto("/signaler/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__csp") == []
    context.set_offline(True)
    response = page.reload()
    assert response.from_service_worker
    assert "'nonce-" in response.headers["content-security-policy"]
    page.wait_for_selector("#envoyer")
    assert page.evaluate("window.__csp") == []
    context.close()


def test_admin_map_widget_starts_from_its_json_options(browser, live_server, users):
    """The admin's OpenLayers widget runs from js/carte-admin.js (Django's template has an
    inline script): the map is drawn around the chantier's geometry, with no violation."""
    from chantiers import demo as chantiers_demo
    from chantiers.models import Chantier

    chantiers_demo.load()
    chantier = Chantier.objects.order_by("pk").first()
    context, page, watch = new_page(browser, live_server, DESKTOP)
    context.add_init_script(VIOLATIONS)
    login(page, "pilote.demo", "demo")
    page.goto(f"/admin/chantiers/chantier/{chantier.pk}/change/")
    page.wait_for_selector(".dj_map .ol-viewport canvas", timeout=15000)
    assert page.evaluate("() => Object.keys(window).filter(k => k.startsWith('geodjango_')).length") >= 1
    assert page.evaluate("() => window.geodjango_geom.featureCollection.getLength()") == 1
    assert page.evaluate("window.__csp") == []
    assert [e for e in watch.errors if "Failed to load resource" not in e] == []
    context.close()
