import pytest
from django.contrib.gis.geos import Point

from territoire.models import Acteur
from tests.factories import EquipementFactory, SecteurFactory, TerritoireFactory, square

pytestmark = pytest.mark.django_db


def test_equipement_is_reprojected_to_wgs84_exactly(api):
    # Lambert-93's false origin (700000, 6600000) is exactly 3°E, 46.5°N.
    EquipementFactory(nom="Origine", geom=Point(700000, 6600000, srid=2154))
    data = api.get("/api/v1/equipements/").json()
    assert data["type"] == "FeatureCollection"
    lon, lat = data["features"][0]["geometry"]["coordinates"]
    assert lon == pytest.approx(3.0, abs=1e-9)
    assert lat == pytest.approx(46.5, abs=1e-9)


def test_equipement_near_the_qpv_reprojects_exactly(api):
    EquipementFactory(nom="Gymnase", geom=Point(860000, 6853000, srid=2154))
    feature = api.get("/api/v1/equipements/").json()["features"][0]
    lon, lat = feature["geometry"]["coordinates"]
    # Exactly PostGIS's transform, rounded to 7 decimals (about 1 cm) as RFC 7946 recommends.
    assert lon == round(5.176742854084246, 7)
    assert lat == round(48.757258665716535, 7)
    assert feature["properties"]["nom"] == "Gymnase"


def test_territoire_geojson_multipolygon_in_wgs84(api):
    TerritoireFactory(code="QP055001", geom=square(700000, 6600000, 100))
    feature = api.get("/api/v1/territoires/").json()["features"][0]
    assert feature["geometry"]["type"] == "MultiPolygon"
    ring = feature["geometry"]["coordinates"][0][0]
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    assert min(lons) < 3.0 < max(lons)
    assert min(lats) < 46.5 < max(lats)
    # 100 m at 46.5°N is about 0.0013° of longitude: metres never leak into the API.
    assert max(lons) - min(lons) == pytest.approx(0.0026, abs=0.0002)
    assert feature["properties"]["code"] == "QP055001"
    assert "démonstration" in feature["properties"]["attribution"]


def test_bbox_filter_reads_wgs84_and_keeps_only_intersecting(api):
    EquipementFactory(nom="Dedans", geom=Point(860000, 6853000, srid=2154))
    EquipementFactory(nom="Dehors", geom=Point(700000, 6600000, srid=2154))
    data = api.get("/api/v1/equipements/", {"bbox": "5.17,48.75,5.18,48.76"}).json()
    assert [f["properties"]["nom"] for f in data["features"]] == ["Dedans"]
    data = api.get("/api/v1/equipements/", {"bbox": "2.9,46.4,3.1,46.6"}).json()
    assert [f["properties"]["nom"] for f in data["features"]] == ["Dehors"]


@pytest.mark.parametrize(
    "bbox, fragment",
    [
        ("5.17,48.75,5.18", "4 nombres"),
        ("a,b,c,d", "nombres décimaux"),
        ("48.75,5.17,48.76,95", "Latitude"),
        ("5.18,48.76,5.17,48.75", "minimum"),
        ("nan,1,2,3", "non finie"),
    ],
)
def test_bad_bbox_is_a_french_400_in_the_error_format(api, bbox, fragment):
    response = api.get("/api/v1/equipements/", {"bbox": bbox})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert fragment in body["errors"]["bbox"][0]
    assert fragment in body["detail"]


def test_lists_are_paginated(api):
    territoire = TerritoireFactory()
    for i in range(5):
        SecteurFactory(territoire=territoire, slug=f"s{i}")
    data = api.get("/api/v1/secteurs/", {"page_size": 2}).json()
    assert "count" not in data and data["previous"] is None
    assert len(data["features"]) == 2
    assert data["next"].startswith("http://testserver/api/v1/secteurs/?") and "cursor=" in data["next"]
    seen = [f["id"] for f in data["features"]]
    while data["next"]:
        data = api.get(data["next"]).json()
        seen += [f["id"] for f in data["features"]]
    assert len(seen) == len(set(seen)) == 5
    back = api.get(data["previous"]).json()
    assert [f["id"] for f in back["features"]] == seen[2:4]
    assert api.get("/api/v1/secteurs/", {"cursor": "pas-un-curseur"}).status_code == 400
    assert api.get("/api/v1/secteurs/", {"page_size": "0"}).status_code == 400


def test_secteur_filter_by_territoire_code(api):
    a = TerritoireFactory(code="QPA")
    b = TerritoireFactory(code="QPB")
    SecteurFactory(territoire=a, nom="Nord")
    SecteurFactory(territoire=b, nom="Sud")
    data = api.get("/api/v1/secteurs/", {"territoire": "QPB"}).json()
    assert [f["properties"]["nom"] for f in data["features"]] == ["Sud"]


def test_acteur_routing_email_only_for_professionals(api, demo, agent):
    anonymous = api.get("/api/v1/acteurs/", {"page_size": 100}).json()
    assert anonymous["count"] == Acteur.objects.count()
    assert "email" not in anonymous["results"][0]
    api.force_authenticate(agent)
    signed = api.get("/api/v1/acteurs/", {"page_size": 100}).json()
    oph = next(a for a in signed["results"] if a["slug"] == "oph")
    assert oph["email"] == "proximite@oph-meuse.example"


def test_unknown_api_url_is_json_404(api):
    response = api.get("/api/v1/nexiste-pas/")
    assert response.status_code == 404
    assert response.json()["detail"] == "Ressource introuvable."
    response = api.get("/api/v1/equipements/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Ressource introuvable.", "errors": {}}


def test_read_only_api_refuses_writes(api, pilote):
    response = api.post("/api/v1/equipements/", {}, format="json")
    assert response.status_code == 401
    assert response.json()["errors"] == {}
    api.force_authenticate(pilote)
    response = api.post("/api/v1/equipements/", {}, format="json")
    assert response.status_code == 405


def test_token_auth(api, demo):
    response = api.post("/api/v1/auth/token/", {"username": "agent.demo", "password": "demo"},
                        format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/acteurs/").json()["results"][0].get("email") is not None

    bad = APIClientFactory().post("/api/v1/auth/token/",
                                  {"username": "agent.demo", "password": "faux"}, format="json")
    assert bad.status_code == 400
    assert "errors" in bad.json()


def test_bad_token_is_401_json(api, demo):
    api.credentials(HTTP_AUTHORIZATION="Token nimportequoi")
    response = api.get("/api/v1/acteurs/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_openapi_schema(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/equipements/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/equipements/"]["get"]["parameters"]}
    assert "bbox" in params


def APIClientFactory():
    from rest_framework.test import APIClient

    return APIClient()
