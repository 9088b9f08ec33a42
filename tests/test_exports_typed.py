"""Exports say the same whatever the rows hold: declared column types (checked against the
models and read back from each GeoPackage by GDAL), layer names, CSV booleans, rounded
WKT, and RFC 7946 geometry (counter-clockwise exteriors, clockwise holes, 7 decimals)."""

import csv
import io
import json
import re
import subprocess

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.db import models

from commun.exports import EXPORT_LAYERS
from marches.models import Annotation
from signalements.models import Categorie, Signalement
from territoire.models import Secteur
from tests.factories import (
    X0,
    Y0,
    ChantierFactory,
    MarcheFactory,
    ParticipantFactory,
    PropositionFactory,
    SecteurFactory,
)

pytestmark = pytest.mark.django_db

ALL_LAYERS = ["territoires", "secteurs", "equipements", "chantiers", "friches", "propositions", "signalements",
              "marches", "annotations"]
# What GDAL's ogrinfo prints for each declared type.
GDAL_TYPES = {"integer": {"Integer", "Integer64"}, "real": {"Real"}, "date": {"Date"},
              "datetime": {"DateTime"}, "boolean": {"Integer(Boolean)"}, "string": {"String"}}


def model_type(model, lookup):
    parts = lookup.split("__")
    for name in parts[:-1]:
        model = model._meta.get_field(name).related_model
    field = model._meta.get_field(parts[-1])
    if isinstance(field, models.ForeignKey):
        return "integer"
    if isinstance(field, models.BooleanField):
        return "boolean"
    if isinstance(field, models.DateTimeField):
        return "datetime"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, (models.AutoField, models.IntegerField)):
        return "integer"
    if isinstance(field, (models.DecimalField, models.FloatField)):
        return "real"
    return "string"


def test_every_registered_column_declares_its_models_type(rf, pilote):
    request = rf.get("/")
    request.user = pilote
    assert set(ALL_LAYERS) <= set(EXPORT_LAYERS)
    for key, layer in EXPORT_LAYERS.items():
        model = layer.queryset(request).model
        for column in layer.spec_for(request).columns:
            assert column.type == model_type(model, column.lookup), (key, column.name)


def ogrinfo_fields(path, layer):
    out = subprocess.run(["ogrinfo", "-so", "-nomd", str(path), layer], capture_output=True, text=True,
                         check=True).stdout
    return {name: kind for name, kind in re.findall(r"^(\w+): ([\w()]+) \(", out, re.M) if name != "Geometry"}


@pytest.mark.parametrize("key", ALL_LAYERS)
def test_geopackage_columns_have_declared_types_even_when_empty(api, rf, pilote, key, tmp_path):
    api.force_authenticate(pilote)
    response = api.get(f"/api/v1/exports/{key}.gpkg")
    assert response.status_code == 200
    path = tmp_path / f"{key}.gpkg"
    path.write_bytes(response.content)
    fields = ogrinfo_fields(path, key)
    request = rf.get("/")
    request.user = pilote
    declared = EXPORT_LAYERS[key].spec_for(request).fields()
    assert [name for name, _ in declared] == list(fields)
    for name, kind in declared:
        assert fields[name] in GDAL_TYPES[kind], (key, name, fields[name])


def test_geopackage_types_hold_with_data_and_friches_are_named_friches(api, pilote, tmp_path):
    ChantierFactory(type="friche", statut="programme", budget=None)
    ChantierFactory(type="demolition", budget=1250000.5, logements_demolis=40)
    api.force_authenticate(pilote)
    for key in ("friches", "chantiers"):
        path = tmp_path / f"{key}.gpkg"
        path.write_bytes(api.get(f"/api/v1/exports/{key}.gpkg").content)
        fields = ogrinfo_fields(path, key)
        assert fields["budget"] == "Real" and fields["logements_demolis"] == "Integer"
        assert fields["debut_prevu"] == "Date" and fields["demonstration"] == "Integer(Boolean)"
    response = api.get("/api/v1/exports/friches.geojson")
    assert json.loads(response.content)["name"] == "friches"
    assert 'filename="friches-' in response["Content-Disposition"]


