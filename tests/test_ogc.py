"""OGC API – Features at /ogc/: documents valid against the standard's schemas, visibility
as in the API, keyset pages, bbox, datetime, queryables, Lambert-93 (Part 2), bad input."""

import json
from datetime import timedelta

import jsonschema
import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone
from openapi_spec_validator import validate as validate_openapi
from rest_framework.authtoken.models import Token

from chantiers import demo as chantiers_demo
from ogc import services
from signalements.models import Categorie, Signalement
from tests import ogc_schemas
from tests.factories import X0, Y0, ChantierFactory

pytestmark = pytest.mark.django_db
EPSG_2154 = "http://www.opengis.net/def/crs/EPSG/0/2154"


def get(client, url, token=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    return client.get(url, params, **headers)


def validate(document, schema):
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture
def reports(demo):
    """25 ordinary reports and one sensitive, around the QPV."""
    tag = Categorie.objects.create(slug="tag-ogc", nom="Tag")
    rixe = Categorie.objects.create(slug="rixe-ogc", nom="Rixe", sensible=True)
    now = timezone.now()
    rows = [Signalement(categorie=tag, territoire=demo, geom=Point(X0 + i, Y0 + i, srid=2154),
                        observe_le=now, statut="nouveau" if i % 2 else "resolu") for i in range(25)]
    rows.append(Signalement(categorie=rixe, territoire=demo, geom=Point(X0, Y0, srid=2154), observe_le=now,
                            sensible=True))
    Signalement.objects.bulk_create(rows)
    return demo


def test_landing_conformance_collections_validate_against_the_standard(client, demo):
    chantiers_demo.load()
    landing = get(client, "/ogc/").json()
    validate(landing, ogc_schemas.LANDING_PAGE)
    rels = {link["rel"] for link in landing["links"]}
    assert {"self", "alternate", "service-desc", "conformance", "data"} <= rels
    conformance = get(client, "/ogc/conformance").json()
    validate(conformance, ogc_schemas.CONF_CLASSES)
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conformance["conformsTo"]
    collections = get(client, "/ogc/collections").json()
    validate(collections, ogc_schemas.COLLECTIONS)
    ids = [c["id"] for c in collections["collections"]]
    assert ids[:6] == ["territoires", "secteurs", "equipements", "chantiers", "friches", "propositions"]
    assert "signalements" not in ids and "annotations" not in ids  # signed-in only
    chantiers = get(client, "/ogc/collections/chantiers").json()
    validate(chantiers, ogc_schemas.COLLECTION)
    assert EPSG_2154 in chantiers["crs"] and chantiers["storageCrs"] == EPSG_2154
    west, south, east, north = chantiers["extent"]["spatial"]["bbox"][0]
    assert 5.1 < west < east < 5.2 and 48.7 < south < north < 48.8


def test_items_pages_follow_next_and_validate(client, demo):
    chantiers_demo.load()
    expected = services.EXPORT_LAYERS["chantiers"].queryset(None).count()
    url, seen, pages = "/ogc/collections/chantiers/items?limit=5", [], 0
    while url:
        response = client.get(url)
        assert response["Content-Type"] == "application/geo+json"
        assert response["Content-Crs"] == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
        page = response.json()
        validate(page, ogc_schemas.FEATURE_COLLECTION)
        assert page["numberReturned"] == len(page["features"]) <= 5
        assert page["numberMatched"] == expected
        seen += [f["id"] for f in page["features"]]
        pages += 1
        url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
    assert pages == -(-expected // 5) and len(seen) == len(set(seen)) == expected
    one = client.get(f"/ogc/collections/chantiers/items/{seen[0]}").json()
    validate(one, ogc_schemas.FEATURE)
    assert one["id"] == seen[0]


def test_openapi_definition_is_valid_and_lists_each_collection(client, demo):
    document = get(client, "/ogc/api").json()
    validate_openapi(document)
    items = document["paths"]["/collections/chantiers/items"]["get"]
    assert {"limit", "bbox", "datetime", "crs", "statut", "type"} <= {p["name"] for p in items["parameters"]}
    assert "/collections/signalements/items" not in document["paths"]


def test_reports_need_a_token_and_keep_the_apis_visibility(client, reports, agent, pilote):
    denied = get(client, "/ogc/collections/signalements/items")
    assert denied.status_code == 401
    validate(denied.json(), ogc_schemas.EXCEPTION)
    assert "Authorization: Token" in denied.json()["description"]
    assert get(client, "/ogc/collections/signalements/items", token="faux").status_code == 401
    agent_token = Token.objects.create(user=agent).key
    pilote_token = Token.objects.create(user=pilote).key
    seen_by_agent = get(client, "/ogc/collections/signalements/items", agent_token).json()
    assert seen_by_agent["numberMatched"] == 25
    assert all(f["properties"]["sensible"] is False for f in seen_by_agent["features"])
    assert get(client, "/ogc/collections/signalements/items", pilote_token).json()["numberMatched"] == 26
    sensitive = Signalement.objects.get(sensible=True).uuid
    assert get(client, f"/ogc/collections/signalements/items/{sensitive}", agent_token).status_code == 404
    feature = get(client, f"/ogc/collections/signalements/items/{sensitive}", pilote_token).json()
    assert feature["id"] == str(sensitive) and "auteur" not in feature["properties"]
    listed = [c["id"] for c in get(client, "/ogc/collections", agent_token).json()["collections"]]
    assert {"signalements", "marches", "annotations"} <= set(listed)


def test_queryables_filter_like_the_api(client, reports, pilote):
    token = Token.objects.create(user=pilote).key
    schema = get(client, "/ogc/collections/signalements/queryables", token).json()
    assert schema["properties"]["statut"]["enum"][:3] == ["nouveau", "transmis", "en_cours"]
    resolved = get(client, "/ogc/collections/signalements/items", token, statut="resolu").json()
    assert resolved["numberMatched"] == 13
    assert {f["properties"]["statut"] for f in resolved["features"]} == {"resolu"}
    bad = get(client, "/ogc/collections/signalements/items", token, statut="perdu")
    assert bad.status_code == 400 and "statut" in bad.json()["description"]


def test_lambert93_output_and_bbox_crs_are_postgis_exact(client, demo):
    ChantierFactory(nom="Origine", geom=Point(700000, 6600000, srid=2154))
    ChantierFactory(nom="Quartier", geom=Point(X0, Y0, srid=2154))
    response = get(client, "/ogc/collections/chantiers/items", crs=EPSG_2154,
                   bbox="699000,6599000,701000,6601000", **{"bbox-crs": EPSG_2154})
    assert response["Content-Crs"] == f"<{EPSG_2154}>"
    features = response.json()["features"]
    assert [f["properties"]["nom"] for f in features] == ["Origine"]
    assert features[0]["geometry"]["coordinates"] == [700000, 6600000]
    wgs84 = get(client, "/ogc/collections/chantiers/items", bbox="2.9,46.4,3.1,46.6").json()["features"]
    assert wgs84[0]["geometry"]["coordinates"] == [3.0, 46.5]  # Lambert-93's origin is 3°E 46.5°N


def test_datetime_keeps_operations_under_way(client, demo):
    ChantierFactory(nom="Passé", debut_prevu="2019-01-01", fin_prevue="2019-12-31")
    ChantierFactory(nom="En cours", debut_prevu="2024-01-01", fin_prevue=None)
    ChantierFactory(nom="Sans date")
    names = lambda **p: sorted(f["properties"]["nom"] for f in  # noqa: E731
                               get(client, "/ogc/collections/chantiers/items", **p).json()["features"])
    assert names(datetime="2025-06-01") == ["En cours"]
    assert names(datetime="2019-06-01T12:00:00Z/2024-02-01") == ["En cours", "Passé"]
    assert names(datetime="../2020-01-01") == ["Passé"]


def test_number_matched_only_when_cheap(client, reports, pilote, monkeypatch):
    monkeypatch.setattr(services, "COUNT_CAP", 10)
    token = Token.objects.create(user=pilote).key
    page = get(client, "/ogc/collections/signalements/items", token, limit=100).json()
    assert "numberMatched" not in page and page["numberReturned"] == 26


def test_one_page_is_one_features_query(client, reports, pilote, django_assert_max_num_queries):
    token = Token.objects.create(user=pilote).key
    with django_assert_max_num_queries(8):  # auth, roles, count, the page
        page = get(client, "/ogc/collections/signalements/items", token, limit=26).json()
    assert page["numberReturned"] == 26
    with connection.cursor() as cursor:  # the keyset page can be read from the primary key's index
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM signalements_signalement WHERE id > 10 ORDER BY id LIMIT 101")
        assert "Index" in " ".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("url, status, fragment", [
    ("/ogc/collections/inconnue", 404, "Collection inconnue"),
    ("/ogc/collections/chantiers/items?limit=0", 400, "limit"),
    ("/ogc/collections/chantiers/items?limit=abc", 400, "limit"),
    ("/ogc/collections/chantiers/items?bbox=1,2,3", 400, "4 nombres"),
    ("/ogc/collections/chantiers/items?bbox=48.7,5.1,48.8,5.2,9", 400, "bbox"),
    ("/ogc/collections/chantiers/items?bbox=1,2,nan,4", 400, "non finie"),
    ("/ogc/collections/chantiers/items?bbox=5.2,48.7,5.1,48.8", 400, "vide"),
    ("/ogc/collections/chantiers/items?crs=EPSG:3857", 400, "non proposé"),
    ("/ogc/collections/chantiers/items?datetime=hier", 400, "illisible"),
    ("/ogc/collections/chantiers/items?datetime=2025-01-01/2024-01-01", 400, "après sa fin"),
    ("/ogc/collections/chantiers/items?curseur=%%%", 400, "curseur"),
    ("/ogc/collections/chantiers/items?filtre=1", 400, "Paramètre inconnu"),
    ("/ogc/collections/chantiers/items?f=xml", 400, "json ou html"),
    ("/ogc/collections/chantiers/items?type=piscine", 400, "type"),
    ("/ogc/collections/territoires/items?datetime=2024-01-01", 400, "pas de date"),
    ("/ogc/collections/chantiers/items/abc", 404, "introuvable"),
    ("/ogc/collections/chantiers/items/99999999999999999999999", 404, "introuvable"),
    ("/ogc/collections/signalements/items/pas-un-uuid", 401, "Token"),
])
def test_bad_requests_are_french_4xx_in_the_standards_shape(client, demo, url, status, fragment):
    response = client.get(url)
    assert response.status_code == status, response.content
    body = response.json()
    validate(body, ogc_schemas.EXCEPTION)
    assert fragment in body["description"]


def test_html_pages_for_people(client, demo):
    chantiers_demo.load()
    page = client.get("/ogc/collections/chantiers/items", {"limit": 3}, HTTP_ACCEPT="text/html,*/*").content.decode()
    assert "Page suivante" in page and "<table" in page and "<script>" not in page
    assert "QGIS" in client.get("/ogc/", HTTP_ACCEPT="text/html").content.decode()
    assert json.loads(client.get("/ogc/", {"f": "json"}, HTTP_ACCEPT="text/html").content)["links"]


def test_walk_layers_are_collections_for_professionals(client, agent):
    from tests.factories import MarcheFactory

    marche = MarcheFactory(debut=timezone.now() - timedelta(days=3), fin=timezone.now() - timedelta(days=3, hours=-2))
    token = Token.objects.create(user=agent).key
    page = get(client, "/ogc/collections/marches/items", token).json()
    assert [f["id"] for f in page["features"]] == [marche.pk]
    assert page["features"][0]["geometry"]["type"] == "LineString"
    assert get(client, "/ogc/collections/marches/items").status_code == 401
