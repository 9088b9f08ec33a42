"""Exports of map layers: GeoJSON, CSV, GeoPackage (reopened with GDAL), visibility kept."""

import csv
import io
import json

import pytest
from django.contrib.gis.gdal import DataSource
from django.contrib.gis.geos import LineString, Point
from django.utils import timezone

from chantiers import demo as chantiers_demo
from signalements.models import Categorie, Signalement
from territoire.models import Territoire
from tests.factories import ChantierFactory, PropositionFactory, UserFactory

pytestmark = pytest.mark.django_db


def gpkg_layers(content, tmp_path):
    path = tmp_path / "export.gpkg"
    path.write_bytes(content)
    source = DataSource(str(path))
    return {layer.name: layer for layer in source}, source


def test_chantiers_geojson_export_is_wgs84_with_labels(api):
    ChantierFactory(nom="Origine", geom=Point(700000, 6600000, srid=2154), statut="etudes")
    response = api.get("/api/v1/exports/chantiers.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Disposition"].startswith('attachment; filename="chantiers-')
    data = json.loads(response.content)
    feature = data["features"][0]
    assert feature["geometry"]["coordinates"] == pytest.approx([3.0, 46.5], abs=1e-7)
    assert feature["properties"]["statut"] == "etudes"
    assert feature["properties"]["statut_libelle"] == "Études"
    assert feature["properties"]["maitre_ouvrage"].startswith("service-")


