"""Marches exploratoires against PostGIS: codes, the participant's scope, annotations of
every geometry type (exact reprojection), idempotency, promotion, answers, figures."""

import html
import io
import json
import threading
import uuid
from datetime import timedelta

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone
from PIL import Image

from commun import roles
from marches import participation, services
from marches.models import (
    CODE_ALPHABET,
    Annotation,
    MarcheExploratoire,
    Participant,
    Preconisation,
    Reponse,
    Score,
    new_code,
)
from signalements.models import Signalement, Source
from tests.factories import ActeurFactory, EtapeFactory, MarcheFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

# (5.170, 48.778) in Lambert-93, as PostGIS computes it: a wrong transform cannot pass.
LON, LAT = 5.170, 48.778
L93 = (859441.1277692588, 6855291.638541016)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def marche(db):
    walk = MarcheFactory(code="CSC3MR")
    EtapeFactory(marche=walk, ordre=1, nom="Place", geom=GEOSGeometry(f"SRID=4326;POINT({LON} {LAT})"))
    EtapeFactory(marche=walk, ordre=2, nom="Passage", geom=GEOSGeometry("SRID=4326;POINT(5.1720 48.7790)"))
    return walk


@pytest.fixture
def autre_marche(marche):
    walk = MarcheFactory(territoire=marche.territoire, code="VSG4MR", titre="Une autre marche")
    EtapeFactory(marche=walk, ordre=1, nom="Ailleurs")
    return walk


def join(code="CSC3MR", client=None, **extra):
    client = client or Client()
    response = client.post("/marches/rejoindre/", {"code": code, **extra})
    return client, response


@pytest.fixture
def phone(marche):
    client, response = join(genre="femme", tranche_age="26-40", pseudo="Amina")
    assert response.status_code == 302
    return client


def feature(geometry, **props):
    return {"type": "Feature", "geometry": geometry,
            "properties": {"uuid": str(uuid.uuid4()), "texte": "Passage sombre", **props}}


def flatten(coords):
    if isinstance(coords[0], int | float):
        return list(coords)
    return [v for c in coords for v in flatten(c)]


def post_annotation(client, marche, payload):
    return client.post(f"/api/v1/marches/{marche.pk}/annotations/", payload, content_type="application/json")


def post_score(client, marche, etape, valeur=2, critere="eclairage", uid=None, **extra):
    return client.post(f"/api/v1/marches/{marche.pk}/scores/", {
        "uuid": uid or str(uuid.uuid4()), "etape": etape.pk, "critere": critere, "valeur": valeur, **extra,
    }, content_type="application/json")


def jpeg(size=(3000, 2000), color=(20, 20, 60), exif=True):
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "Telephone"  # Make
        kwargs["exif"] = data.tobytes()
    image.save(out, format="JPEG", **kwargs)
    return out.getvalue()


# --- Codes ---------------------------------------------------------------------------------

def test_codes_use_no_ambiguous_character():
    assert not set("0O1IL") & set(CODE_ALPHABET)
    codes = {new_code() for _ in range(300)}
    assert all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert len(codes) == 300


def test_a_valid_code_opens_a_session_scoped_to_the_walk(marche):
    client, response = join(code=" csc-3mr ", genre="femme", tranche_age="41-60")
    assert response.status_code == 302 and response["Location"] == f"/marches/participer/{marche.pk}/"
    participant = Participant.objects.get()
    assert (participant.marche, participant.genre, participant.tranche_age) == (marche, "femme", "41-60")
    assert client.session[participation.SESSION_KEY] == {"participant": participant.pk, "marche": marche.pk}
    page = client.get(response["Location"])
    assert page.status_code == 200 and marche.titre in page.content.decode()
    # Joining again from the same phone reuses the participant.
    join(code="CSC3MR", client=client)
    assert Participant.objects.count() == 1


def test_the_qr_link_prefills_the_code(marche):
    page = Client().get("/marches/rejoindre/?code=CSC3MR")
    assert page.status_code == 200 and 'value="CSC3MR"' in page.content.decode()


def test_a_wrong_code_is_refused_in_french(marche):
    _, response = join(code="ZZZ999")
    assert response.status_code == 400
    assert "Code « ZZZ999 » inconnu" in response.content.decode()
    assert Participant.objects.count() == 0


def test_an_empty_form_is_a_400_not_a_500(marche):
    response = Client().post("/marches/rejoindre/", {})
    assert response.status_code == 400
    assert "obligatoire" in response.content.decode()


def test_a_code_expires_after_the_walk(marche):
    marche.debut = timezone.now() - timedelta(hours=5)
    marche.fin = timezone.now() - timedelta(hours=3)
    marche.save()
    _, response = join()
    assert response.status_code == 410
    assert "a expiré" in response.content.decode()
    assert Participant.objects.count() == 0


