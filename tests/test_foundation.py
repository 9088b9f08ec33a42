import os
import re
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest

from commun import roles
from territoire.models import Acteur, Engagement, Equipement, Secteur, Territoire

pytestmark = pytest.mark.django_db
EXTERNAL_ASSET = re.compile(r"""<(?:script|link)[^>]+(?:src|href)=["']?(?:https?:)?//""", re.I)


def test_demo_is_complete_and_idempotent(demo):
    call_command("charger_demo")
    call_command("charger_demo")
    assert Territoire.objects.count() == 1
    assert 4 <= Secteur.objects.count() <= 6
    assert Engagement.objects.count() == 42  # every action line of article 4
    assert Acteur.objects.filter(signataire=True).count() >= 14
    assert Equipement.objects.filter(nom__icontains="centre socioculturel").exists()
    marches = Engagement.objects.get(texte__startswith="Organiser une / des marches exploratoires")
    assert list(marches.acteurs.values_list("slug", flat=True)) == ["ddfe"]
    assert marches.axe == Engagement.Axe.PREVENTION
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert {"pilote.demo", "agent.demo", "oph.demo", "ville.demo"} <= usernames
    assert Territoire.objects.get().demonstration


def test_demo_sectors_lie_inside_the_perimeter(demo):
    from django.contrib.gis.db.models.functions import Area, Intersection

    for secteur in Secteur.objects.annotate(
        inside=Area(Intersection("geom", demo.geom)), area=Area("geom")
    ):
        assert secteur.inside.sq_m == pytest.approx(secteur.area.sq_m, rel=1e-6)


def test_demo_roles(demo):
    User = get_user_model()
    assert roles.is_pilote(User.objects.get(username="pilote.demo"))
    agent = User.objects.get(username="agent.demo")
    assert roles.is_agent(agent) and not roles.is_pilote(agent)
    oph = User.objects.get(username="oph.demo")
    assert roles.acteur_ids(oph) == {Acteur.objects.get(slug="oph").id}
    assert not roles.sees_sensitive(oph)
    ville = User.objects.get(username="ville.demo")
    assert Acteur.objects.get(slug="ville-proprete").id in roles.acteur_ids(ville)
    assert not roles.is_pilote(ville)


def test_admin_is_for_pilots_only(client, demo):
    assert client.get("/admin/").status_code == 302
    client.login(request=HttpRequest(), username="agent.demo", password="demo")
    assert client.get("/admin/territoire/territoire/").status_code == 302
    client.logout()
    client.login(request=HttpRequest(), username="pilote.demo", password="demo")
    page = client.get(f"/admin/territoire/territoire/{Territoire.objects.get().pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "vendor/ol/dist/ol.js" in html
    assert not EXTERNAL_ASSET.search(html)


def test_login_page_is_french_and_has_csrf(client):
    page = client.get("/comptes/connexion/")
    html = page.content.decode()
    assert '<html lang="fr">' in html
    assert "csrfmiddlewaretoken" in html
    assert '<label for="id_username">Identifiant</label>' in html


def test_login_then_logout(client, demo):
    response = client.post("/comptes/connexion/", {"username": "agent.demo", "password": "demo"})
    # The field agent lands on the report form (issue 12); the other roles on the map.
    assert response.status_code == 302 and response["Location"] == "/signaler/"
    client.post("/comptes/deconnexion/")
    response = client.post("/comptes/connexion/", {"username": "agent.demo", "password": "x"})
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()


def test_carte_page_has_no_external_asset_and_declares_layers(client, demo):
    html = client.get("/carte/").content.decode()
    assert not EXTERNAL_ASSET.search(html), EXTERNAL_ASSET.search(html)
    assert "/static/vendor/leaflet/dist/leaflet.js" in html
    assert "/api/v1/territoires/" in html and "/api/v1/secteurs/" in html
    assert "Périmètre de démonstration" in html
    assert "user-scalable=no" not in html


def test_unknown_page_is_a_french_404(client, settings):
    settings.DEBUG = False
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_check_deploy_is_clean_under_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "production-like-secret-key-0123456789-abcdefgh",
        "ALLOWED_HOSTS": "gusp.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": ""}
    result = subprocess.run([sys.executable, "manage.py", "check"], capture_output=True,
                            text=True, env=env)
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


def test_health_check_answers_any_host(client):
    response = client.get("/sante/", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_client_ip_trusts_only_the_configured_proxies(rf, settings):
    from commun.api import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.9", REMOTE_ADDR="10.0.0.1")
    settings.NUM_PROXIES = 0
    assert client_ip(request) == "10.0.0.1"  # a forged header is ignored
    settings.NUM_PROXIES = 1
    assert client_ip(request) == "10.0.0.9"  # what our one proxy saw


def test_tableau_de_bord_is_for_pilots_and_adds_up(client, users, django_assert_max_num_queries):
    from datetime import timedelta

    from django.contrib.gis.geos import Point
    from django.utils import timezone

    from signalements.models import Categorie, Signalement, Statut
    from signalements.services import create_signalement

    cat = Categorie.objects.get(slug="depots-sauvage")
    made = [create_signalement(auteur=users["agent.demo"], point=Point(5.17, 48.778, srid=4326), categorie=cat,
                               observe_le=timezone.now() - timedelta(hours=1)) for _ in range(4)]
    # One resolved in 2 days (within the 5-day target), one in 8 days (late), one open and late.
    now = timezone.now()
    Signalement.objects.filter(pk=made[0].pk).update(
        statut=Statut.RESOLU, cree_le=now - timedelta(days=10), echeance=now - timedelta(days=5),
        resolu_le=now - timedelta(days=8))
    Signalement.objects.filter(pk=made[1].pk).update(
        statut=Statut.RESOLU, cree_le=now - timedelta(days=10), echeance=now - timedelta(days=5),
        resolu_le=now - timedelta(days=2))
    Signalement.objects.filter(pk=made[2].pk).update(echeance=now - timedelta(days=1))

    assert client.get("/tableau-de-bord/").status_code == 302
    client.force_login(users["ville.demo"])
    assert client.get("/tableau-de-bord/").status_code == 403
    client.force_login(users["pilote.demo"])
    with django_assert_max_num_queries(25):
        response = client.get("/tableau-de-bord/")
    assert response.status_code == 200
    figures = response.context["signalements"]
    assert (figures["recus"], figures["resolus"], figures["ouverts"], figures["en_retard"]) == (4, 2, 2, 1)
    assert figures["mediane_jours"] == 5.0  # median of 2 and 8 days
    assert figures["dans_delai_pct"] == 50
    dechets = next(r for r in figures["par_acteur"] if r["acteur"] == "Agglo déchets")
    assert dechets["recus"] == 4
    assert response.context["engagements"]["axes"][1]["total"] == 10  # prévention: lines 12 to 21
    assert client.get("/tableau-de-bord/", {"mois": "abc"}).status_code == 200


def test_oversized_json_body_is_a_json_413(client, users, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.DEBUG = False
    client.force_login(users["agent.demo"])
    body = '{"type": "Feature", "properties": {"description": "' + "x" * 5000 + '"}}'
    response = client.post("/api/v1/signalements/", body, content_type="application/json")
    assert response.status_code == 413 and "trop volumineuse" in response.json()["detail"]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