def test_chantiers_csv_export_is_french_spreadsheet_friendly_and_safe(api):
    ChantierFactory(nom="=HYPERLINK(\"http://evil\")", geom=Point(700000, 6600000, srid=2154), budget=1200000)
    response = api.get("/api/v1/exports/chantiers.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0]["nom"].startswith("'=")  # never run as a formula
    assert rows[0]["budget"] == "1200000"
    lon, lat = rows[0]["wkt"].removeprefix("POINT(").rstrip(")").split()
    assert (float(lon), float(lat)) == pytest.approx((3.0, 46.5), abs=1e-9)


def test_demo_programme_as_geopackage_opens_with_gdal(api, demo, tmp_path):
    chantiers_demo.load()
    response = api.get("/api/v1/exports/chantiers.gpkg")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geopackage+sqlite3"
    layers, _source = gpkg_layers(response.content, tmp_path)
    # Points, lines and surfaces: one table each, as QGIS expects.
    assert set(layers) == {"chantiers_points", "chantiers_lignes", "chantiers_surfaces"}
    total = sum(len(layer) for layer in layers.values())
    assert total == 16  # 18 operations, minus the 2 friches (their own layer)
    assert len(layers["chantiers_lignes"]) == 1
    lines = layers["chantiers_lignes"]
    assert lines.srs.srid == 4326
    feature = next(iter(lines))
    assert feature.get("nom") == "Rénovation du réseau de chaleur"
    assert feature.geom.geom_type.name == "MultiLineString"
    assert 5.16 < feature.geom.extent[0] < 5.18
    assert "statut_libelle" in lines.fields


def test_export_keeps_filters_and_bbox(api, tmp_path):
    ChantierFactory(slug="a", type="demolition", geom=Point(700000, 6600000, srid=2154))
    ChantierFactory(slug="b", type="construction")
    data = json.loads(api.get("/api/v1/exports/chantiers.geojson", {"type": "construction"}).content)
    assert len(data["features"]) == 1
    assert data["features"][0]["properties"]["type"] == "construction"
    data = json.loads(api.get("/api/v1/exports/chantiers.geojson", {"bbox": "2.9,46.4,3.1,46.6"}).content)
    assert [f["properties"]["type"] for f in data["features"]] == ["demolition"]
    response = api.get("/api/v1/exports/chantiers.gpkg", {"type": "construction"})
    layers, _source = gpkg_layers(response.content, tmp_path)
    assert [len(layer) for layer in layers.values()] == [1]


def test_empty_export_still_opens(api, tmp_path):
    response = api.get("/api/v1/exports/chantiers.gpkg")
    assert response.status_code == 200
    layers, _source = gpkg_layers(response.content, tmp_path)
    assert [len(layer) for layer in layers.values()] == [0]


@pytest.mark.parametrize("url, status, fragment", [
    ("/api/v1/exports/inconnue.csv", 404, "Couche inconnue"),
    ("/api/v1/exports/chantiers.shp", 404, "Format inconnu"),
    ("/api/v1/exports/chantiers.csv?type=piscine", 400, "choix valide"),
    ("/api/v1/exports/chantiers.csv?bbox=1,2", 400, "4 nombres"),
])
def test_bad_export_requests_are_french_4xx(api, url, status, fragment):
    response = api.get(url)
    assert response.status_code == status
    assert fragment in response.json()["detail"]


def test_proposals_export_hides_unpublished_and_authors(api, pilote, tmp_path):
    author = UserFactory(username="habitante")
    published = PropositionFactory(titre="Jardin", auteur=author)
    PropositionFactory(friche=published.friche, titre="En attente", statut="en_attente", auteur=author)
    data = json.loads(api.get("/api/v1/exports/propositions.geojson").content)
    assert [f["properties"]["titre"] for f in data["features"]] == ["Jardin"]
    assert "auteur" not in data["features"][0]["properties"]
    assert data["features"][0]["geometry"]["type"] == "Point"  # placed on its friche
    api.force_authenticate(pilote)
    data = json.loads(api.get("/api/v1/exports/propositions.geojson").content)
    assert sorted(f["properties"]["titre"] for f in data["features"]) == ["En attente", "Jardin"]
    assert {f["properties"]["auteur"] for f in data["features"]} == {"habitante"}
    layers, _source = gpkg_layers(api.get("/api/v1/exports/propositions.gpkg").content, tmp_path)
    assert sum(len(layer) for layer in layers.values()) == 2


@pytest.fixture
def reports(demo):
    territoire = Territoire.objects.get()
    proprete = Categorie.objects.create(slug="depot-test", nom="Dépôt sauvage")
    securite = Categorie.objects.create(slug="securite-test", nom="Sécurité", sensible=True)
    point = Point(5.17, 48.778, srid=4326)
    common = {"territoire": territoire, "geom": point, "observe_le": timezone.now()}
    Signalement.objects.create(categorie=proprete, description="Sacs au pied de l'immeuble", **common)
    Signalement.objects.create(categorie=securite, sensible=True, description="Rixe", **common)
    return territoire


def test_reports_export_applies_visibility(api, reports, agent, pilote, tmp_path):
    response = api.get("/api/v1/exports/signalements.csv")
    assert response.status_code in (401, 403)
    assert "Connectez-vous" in response.json()["detail"]

    api.force_authenticate(agent)
    data = json.loads(api.get("/api/v1/exports/signalements.geojson").content)
    assert [f["properties"]["categorie"] for f in data["features"]] == ["depot-test"]
    assert "Rixe" not in json.dumps(data)
    assert "auteur" not in data["features"][0]["properties"]

    api.force_authenticate(pilote)
    layers, _source = gpkg_layers(api.get("/api/v1/exports/signalements.gpkg").content, tmp_path)
    assert sum(len(layer) for layer in layers.values()) == 2
    data = json.loads(api.get("/api/v1/exports/signalements.geojson", {"categorie": "securite-test"}).content)
    assert len(data["features"]) == 1
    coords = data["features"][0]["geometry"]["coordinates"]
    assert coords == pytest.approx([5.17, 48.778], abs=1e-6)


def test_every_map_layer_with_an_export_link_is_exportable(client, pilote, reports, tmp_path):
    from commun.exports import EXPORT_LAYERS

    ChantierFactory(type="reseau", geom=LineString((859400, 6855300), (859600, 6855350), srid=2154))
    client.force_login(pilote)
    html = client.get("/carte/").content.decode()
    for key in ("territoires", "secteurs", "equipements", "chantiers", "friches", "propositions", "signalements"):
        assert key in EXPORT_LAYERS
        for fmt in ("geojson", "csv", "gpkg"):
            url = f"/api/v1/exports/{key}.{fmt}"
            assert url in html, url
            assert client.get(url).status_code == 200, url