def test_guessing_is_limited_per_session(marche):
    client = Client()
    for _ in range(participation.MAX_FAILURES_PER_SESSION):
        assert join(code="ABCDEF", client=client)[1].status_code == 400
    _, response = join(code="CSC3MR", client=client)  # even the right code, for a while
    assert response.status_code == 429
    assert "Trop d'essais de code" in html.unescape(response.content.decode())
    assert int(response["Retry-After"]) > 0
    assert Participant.objects.count() == 0
    # Another phone (another session, another address) is not blocked.
    assert join(client=Client(REMOTE_ADDR="10.0.0.9"))[1].status_code == 302


def test_guessing_is_limited_per_address(marche):
    for _ in range(participation.MAX_FAILURES_PER_IP):
        assert join(code="ABCDEF", client=Client(REMOTE_ADDR="10.1.1.1"))[1].status_code == 400
    _, response = join(client=Client(REMOTE_ADDR="10.1.1.1"))
    assert response.status_code == 429
    assert join(client=Client(REMOTE_ADDR="10.1.1.2"))[1].status_code == 302


# --- The participant's scope -------------------------------------------------------------------

def test_a_participant_sees_no_report_no_other_walk_no_admin(phone, marche, autre_marche):
    assert phone.get("/api/v1/signalements/").status_code in (401, 403)
    assert phone.get("/api/v1/categories/").status_code == 200  # public list, harmless
    listed = phone.get("/api/v1/marches/").json()
    assert [f["id"] for f in listed["features"]] == [marche.pk]
    assert "code" not in listed["features"][0]["properties"]
    assert phone.get(f"/api/v1/marches/{autre_marche.pk}/").status_code == 404
    for path in ("etapes", "annotations", "scores", "preconisations"):
        response = phone.get(f"/api/v1/marches/{autre_marche.pk}/{path}/")
        assert response.status_code == 403, path
        assert "limité à la marche" in response.json()["detail"]
    refused = post_annotation(phone, autre_marche, feature({"type": "Point", "coordinates": [LON, LAT]}))
    assert refused.status_code == 403
    assert phone.get(f"/api/v1/marches/{marche.pk}/preconisations/").status_code == 403
    assert phone.get(f"/api/v1/marches/{marche.pk}/direct/").status_code == 403
    assert phone.get(f"/api/v1/marches/{marche.pk}/participation/").status_code == 403
    assert phone.get("/admin/").status_code == 302
    assert phone.get(f"/marches/{marche.pk}/").status_code == 302  # professionals' page: to login
    assert phone.get(f"/marches/{autre_marche.pk}/restitution/").status_code == 302
    assert phone.get(f"/marches/participer/{autre_marche.pk}/")["Location"] == f"/marches/participer/{marche.pk}/"
    assert phone.get("/marches/")["Location"] == f"/marches/participer/{marche.pk}/"


def test_a_participant_reads_back_only_its_own_annotations(phone, marche):
    other, _ = join(client=Client(REMOTE_ADDR="10.0.0.2"))
    mine = feature({"type": "Point", "coordinates": [LON, LAT]}, texte="le mien")
    theirs = feature({"type": "Point", "coordinates": [LON, LAT]}, texte="le sien")
    assert post_annotation(phone, marche, mine).status_code == 201
    assert post_annotation(other, marche, theirs).status_code == 201
    listed = phone.get(f"/api/v1/marches/{marche.pk}/annotations/").json()["features"]
    texts = [f["properties"]["texte"] for f in listed]
    assert texts == ["le mien"]
    assert phone.get(f"/api/v1/marches/{marche.pk}/annotations/{theirs['properties']['uuid']}/").status_code == 404


def test_csrf_applies_to_the_participant_session(marche):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/marches/rejoindre/")
    token = page.cookies["csrftoken"].value
    client.post("/marches/rejoindre/", {"code": "CSC3MR", "csrfmiddlewaretoken": token})
    payload = feature({"type": "Point", "coordinates": [LON, LAT]})
    url = f"/api/v1/marches/{marche.pk}/annotations/"
    assert client.post(url, payload, content_type="application/json").status_code == 403
    token = client.cookies["csrftoken"].value
    assert client.post(url, payload, content_type="application/json", HTTP_X_CSRFTOKEN=token).status_code == 201


def test_strangers_get_nothing(marche):
    anonymous = Client()
    assert anonymous.get("/api/v1/marches/").status_code in (401, 403)
    assert anonymous.get(f"/api/v1/marches/{marche.pk}/etapes/").status_code in (401, 403)
    assert post_annotation(anonymous, marche, feature({"type": "Point", "coordinates": [LON, LAT]})).status_code in (
        401, 403)


# --- Annotations -----------------------------------------------------------------------------

