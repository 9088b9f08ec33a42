import threading
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.test import APIClient

from signalements.models import Evenement, Signalement, Statut

pytestmark = pytest.mark.django_db

CENTRE = (5.170, 48.778)  # sector "Place Sainte-Catherine"
BOURGOGNE = (5.170, 48.7753)  # sector "Bourgogne – Champagne" (OPH land)


def feature(lon=CENTRE[0], lat=CENTRE[1], categorie="depots-sauvage", description="Matelas contre le mur",
            uid=None, observe_le=None, **extra):
    props = {
        "uuid": str(uid or uuid.uuid4()),
        "categorie": categorie,
        "description": description,
        "precision_m": 8.5,
        "observe_le": observe_le or (timezone.now() - timedelta(minutes=3)).isoformat(),
        **extra,
    }
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


@pytest.fixture
def agent_api(users):
    client = APIClient()
    client.force_authenticate(users["agent.demo"])
    return client


def post(client, data):
    return client.post("/api/v1/signalements/", data, format="json")


def test_create_routes_and_returns_the_record_in_wgs84(agent_api):
    data = feature()
    response = post(agent_api, data)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id"] == data["properties"]["uuid"]
    lon, lat = body["geometry"]["coordinates"]
    assert lon == pytest.approx(CENTRE[0], abs=1e-7) and lat == pytest.approx(CENTRE[1], abs=1e-7)
    props = body["properties"]
    assert props["statut"] == "transmis"
    assert props["acteur"] == "agglo-dechets"  # default acteur of "Dépôts sauvages"
    assert props["secteur"] == "place-sainte-catherine"
    s = Signalement.objects.get(uuid=data["properties"]["uuid"])
    assert s.geom.srid == 2154
    assert s.geom.x == pytest.approx(859441.13, abs=0.05)  # Lambert-93, reprojected by PostGIS
    assert list(s.evenements.values_list("type", flat=True)) == ["creation", "transmission"]


def test_routing_email_goes_to_the_acteur(agent_api, jobs):
    mail.outbox.clear()
    post(agent_api, feature())
    assert mail.outbox == []  # the request only queues it
    assert jobs.waiting() == ["signalements.tasks.notify_acteur"]
    jobs.run()
    assert [m.to for m in mail.outbox] == [["dechets@agglo-bar-le-duc.example"]]
    assert "Dépôts sauvages" in mail.outbox[0].subject
    assert "/signalements/" in mail.outbox[0].body


def test_sector_rule_beats_category_default(agent_api):
    response = post(agent_api, feature(*BOURGOGNE, categorie="proprete-dechets"))
    assert response.json()["properties"]["acteur"] == "oph"
    response = post(agent_api, feature(*CENTRE, categorie="proprete-dechets"))
    assert response.json()["properties"]["acteur"] == "ville-proprete"


def test_replay_is_200_with_the_same_record(agent_api):
    data = feature()
    first = post(agent_api, data)
    again = post(agent_api, data)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Signalement.objects.filter(uuid=data["properties"]["uuid"]).count() == 1
    assert Evenement.objects.filter(signalement__uuid=data["properties"]["uuid"], type="creation").count() == 1


def test_conflicting_replay_is_409_and_keeps_the_first(agent_api):
    data = feature()
    post(agent_api, data)
    changed = feature(uid=data["properties"]["uuid"], description="Autre chose")
    response = post(agent_api, changed)
    assert response.status_code == 409
    assert "uuid" in response.json()["errors"]
    assert Signalement.objects.get(uuid=data["properties"]["uuid"]).description == "Matelas contre le mur"


