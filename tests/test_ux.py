"""Issue 12 (ux), without a browser: landing by role, « Mes signalements », the triage
list's bulk status change, the page of a report handed to another service, the walk's
sending window and the legend generated from the layers' styles."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.test import override_settings
from django.utils import timezone

from signalements import services
from signalements.models import Categorie, Evenement, Signalement
from territoire.models import Acteur

pytestmark = pytest.mark.django_db
HERE = Point(5.1702, 48.7781, srid=4326)


def report(auteur, slug="eclairage-eteint", **extra):
    return services.create_signalement(auteur=auteur, point=HERE, categorie=Categorie.objects.get(slug=slug),
                                       observe_le=timezone.now() - timedelta(minutes=5), **extra)


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(("username", "landing"), [
    ("agent.demo", "/signaler/"), ("pilote.demo", "/carte/"), ("ville.demo", "/carte/")])
def test_each_role_lands_where_it_works(client, users, username, landing):
    response = client.post("/comptes/connexion/", {"username": username, "password": "demo"})
    assert response.status_code == 302 and response["Location"] == landing
    # An explicit `next` still wins.
    client.logout()
    response = client.post("/comptes/connexion/?next=/chantiers/", {"username": username, "password": "demo",
                                                                     "next": "/chantiers/"})
    assert response["Location"] == "/chantiers/"


def test_my_reports_with_status_and_last_change(client, users):
    agent = users["agent.demo"]
    first = report(agent)
    second = report(agent, slug="depots-sauvage")
    services.change_status(first, "en_cours", users["pilote.demo"])
    report(users["ville.demo"])  # someone else's: not listed
    body = signed_in(client, agent).get("/api/v1/signalements/miens/").json()
    rows = {row["uuid"]: row for row in body["signalements"]}
    assert set(rows) == {str(first.uuid), str(second.uuid)}
    assert rows[str(first.uuid)]["statut_libelle"] == "En cours"
    assert rows[str(first.uuid)]["derniere_etape"] == "Statut : En cours"
    assert rows[str(second.uuid)]["derniere_etape"].startswith("Confié à ")
    assert body["synchronise_le"]
    client.logout()
    assert client.get("/api/v1/signalements/miens/").status_code in (401, 403)


def test_my_reports_in_a_constant_number_of_queries(client, users, django_assert_max_num_queries):
    agent = users["agent.demo"]
    for _ in range(8):
        services.change_status(report(agent), "en_cours", users["pilote.demo"])
    signed_in(client, agent)
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/signalements/miens/").json()["signalements"]) == 8


def test_bulk_status_change_checks_each_report(client, users):
    ville, oph = users["ville.demo"], users["oph.demo"]
    mine = [report(users["agent.demo"]) for _ in range(2)]
    autre = report(users["agent.demo"])
    services.transmit(autre, Acteur.objects.get(slug="oph"))
    assert all(s.acteur.slug == "ville-eclairage" for s in mine)
    signed_in(client, ville)
    # ville.demo sees the OPH report only if one of its members made it: here ville.demo made it.
    autre_ville = report(ville)
    services.transmit(autre_ville, Acteur.objects.get(slug="oph"))
    uuids = [str(s.uuid) for s in [*mine, autre_ville]]
    response = client.post("/signalements/statut-groupe/", {"statut": "en_cours", "uuid": uuids,
                                                             "retour": "/signalements/?statut=transmis"})
    assert response.status_code == 302 and response["Location"] == "/signalements/?statut=transmis"
    assert {s.statut for s in Signalement.objects.filter(pk__in=[s.pk for s in mine])} == {"en_cours"}
    assert Signalement.objects.get(pk=autre_ville.pk).statut == "transmis"  # not ville's to act on
    assert Evenement.objects.filter(signalement__in=mine, type="statut").count() == 2
    texts = [str(m) for m in client.get("/signalements/").context["messages"]]
    assert "2 signalements passés au statut « En cours »." in texts
    assert any("non modifié" in t for t in texts)
    # Bad input: a French message, nothing written.
    before = Evenement.objects.count()
    for data in ({"statut": "en_cours", "uuid": ["pas-un-uuid"]}, {"statut": "perdu", "uuid": uuids},
                 {"statut": "en_cours"}):
        client.post("/signalements/statut-groupe/", data)
    assert Evenement.objects.count() == before
    texts = [str(m) for m in client.get("/signalements/").context["messages"]]
    assert any("Identifiant de signalement invalide" in t for t in texts)
    assert any("Cochez au moins un signalement" in t for t in texts)
    # An agent acts on nothing.
    client.force_login(users["agent.demo"])
    assert client.post("/signalements/statut-groupe/", {"statut": "resolu", "uuid": uuids}).status_code == 403
    client.force_login(oph)
    assert "groupe_form" in client.get("/signalements/").context


def test_a_report_handed_to_another_service_says_so(client, users):
    s = report(users["agent.demo"])
    assert s.acteur.slug == "ville-eclairage"
    services.reassign(s, Acteur.objects.get(slug="oph"), users["ville.demo"], "Parking du bailleur")
    signed_in(client, users["ville.demo"])
    response = client.get(f"/signalements/{s.uuid}/")
    assert response.status_code == 403
    text = response.content.decode()
    assert f"Confié à {Acteur.objects.get(slug='oph')} le {timezone.localtime().strftime('%d/%m/%Y')}" in text
    # Someone who never had it: the usual 404, nothing said.
    client.force_login(users["conseil.demo"])
    assert client.get(f"/signalements/{s.uuid}/").status_code == 404
    assert client.get("/signalements/pas-un-uuid/").status_code == 404


def test_a_sensitive_report_handed_away_reveals_nothing(client, users):
    ddsp = Acteur.objects.get(slug="ddsp")
    s = report(users["agent.demo"], slug="tranquillite-bruit")
    assert s.sensible
    # Routed to police, it had passed through ville (a mistake) before.
    Evenement.objects.create(signalement=s, type="reassignation", ancien_acteur=Acteur.objects.get(slug="ville"),
                             nouvel_acteur=ddsp)
    signed_in(client, users["ville.demo"])
    response = client.get(f"/signalements/{s.uuid}/")
    assert response.status_code == 404
    assert "Confié" not in response.content.decode() and "tranquillit" not in response.content.decode().lower()


def test_walk_window_opens_an_hour_before_the_start(demo):
    from tests.factories import MarcheFactory

    now = timezone.now()
    walk = MarcheFactory(territoire=demo, debut=now + timedelta(minutes=90), fin=now + timedelta(hours=4))
    assert not walk.envoi_ouvert()
    assert "La marche n'a pas commencé" in walk.envoi_refuse()
    assert walk.envoi_ouvert(now + timedelta(minutes=31))
    assert walk.envoi_ouvert(now + timedelta(hours=4 + 47))
    assert not walk.envoi_ouvert(now + timedelta(hours=4 + 49))
    assert "close depuis plus de 48 heures" in walk.envoi_refuse(now + timedelta(hours=4 + 49))
    with override_settings(MARCHE_ANNOTATIONS_AVANT_MINUTES=120):
        assert walk.envoi_ouvert()


def test_demo_upcoming_walk_refuses_annotations(client, users):
    from marches import demo as marches_demo
    from marches.models import MarcheExploratoire

    marches_demo.load()
    upcoming = MarcheExploratoire.objects.filter(debut__gt=timezone.now()).get()
    assert upcoming.debut - timezone.now() > timedelta(days=10)
    assert not upcoming.envoi_ouvert() and "pas commencé" in upcoming.envoi_refuse()


def test_legend_has_every_layer_drawn_from_its_style(rf, users):
    from commun.carte import STYLES, legend, registered_layers

    request = rf.get("/carte/")
    request.user = users["pilote.demo"]
    layers = registered_layers(request)
    sections = legend(layers)
    titles = [title for title, _ in sections]
    for expected in ("Équipements", "Secteurs", "Marches exploratoires", "Friches", "Propositions des habitants",
                     "Densité des signalements"):
        assert expected in titles, titles
    html = "".join(str(symbol) for _, rows in sections for symbol, _ in rows)
    assert STYLES["equipement"]["fillColor"] in html and STYLES["marche"]["color"] in html
    labels = [label for _, rows in sections for _, label in rows]
    assert any(label.startswith("Groupe de points") for label in labels)
    for layer in layers:
        assert layer.config["style_def"] == STYLES.get(layer.config["style"], {})