GEOMETRIES = {
    "Point": {"type": "Point", "coordinates": [LON, LAT]},
    "LineString": {"type": "LineString", "coordinates": [[LON, LAT], [5.1712, 48.7786], [5.1720, 48.7790]]},
    "Polygon": {"type": "Polygon", "coordinates": [[[LON, LAT], [5.1710, LAT], [5.1710, 48.7786], [LON, 48.7786],
                                                    [LON, LAT]]]},
}


@pytest.mark.parametrize("kind", list(GEOMETRIES))
def test_annotations_of_each_type_are_stored_in_lambert93_and_read_in_wgs84(phone, marche, kind):
    payload = feature(GEOMETRIES[kind], critere="eclairage")
    response = post_annotation(phone, marche, payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id"] == payload["properties"]["uuid"]
    stored = Annotation.objects.get()
    assert stored.geom.srid == 2154 and stored.geom.geom_type == kind
    first = stored.geom.coords if kind == "Point" else (
        stored.geom.coords[0] if kind == "LineString" else stored.geom.coords[0][0])
    assert first == pytest.approx(L93, abs=0.01)
    with connection.cursor() as cursor:  # every vertex, as PostGIS itself transforms the input
        cursor.execute("SELECT ST_Equals(ST_SnapToGrid(geom, 0.001), ST_SnapToGrid(ST_Transform("
                       "ST_SetSRID(ST_GeomFromGeoJSON(%s), 4326), 2154), 0.001)) FROM marches_annotation",
                       [json.dumps(GEOMETRIES[kind])])
        assert cursor.fetchone()[0] is True
    assert body["geometry"]["type"] == kind
    assert flatten(body["geometry"]["coordinates"]) == pytest.approx(
        flatten(GEOMETRIES[kind]["coordinates"]), abs=1e-7)
    assert body["properties"]["critere_nom"] == "Éclairage"
    assert body["properties"]["etape"] == marche.etapes.get(ordre=1).pk  # nearest stop, found by PostGIS


def test_an_annotation_replay_is_idempotent_and_a_conflict_is_409(phone, marche):
    payload = feature(GEOMETRIES["Point"], observe_le=(timezone.now() - timedelta(minutes=5)).isoformat())
    first = post_annotation(phone, marche, payload)
    again = post_annotation(phone, marche, payload)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    changed = {**payload, "properties": {**payload["properties"], "texte": "autre chose"}}
    conflict = post_annotation(phone, marche, changed)
    assert conflict.status_code == 409 and "UUID" in conflict.json()["detail"]
    other, _ = join(client=Client(REMOTE_ADDR="10.0.0.3"))
    assert post_annotation(other, marche, payload).status_code == 409  # someone else's UUID
    assert Annotation.objects.filter(uuid=payload["properties"]["uuid"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_posts_of_one_uuid_make_one_row(marche):
    client, _ = join()
    payload = feature(GEOMETRIES["Polygon"])
    statuses, barrier = [], threading.Barrier(4)

    def send():
        barrier.wait()
        statuses.append(post_annotation(client, marche, payload).status_code)
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    assert Annotation.objects.filter(uuid=payload["properties"]["uuid"]).count() == 1


@pytest.mark.parametrize("geometry, message", [
    ({"type": "MultiPoint", "coordinates": [[LON, LAT]]}, "non accepté"),
    ({"type": "GeometryCollection", "geometries": []}, "non accepté"),
    ({"type": "Point", "coordinates": [LAT, LON]}, "inversées"),
    ({"type": "Point", "coordinates": [5.10, 48.778]}, "Hors du quartier : à 4."),
    ({"type": "Point", "coordinates": ["a", "b"]}, "non numériques"),
    ({"type": "LineString", "coordinates": [[LON, LAT], [LON, LAT]]}, "deux points distincts"),
    ({"type": "Polygon", "coordinates": [[[LON, LAT], [5.1710, 48.7786], [5.1710, LAT], [LON, 48.7786],
                                          [LON, LAT]]]}, "se croise"),
    ({"type": "Polygon", "coordinates": [[[LON, LAT], [5.171, LAT]]]}, "trois points"),
    (None, "Géométrie manquante"),
])
def test_bad_geometries_are_refused_in_french(phone, marche, geometry, message):
    response = post_annotation(phone, marche, feature(geometry))
    assert response.status_code == 400
    assert message in response.json()["detail"], response.json()
    assert Annotation.objects.count() == 0


def test_a_polygon_with_a_tiny_twist_is_repaired(phone, marche):
    # A finger slip: a 1 cm loop at one corner of a 70 m square; the meaning is kept.
    ring = [[LON, LAT], [5.1710, LAT], [5.1710, 48.7786], [LON, 48.7786], [LON - 0.0000001, LAT + 0.0000001],
            [LON + 0.0000001, LAT - 0.0000001], [LON, LAT]]
    response = post_annotation(phone, marche, feature({"type": "Polygon", "coordinates": [ring]}))
    assert response.status_code == 201, response.json()
    assert response.json()["properties"]["geometrie_reparee"] is True
    assert Annotation.objects.get().geom.valid


@pytest.mark.parametrize("props, field, message", [
    ({"critere": "lumiere"}, "properties.critere", "Critère inconnu"),
    ({"uuid": "pas-un-uuid"}, "properties.uuid", "n'est pas un UUID valide"),
    ({"observe_le": "hier soir"}, "properties.observe_le", "Date illisible"),
    ({"etape": 999999}, "properties.etape", "n'appartient pas à cette marche"),
])
def test_bad_properties_are_refused_in_french(phone, marche, props, field, message):
    response = post_annotation(phone, marche, feature(GEOMETRIES["Point"], **props))
    assert response.status_code == 400
    assert message in response.json()["errors"][field][0]


def test_a_stop_of_another_walk_is_refused(phone, marche, autre_marche):
    etape = autre_marche.etapes.get()
    response = post_annotation(phone, marche, feature(GEOMETRIES["Point"], etape=etape.pk))
    assert response.status_code == 400
    assert post_score(phone, marche, etape).status_code == 400


def test_not_a_feature_is_a_400(phone, marche):
    assert post_annotation(phone, marche, [1, 2]).status_code == 400
    response = phone.post(f"/api/v1/marches/{marche.pk}/annotations/", "{pas du json", content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")


def test_sending_closes_48_hours_after_the_walk(phone, marche):
    marche.debut, marche.fin = timezone.now() - timedelta(hours=60), timezone.now() - timedelta(hours=50)
    marche.save()
    response = post_annotation(phone, marche, feature(GEOMETRIES["Point"]))
    assert response.status_code == 403 and "48 heures" in response.json()["detail"]


def test_an_annotation_photo_is_stripped_resized_and_idempotent(phone, marche):
    photo_uuid = str(uuid.uuid4())
    payload = feature(GEOMETRIES["Point"], photo=photo_uuid)
    post_annotation(phone, marche, payload)
    url = f"/api/v1/marches/{marche.pk}/annotations/{payload['properties']['uuid']}/photos/{photo_uuid}/"
    raw = jpeg()
    first = phone.put(url, data=_multipart(raw), content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert first.status_code == 201 and first.json()["uuid"] == photo_uuid
    annotation = Annotation.objects.get()
    with Image.open(annotation.photo.open("rb")) as image:
        assert max(image.size) <= 2048
        assert not image.getexif()
    again = phone.put(url, data=_multipart(raw), content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert again.status_code == 200
    other = phone.put(url, data=_multipart(jpeg(color=(200, 0, 0))),
                      content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert other.status_code == 409
    wrong = url.replace(photo_uuid, str(uuid.uuid4()))
    assert phone.put(wrong, data=_multipart(raw), content_type=f"multipart/form-data; boundary={BOUNDARY}"
                     ).status_code == 409
    # The photo is served through permissions: its author yes, another participant no.
    assert phone.get(f"/marches/{marche.pk}/photos/{annotation.uuid}.jpg").status_code == 200
    other_phone, _ = join(client=Client(REMOTE_ADDR="10.0.0.4"))
    assert other_phone.get(f"/marches/{marche.pk}/photos/{annotation.uuid}.jpg").status_code == 404


def test_not_an_image_is_refused_in_french(phone, marche):
    photo_uuid = str(uuid.uuid4())
    payload = feature(GEOMETRIES["Point"], photo=photo_uuid)
    post_annotation(phone, marche, payload)
    url = f"/api/v1/marches/{marche.pk}/annotations/{payload['properties']['uuid']}/photos/{photo_uuid}/"
    response = phone.put(url, data=_multipart(b"%PDF-1.4 pas une image"),
                         content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert response.status_code == 400
    assert "n'est pas une image" in response.json()["detail"]
    assert not Annotation.objects.get().photo


BOUNDARY = "----marche-test"


def _multipart(raw):
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.jpg\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode() + raw + f"\r\n--{BOUNDARY}--\r\n".encode()


# --- Scores ----------------------------------------------------------------------------------

def test_scores_are_idempotent_and_a_new_score_replaces_the_previous(phone, marche):
    etape = marche.etapes.get(ordre=1)
    uid = str(uuid.uuid4())
    assert post_score(phone, marche, etape, 1, uid=uid).status_code == 201
    assert post_score(phone, marche, etape, 1, uid=uid).status_code == 200
    assert post_score(phone, marche, etape, 3, uid=uid).status_code == 409
    assert post_score(phone, marche, etape, 2, commentaire="mieux qu'avant").status_code == 201
    assert Score.objects.count() == 2
    active = Score.objects.get(actif=True)
    assert (active.valeur, active.commentaire) == (2, "mieux qu'avant")
    grid = services.grid(marche)[etape.pk]
    eclairage = next(line for line in grid if line["slug"] == "eclairage")
    assert eclairage["n"] == 1 and eclairage["repartition"] == [0, 0, 1, 0] and eclairage["moyenne"] == 2


@pytest.mark.parametrize("valeur, message", [(4, "de 0 à 3"), (-1, "de 0 à 3"), ("beaucoup", "nombre entier")])
def test_a_score_outside_0_3_is_refused(phone, marche, valeur, message):
    response = post_score(phone, marche, marche.etapes.first(), valeur)
    assert response.status_code == 400
    assert message in response.json()["errors"]["valeur"][0]


def test_an_unknown_criterion_is_refused(phone, marche):
    response = post_score(phone, marche, marche.etapes.first(), 2, critere="ambiance")
    assert response.status_code == 400
    assert "Critère inconnu" in response.json()["errors"]["critere"][0]


def test_the_grid_is_editable_per_walk(phone, marche):
    marche.criteres = [{"slug": "eclairage", "nom": "Éclairage"}, {"slug": "bancs", "nom": "Bancs pour se reposer"}]
    marche.save()
    assert post_score(phone, marche, marche.etapes.first(), 1, critere="bancs").status_code == 201
    assert post_score(phone, marche, marche.etapes.first(), 1, critere="transports").status_code == 400


# --- After the walk: préconisations, reports, answers ---------------------------------------------

@pytest.fixture
def walk_in_demo(routed):
    territoire = routed
    walk = MarcheFactory(territoire=territoire, code="DMQ2RT")
    EtapeFactory(marche=walk, ordre=1, nom="Rue des Vosges", geom=GEOSGeometry("SRID=4326;POINT(5.1705 48.7803)"))
    participant = ParticipantFactory(marche=walk)
    annotation, _ = services.record_annotation(
        participant, uuid=uuid.uuid4(), geom=GEOSGeometry("SRID=4326;POLYGON((5.1700 48.7800, 5.1710 48.7800, "
                                                          "5.1710 48.7806, 5.1700 48.7806, 5.1700 48.7800))"),
        repaired=False, geojson={"type": "Polygon", "coordinates": []}, texte="Lampadaires éteints")
    services.attach_photo(annotation, uuid.uuid4(), jpeg(size=(800, 600)))
    return walk, annotation


def _pilot_client(users):
    client = Client()
    client.force_login(users["pilote.demo"])
    return client


def test_an_annotation_becomes_a_preconisation_in_one_action(users, walk_in_demo):
    walk, annotation = walk_in_demo
    client = _pilot_client(users)
    url = f"/api/v1/marches/{walk.pk}/annotations/{annotation.uuid}/preconisation/"
    body = {"acteur": "ville-eclairage", "proposition": "Remplacer les lampadaires", "priorite": "haute",
            "echeance": "2027-03-31"}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.json()
    preco = Preconisation.objects.get()
    assert (preco.acteur.slug, preco.priorite, str(preco.echeance)) == ("ville-eclairage", "haute", "2027-03-31")
    assert preco.annotation == annotation and preco.geom.equals(Annotation.objects.get(pk=annotation.pk).geom)
    assert preco.probleme == "Lampadaires éteints"
    assert client.post(url, body, content_type="application/json").status_code == 409
    bad = client.post(f"/api/v1/marches/{walk.pk}/annotations/{uuid.uuid4()}/preconisation/", body,
                      content_type="application/json")
    assert bad.status_code == 404
    unknown = {**body, "acteur": "nasa"}
    other = services.record_annotation(annotation.participant, uuid=uuid.uuid4(), geom=annotation.geom,
                                       repaired=False, geojson={"type": "Point", "coordinates": []})[0]
    refused = client.post(f"/api/v1/marches/{walk.pk}/annotations/{other.uuid}/preconisation/", unknown,
                          content_type="application/json")
    assert refused.status_code == 400 and "Acteur inconnu" in refused.json()["detail"]
    agent = Client()
    agent.force_login(users["agent.demo"])
    assert agent.post(url, body, content_type="application/json").status_code == 403


def test_an_annotation_becomes_a_routed_report_from_the_walk(users, walk_in_demo):
    walk, annotation = walk_in_demo
    client = _pilot_client(users)
    url = f"/api/v1/marches/{walk.pk}/annotations/{annotation.uuid}/signalement/"
    response = client.post(url, {"categorie": "eclairage-eteint"}, content_type="application/json")
    assert response.status_code == 201, response.json()
    report = Signalement.objects.get(uuid=response.json()["uuid"])
    assert report.source == Source.MARCHE
    assert report.acteur.slug == "ville-eclairage"  # routed by create_signalement
    assert report.statut == "transmis"
    assert annotation.geom.transform(2154, clone=True).contains(report.geom)  # a point on the zone
    assert report.photos.count() == 1  # the walk's photo follows the report
    assert "Lampadaires éteints" in report.description
    annotation.refresh_from_db()
    assert annotation.signalement == report
    assert client.post(url, {"categorie": "eclairage-eteint"}, content_type="application/json").status_code == 409
    assert Signalement.objects.count() == 1
    listed = client.get("/api/v1/signalements/?page_size=10").json()
    assert str(report.uuid) in [f["id"] for f in listed["features"]]
    unknown = client.post(url, {"categorie": "ovni"}, content_type="application/json")
    assert unknown.status_code == 400 and "Catégorie inconnue" in unknown.json()["detail"]


def test_the_synthesis_page_promotes_with_one_form(users, walk_in_demo):
    walk, annotation = walk_in_demo
    client = _pilot_client(users)
    page = client.get(f"/marches/{walk.pk}/synthese/")
    assert page.status_code == 200 and "En faire une préconisation" in page.content.decode()
    acteur = users["ville.demo"].acteurs.get(slug="ville-voirie")
    response = client.post(f"/marches/{walk.pk}/annotations/{annotation.uuid}/preconisation/",
                           {"proposition": "Élargir le trottoir", "acteur": acteur.pk, "priorite": "basse"})
    assert response.status_code == 302
    assert Preconisation.objects.get().acteur == acteur
    response = client.post(f"/marches/{walk.pk}/annotations/{annotation.uuid}/signalement/",
                           {"categorie": "", "description": "x"}, follow=True)
    assert "Choisissez une catégorie" in response.content.decode()
    assert Signalement.objects.count() == 0


def test_members_of_the_acteur_answer_and_update(users, walk_in_demo):
    walk, annotation = walk_in_demo
    acteur = users["ville.demo"].acteurs.get(slug="ville-eclairage")
    preco = services.promote_to_preconisation(annotation, acteur=acteur, auteur=users["pilote.demo"],
                                              proposition="LED", priorite="haute")
    url = f"/api/v1/marches/{walk.pk}/preconisations/{preco.pk}/"
    ville = Client()
    ville.force_login(users["ville.demo"])
    response = ville.patch(url, {"statut": "acceptee", "reponse": "Travaux au printemps."},
                           content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["properties"]["statut"] == "acceptee"
    assert response.json()["properties"]["reponses"][0]["acteur"] == str(acteur)
    oph = Client()
    oph.force_login(users["oph.demo"])
    assert oph.patch(url, {"statut": "realisee", "reponse": "x"}, content_type="application/json").status_code == 403
    empty = ville.patch(url, {"statut": "en_cours", "reponse": ""}, content_type="application/json")
    assert empty.status_code == 400 and "Écrivez la réponse" in empty.json()["detail"]
    ville.patch(url, {"statut": "realisee", "reponse": "Posés."}, content_type="application/json")
    backwards = ville.patch(url, {"statut": "acceptee", "reponse": "Oups"}, content_type="application/json")
    assert backwards.status_code == 400 and "non autorisé" in backwards.json()["detail"]
    assert list(Reponse.objects.values_list("statut", flat=True)) == ["acceptee", "realisee"]
    # And from the walk's page, with the HTML form.
    page = ville.post(f"/marches/{walk.pk}/preconisations/{preco.pk}/repondre/",
                      {"statut": "en_cours", "reponse": "Un luminaire à reprendre."})
    assert page.status_code == 302
    preco.refresh_from_db()
    assert preco.statut == "en_cours" and preco.reponses.count() == 3
    assert oph.post(f"/marches/{walk.pk}/preconisations/{preco.pk}/repondre/",
                    {"statut": "realisee", "reponse": "x"}).status_code == 403
    # The service sees its préconisation on /marches/.
    assert "LED" in ville.get("/marches/").content.decode()


def test_only_pilots_write_preconisations(users, walk_in_demo):
    walk, _ = walk_in_demo
    body = {"probleme": "Sombre", "proposition": "Éclairer", "acteur": "ville-eclairage"}
    ville = Client()
    ville.force_login(users["ville.demo"])
    url = f"/api/v1/marches/{walk.pk}/preconisations/"
    assert ville.post(url, body, content_type="application/json").status_code == 403
    pilot = _pilot_client(users)
    assert pilot.post(url, body, content_type="application/json").status_code == 201
    assert pilot.post(url, {**body, "priorite": "urgente"}, content_type="application/json").status_code == 400
    assert ville.get(url).json()["features"][0]["properties"]["acteur"] == "ville-eclairage"


# --- Figures, names ----------------------------------------------------------------------------

def test_participation_figures_are_aggregated_and_small_groups_hidden(users, marche):
    etape = marche.etapes.first()
    walkers = [ParticipantFactory(marche=marche, genre=g, tranche_age=a, pseudo=f"Pseudo{i}")
               for i, (g, a) in enumerate([("femme", "26-40"), ("femme", "41-60"), ("femme", "18-25"),
                                           ("homme", "41-60"), ("", "")])]
    for walker, valeur in zip(walkers, [1, 0, 2, 3, 2], strict=True):
        services.record_score(walker, uuid=uuid.uuid4(), etape=etape, critere="sentiment-securite", valeur=valeur)
    figures = services.participation([marche])
    assert figures["total"] == 5
    assert {g["code"]: g["nombre"] for g in figures["par_genre"]} == {
        "femme": 3, "homme": 1, "autre": 0, "non-precise": 1}
    assert {g["code"]: g["nombre"] for g in figures["par_tranche_age"]}["41-60"] == 2
    feeling = {r["code"]: r for r in services.feeling_by_gender(marche)}
    assert feeling["femme"]["moyenne"] == 1.0 and feeling["femme"]["personnes"] == 3
    assert feeling["homme"]["masque"] and feeling["homme"]["moyenne"] is None  # one man: not shown
    client = _pilot_client(users)
    api = client.get(f"/api/v1/marches/{marche.pk}/participation/").json()
    assert api["total"] == 5 and "Pseudo0" not in str(api)
    restitution = client.get(f"/marches/{marche.pk}/restitution/").content.decode()
    assert "Pseudo" not in restitution and "non publié" in restitution
    assert "Pseudo" not in client.get(f"/marches/{marche.pk}/synthese/").content.decode()


def test_pseudonyms_reach_the_facilitator_only(users, phone, marche):
    post_annotation(phone, marche, feature(GEOMETRIES["Point"]))
    pilot = _pilot_client(users)
    direct = pilot.get(f"/api/v1/marches/{marche.pk}/direct/").json()
    assert direct["annotations"]["features"][0]["properties"]["participant"] == "Amina"
    agent = Client()
    agent.force_login(users["agent.demo"])
    listed = agent.get(f"/api/v1/marches/{marche.pk}/annotations/").json()
    assert listed["features"][0]["properties"]["participant"] is None
    assert agent.get(f"/api/v1/marches/{marche.pk}/direct/").status_code == 403


# --- Walks: API, pages, planning, demo ------------------------------------------------------------

def test_walks_api_is_geojson_with_the_route_and_a_bbox(users, marche):
    pilot = _pilot_client(users)
    body = pilot.get("/api/v1/marches/").json()
    walk = body["features"][0]
    assert walk["geometry"]["type"] == "LineString"
    assert walk["geometry"]["coordinates"][1] == pytest.approx([5.16999802, 48.77799429], abs=1e-7)
    assert walk["properties"]["code"] == "CSC3MR" and walk["properties"]["nb_etapes"] == 2
    assert len(pilot.get("/api/v1/marches/?bbox=5.16,48.77,5.18,48.79").json()["features"]) == 1
    assert len(pilot.get("/api/v1/marches/?bbox=2.3,48.8,2.4,48.9").json()["features"]) == 0
    assert pilot.get("/api/v1/marches/?bbox=oui").status_code == 400
    etapes = pilot.get(f"/api/v1/marches/{marche.pk}/etapes/").json()
    assert [f["properties"]["nom"] for f in etapes["features"]] == ["Place", "Passage"]
    assert etapes["features"][0]["geometry"]["coordinates"] == pytest.approx([LON, LAT], abs=1e-7)
    agent = Client()
    agent.force_login(users["agent.demo"])
    assert "code" not in agent.get("/api/v1/marches/").json()["features"][0]["properties"]
    assert pilot.get("/api/v1/marches/abc/").status_code == 404
    assert pilot.get("/api/v1/marches/999999/etapes/").status_code == 404


def test_the_walk_page_shows_code_and_inline_qr_to_pilots_only(users, marche):
    page = _pilot_client(users).get(f"/marches/{marche.pk}/").content.decode()
    assert "CSC 3MR" in page and '<svg' in page and 'class="segno"' in page
    assert "/marches/rejoindre/?code=CSC3MR" in page
    agent = Client()
    agent.force_login(users["agent.demo"])
    page = agent.get(f"/marches/{marche.pk}/").content.decode()
    assert "CSC3MR" not in page and "segno" not in page


def test_planning_a_walk_with_route_stops_and_grid(users, demo):
    pilot = _pilot_client(users)
    ddfe = users["pilote.demo"].acteurs.model.objects.get(slug="ddfe")
    route = {"type": "LineString", "coordinates": [[5.1695, 48.7776], [5.1705, 48.7803], [5.1748, 48.7796]]}
    response = pilot.post("/marches/nouvelle/", {
        "titre": "Marche des mères", "debut": "2030-03-12T18:00", "fin": "2030-03-12T20:00", "moment": "nuit",
        "organisateur": ddfe.pk, "theme": "Trajets école", "description": "",
        "criteres_texte": "Éclairage\nBancs pour se reposer",
        "trace_geojson": json.dumps(route),
        "etapes_json": '[{"nom": "Départ", "lon": 5.1695, "lat": 48.7776}, {"nom": "", "lon": 5.1748, "lat": 48.7796}]',
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    walk = MarcheExploratoire.objects.get(titre="Marche des mères")
    assert walk.organisateur == ddfe and walk.territoire == demo and walk.trace.srid == 2154
    assert [c["slug"] for c in walk.criteres] == ["eclairage", "bancs-pour-se-reposer"]
    assert list(walk.etapes.values_list("ordre", "nom")) == [(1, "Départ"), (2, "Étape 2")]
    bad = pilot.post("/marches/nouvelle/", {
        "titre": "x", "debut": "2030-03-12T20:00", "fin": "2030-03-12T18:00", "moment": "nuit",
        "organisateur": ddfe.pk, "criteres_texte": "Éclairage",
        "trace_geojson": '{"type": "Point", "coordinates": [5.17, 48.778]}', "etapes_json": "[]"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "La fin doit être après le début" in text and "doit être une ligne" in text
    agent = Client()
    agent.force_login(users["agent.demo"])
    assert agent.get("/marches/nouvelle/").status_code == 403


def test_a_scored_criterion_or_stop_cannot_be_removed(users, phone, marche):
    post_score(phone, marche, marche.etapes.get(ordre=1), 2)
    roles_user = UserFactory(username="p2", groups=[roles.PILOTE])
    client = Client()
    client.force_login(roles_user)
    page = client.get(f"/marches/{marche.pk}/modifier/")
    form = page.context["form"]
    data = {**{k: v for k, v in form.initial.items() if isinstance(v, str)},
            "titre": marche.titre, "debut": timezone.localtime(marche.debut).strftime("%Y-%m-%dT%H:%M"),
            "fin": timezone.localtime(marche.fin).strftime("%Y-%m-%dT%H:%M"), "moment": "nuit",
            "organisateur": ActeurFactory().pk, "criteres_texte": "Visibilité", "etapes_json": "[]"}
    response = client.post(f"/marches/{marche.pk}/modifier/", data)
    text = response.content.decode()
    assert response.status_code == 400
    assert "Impossible de retirer un critère déjà noté : Éclairage" in text
    assert "Étape déjà notée ou annotée" in text


def test_demo_walks_load_twice_inside_the_perimeter(users):
    from marches import demo

    demo.load()
    counts = (MarcheExploratoire.objects.count(), Score.objects.count(), Annotation.objects.count(),
              Preconisation.objects.count(), Reponse.objects.count(),
              Signalement.objects.filter(source="marche").count())
    demo.load()
    assert counts == (MarcheExploratoire.objects.count(), Score.objects.count(), Annotation.objects.count(),
                      Preconisation.objects.count(), Reponse.objects.count(),
                      Signalement.objects.filter(source="marche").count())
    assert counts[0] == 2 and counts[2] >= 10 and counts[3] >= 5 and counts[4] >= 3 and counts[5] == 2
    nuit = MarcheExploratoire.objects.get(code=demo.CODE_NUIT)
    jour = MarcheExploratoire.objects.get(code=demo.CODE_JOUR)
    assert nuit.moment == "nuit" and nuit.terminee and jour.a_venir and jour.code_valide()
    assert nuit.organisateur.slug == "ddfe"
    territoire = nuit.territoire.geom
    for geom in [nuit.trace, jour.trace, *Annotation.objects.values_list("geom", flat=True),
                 *nuit.etapes.values_list("geom", flat=True)]:
        assert territoire.contains(geom)
    answered = Preconisation.objects.filter(reponses__isnull=False).distinct().count()
    assert 0 < answered < Preconisation.objects.count()
    assert Annotation.objects.exclude(photo="").count() == 2
    page = _pilot_client(users).get(f"/marches/{nuit.pk}/restitution/").content.decode()
    assert "Préconisations et réponses des acteurs" in page and "<svg" in page


def test_the_map_offers_the_routes_to_professionals_only(users, marche):
    from commun import carte

    if not hasattr(carte, "registered_layers"):
        pytest.skip("the map has no layer registry")
    assert "Marches exploratoires (parcours)" in _pilot_client(users).get("/carte/").content.decode()
    assert "Marches exploratoires (parcours)" not in Client().get("/carte/").content.decode()


def test_lists_do_not_query_per_row(users, phone, marche, django_assert_max_num_queries):
    for i in range(12):
        post_annotation(phone, marche, feature(GEOMETRIES["Point"], texte=f"n° {i}"))
    pilot = _pilot_client(users)
    pilot.get(f"/api/v1/marches/{marche.pk}/annotations/")  # warm the session and the user's groups
    with django_assert_max_num_queries(12):
        assert len(pilot.get(f"/api/v1/marches/{marche.pk}/annotations/").json()["features"]) == 12
    with django_assert_max_num_queries(14):
        assert len(pilot.get(f"/api/v1/marches/{marche.pk}/direct/").json()["annotations"]["features"]) == 12