def test_same_uuid_from_another_user_is_a_conflict_not_a_leak(agent_api, users):
    data = feature()
    post(agent_api, data)
    other = APIClient()
    other.force_authenticate(users["ville.demo"])
    response = post(other, data)
    assert response.status_code == 409
    assert "properties" not in response.json()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_posts_of_one_uuid_make_one_row(users):
    from signalements import demo as signalements_demo

    signalements_demo.configure_routing()
    data = feature()
    results = []
    barrier = threading.Barrier(6)

    def send():
        client = APIClient()
        client.force_authenticate(users["agent.demo"])
        barrier.wait()
        try:
            results.append(post(client, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results).count(201) == 1
    assert set(results) <= {200, 201}
    assert Signalement.objects.filter(uuid=data["properties"]["uuid"]).count() == 1


@pytest.mark.parametrize(
    "mutate, field, fragment",
    [
        (lambda f: f["geometry"].update(coordinates=[5.25, 48.778]), "geometry", "à 5.2 km du périmètre"),
        (lambda f: f["geometry"].update(coordinates=[5.171, 48.785]), "geometry", "m du périmètre"),
        (lambda f: f["geometry"].update(coordinates=[48.778, 5.170]), "geometry", "inversées"),
        (lambda f: f["geometry"].update(coordinates=[48.778, 95.0]), "geometry", "inversées"),
        (lambda f: f["geometry"].update(type="LineString"), "geometry", "point"),
        (lambda f: f["geometry"].update(coordinates=["a", "b"]), "geometry", "non numériques"),
        (lambda f: f["geometry"].update(coordinates=[]), "geometry", "manquantes"),
        (lambda f: f["properties"].update(categorie="licornes"), "properties.categorie", "Catégorie inconnue"),
        (lambda f: f["properties"].update(observe_le="hier soir"), "properties.observe_le", "Date illisible"),
        (lambda f: f["properties"].update(observe_le="2026-11-25T10:00:00"), "properties.observe_le", "fuseau"),
        (lambda f: f["properties"].update(observe_le=(timezone.now() + timedelta(days=2)).isoformat()),
         "properties.observe_le", "futur"),
        (lambda f: f["properties"].update(uuid="pas-un-uuid"), "properties.uuid", "UUID"),
        (lambda f: f["properties"].update(description="x" * 1001), "properties.description", "1000"),
        (lambda f: f["properties"].update(precision_m=-3), "properties.precision_m", "0"),
        (lambda f: f.update(type="FeatureCollection"), "type", "Feature"),
    ],
)
def test_bad_input_is_a_french_400(agent_api, mutate, field, fragment):
    data = feature()
    mutate(data)
    response = post(agent_api, data)
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body["errors"], body
    assert fragment in " ".join(body["errors"][field]), body
    assert Signalement.objects.count() == 0


def test_non_json_body_is_400_not_500(agent_api):
    response = agent_api.post("/api/v1/signalements/", "pas du json", content_type="application/json")
    assert response.status_code == 400
    response = agent_api.post("/api/v1/signalements/", [1, 2], format="json")
    assert response.status_code == 400


def test_anonymous_gets_401_json_never_a_redirect(api):
    response = post(api, feature())
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert api.get("/api/v1/signalements/").status_code == 401


def test_session_post_without_csrf_is_403_json(routed, client):
    client.login(request=HttpRequest(), username="agent.demo", password="demo")
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.login(request=HttpRequest(), username="agent.demo", password="demo")
    response = csrf_client.post("/api/v1/signalements/", feature(), content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_nearby_duplicates(agent_api):
    post(agent_api, feature(description="premier"))
    post(agent_api, feature(lon=CENTRE[0] + 0.0004, description="à 29 m"))
    post(agent_api, feature(lon=CENTRE[0] + 0.0010, description="à 73 m"))
    post(agent_api, feature(categorie="eclairage-eteint", description="autre catégorie"))
    old = post(agent_api, feature(description="ancien")).json()["id"]
    Signalement.objects.filter(uuid=old).update(cree_le=timezone.now() - timedelta(days=31))
    response = agent_api.get("/api/v1/signalements/proches/",
                             {"lon": CENTRE[0] + 0.0001, "lat": CENTRE[1], "categorie": "depots-sauvage"})
    features = response.json()["features"]
    assert [f["properties"]["description"] for f in features] == ["premier", "à 29 m"]
    assert features[0]["properties"]["distance_m"] == pytest.approx(7.3, abs=0.5)


def test_nearby_requires_coordinates_and_known_category(agent_api):
    response = agent_api.get("/api/v1/signalements/proches/", {"categorie": "nope"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"lon", "categorie"}


def test_confirmation_counts_once_per_person(agent_api, users):
    uid = post(agent_api, feature()).json()["id"]
    first = agent_api.post(f"/api/v1/signalements/{uid}/confirmations/", {}, format="json")
    again = agent_api.post(f"/api/v1/signalements/{uid}/confirmations/", {}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["confirmations"] == 1


def test_list_filters_and_bbox(agent_api):
    post(agent_api, feature(categorie="eclairage-eteint"))
    post(agent_api, feature(*BOURGOGNE, categorie="depots-sauvage"))
    data = agent_api.get("/api/v1/signalements/", {"categorie": "eclairage"}).json()
    assert [f["properties"]["categorie"] for f in data["features"]] == ["eclairage-eteint"]
    data = agent_api.get("/api/v1/signalements/", {"secteur": "bourgogne-champagne"}).json()
    assert len(data["features"]) == 1
    data = agent_api.get("/api/v1/signalements/", {"bbox": "5.169,48.7775,5.171,48.7785"}).json()
    assert [f["properties"]["categorie"] for f in data["features"]] == ["eclairage-eteint"]
    data = agent_api.get("/api/v1/signalements/", {"statut": "transmis", "acteur": "agglo-dechets"}).json()
    assert len(data["features"]) == 1
    assert agent_api.get("/api/v1/signalements/", {"depuis": "demain"}).status_code == 400
    assert agent_api.get("/api/v1/signalements/", {"statut": "perdu"}).status_code == 400
    today = timezone.localdate().isoformat()
    assert len(agent_api.get("/api/v1/signalements/", {"depuis": today}).json()["features"]) == 2


def test_public_indicator_counts_resolved_without_sensitive(agent_api, users, api):
    done = post(agent_api, feature()).json()["id"]
    secret = post(agent_api, feature(categorie="tranquillite-bruit")).json()["id"]
    now = timezone.now()
    Signalement.objects.filter(uuid__in=[done, secret]).update(statut=Statut.RESOLU, resolu_le=now)
    body = api.get("/api/v1/indicateurs/secteurs-resolus/").json()
    counts = {f["properties"]["slug"]: f["properties"]["resolus_12_mois"] for f in body["features"]}
    assert counts["place-sainte-catherine"] == 1
    assert sum(counts.values()) == 1
    assert set(body["features"][0]["properties"]) == {"nom", "slug", "resolus_12_mois"}


def test_categories_endpoint(api, routed):
    cats = api.get("/api/v1/categories/").json()
    slugs = {c["slug"] for c in cats}
    assert {"proprete", "tranquillite", "parties-communes-ascenseur", "autre"} <= slugs
    tranquillite = next(c for c in cats if c["slug"] == "tranquillite")
    assert tranquillite["sensible"] is True and tranquillite["acteur_defaut"] == "ddsp"


def test_period_bounds_are_whole_local_days(agent_api):
    post(agent_api, feature())
    today = timezone.localdate().isoformat()
    assert len(agent_api.get("/api/v1/signalements/", {"jusqua": today}).json()["features"]) == 1
    assert len(agent_api.get("/api/v1/signalements/", {"depuis": today, "jusqua": today}).json()["features"]) == 1
    assert agent_api.get("/api/v1/signalements/", {"depuis": "2026-13-45"}).status_code == 400


def test_fast_list_writes_exactly_what_the_serializer_writes(agent_api, users):
    from commun.geometry import with_api_geom
    from signalements.serializers import SignalementListSerializer

    post(agent_api, feature(categorie="parties-communes-hall"))
    post(agent_api, feature(*BOURGOGNE, categorie="autre"))
    listed = agent_api.get("/api/v1/signalements/").json()["features"]
    qs = with_api_geom(Signalement.objects.order_by("-cree_le"))
    expected = SignalementListSerializer(qs, many=True).data["features"]
    assert [dict(f) for f in expected] == listed


def test_status_filter_takes_several_values(agent_api):
    first = post(agent_api, feature()).json()["id"]
    post(agent_api, feature(categorie="autre"))
    Signalement.objects.filter(uuid=first).update(statut=Statut.EN_COURS)
    assert len(agent_api.get("/api/v1/signalements/", {"statut": "transmis,en_cours"}).json()["features"]) == 2
    assert len(agent_api.get("/api/v1/signalements/", {"statut": "en_cours"}).json()["features"]) == 1