def test_csv_booleans_are_oui_non_and_wkt_is_rounded(api, pilote):
    ChantierFactory(demonstration=True, geom=Point(859441.123456, 6855291.654321, srid=2154))
    ChantierFactory(demonstration=False)
    api.force_authenticate(pilote)
    text = api.get("/api/v1/exports/chantiers.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert sorted(r["demonstration"] for r in rows) == ["non", "oui"]
    for row in rows:
        for number in re.findall(r"-?\d+\.\d+", row["wkt"]):
            assert len(number.split(".")[1]) <= 7, row["wkt"]


def clockwise_square(cx, cy, half):
    """A square drawn clockwise (as shapefiles and many QGIS layers store them), with a
    counter-clockwise hole: the opposite of what RFC 7946 asks."""
    outer = [(cx - half, cy - half), (cx - half, cy + half), (cx + half, cy + half), (cx + half, cy - half),
             (cx - half, cy - half)]
    h = half / 4
    hole = [(cx - h, cy - h), (cx + h, cy - h), (cx + h, cy + h), (cx - h, cy + h), (cx - h, cy - h)]
    return MultiPolygon(Polygon(outer, hole), srid=2154)


def signed_area(ring):
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def assert_rfc7946(geometry):
    for polygon in geometry["coordinates"]:
        exterior, *holes = polygon
        assert signed_area(exterior) > 0, "exterior ring must be counter-clockwise"
        for hole in holes:
            assert signed_area(hole) < 0, "holes must be clockwise"
        for x, y in exterior:
            assert len(repr(x).split(".")[1]) <= 7 and len(repr(y).split(".")[1]) <= 7


def test_clockwise_sectors_come_out_counter_clockwise_everywhere(api, pilote):
    secteur = SecteurFactory(geom=clockwise_square(X0, Y0, 300))
    assert Secteur.objects.get(pk=secteur.pk).geom[0].exterior_ring.is_counterclockwise is False
    export = json.loads(api.get("/api/v1/exports/secteurs.geojson").content)
    assert "crs" not in export
    assert_rfc7946(export["features"][0]["geometry"])
    listed = api.get("/api/v1/secteurs/").json()
    assert "crs" not in listed
    assert_rfc7946(listed["features"][0]["geometry"])
    detail = api.get(f"/api/v1/secteurs/{secteur.pk}/").json()
    assert_rfc7946(detail["geometry"])


def test_walk_layers_are_for_professionals_only_and_name_no_participant(api, pilote, agent):
    marche = MarcheFactory(titre="Marche de nuit")
    participant = ParticipantFactory(marche=marche, pseudo="Camille")
    Annotation.objects.create(uuid="5a3f1c1e-1111-4a4a-9a9a-000000000001", marche=marche, participant=participant,
                              geom=Point(X0, Y0, srid=2154), texte="Lampadaire éteint", critere="eclairage",
                              observe_le=marche.debut, empreinte="x")
    assert api.get("/api/v1/exports/annotations.geojson").status_code in (401, 403)
    api.force_authenticate(agent)
    data = json.loads(api.get("/api/v1/exports/annotations.geojson").content)
    assert [f["properties"]["texte"] for f in data["features"]] == ["Lampadaire éteint"]
    assert "Camille" not in json.dumps(data)
    routes = json.loads(api.get("/api/v1/exports/marches.geojson").content)
    assert [f["properties"]["titre"] for f in routes["features"]] == ["Marche de nuit"]
    assert routes["features"][0]["geometry"]["type"] == "LineString"


def test_proposals_and_reports_columns_typed_in_geojson(api, pilote, demo):
    PropositionFactory(titre="Jardin")
    categorie = Categorie.objects.create(slug="tag-test", nom="Tag")
    Signalement.objects.create(categorie=categorie, territoire=demo, geom=Point(X0, Y0, srid=2154),
                               observe_le="2026-01-05T10:00:00+01:00")
    api.force_authenticate(pilote)
    props = json.loads(api.get("/api/v1/exports/propositions.geojson").content)["features"][0]["properties"]
    assert props["conseil_citoyen"] is False and isinstance(props["friche"], int)
    report = json.loads(api.get("/api/v1/exports/signalements.geojson").content)["features"][0]["properties"]
    assert report["sensible"] is False and report["resolu_le"] is None
