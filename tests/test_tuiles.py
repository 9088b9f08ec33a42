"""Vector tiles of reports: decoded with mapbox-vector-tile, they hold only what the
person may see; clusters beyond the threshold; ETag and 304; bad addresses are 400."""

import math
from datetime import timedelta

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from rest_framework.test import APIClient

from signalements.models import Categorie, Signalement, Statut

pytestmark = pytest.mark.django_db

CENTRE = (5.170, 48.778)


def tile_of(lon, lat, z):
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def get_tile(client, z, x, y, layer="signalements", **params):
    return client.get(f"/api/v1/tuiles/{layer}/{z}/{x}/{y}.mvt", params)


def features(response, layer="signalements"):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    decoded = mapbox_vector_tile.decode(response.content)
    return decoded[layer]["features"] if layer in decoded else []


def report(users, who, slug, lon=CENTRE[0], lat=CENTRE[1]):
    from signalements.services import create_signalement

    return create_signalement(auteur=users[who], point=Point(lon, lat, srid=4326),
                              categorie=Categorie.objects.get(slug=slug), observe_le=timezone.now())


@pytest.fixture
def reports(users):
    """An ordinary report, someone else's sensitive one, and the agent's own sensitive one."""
    return {"depot": report(users, "ville.demo", "depots-sauvage"),
            "bruit": report(users, "oph.demo", "tranquillite-bruit"),
            "mien": report(users, "agent.demo", "tranquillite-bruit")}


def uuids(found):
    return {f["properties"]["uuid"] for f in found}


def test_tiles_hold_only_what_each_person_may_see(users, reports):
    z, x, y = tile_of(*CENTRE, 16)
    pilot = features(get_tile(client_for(users["pilote.demo"]), z, x, y))
    assert uuids(pilot) == {str(r.uuid) for r in reports.values()}
    assert set(pilot[0]["properties"]) == {"uuid", "statut", "categorie"}  # no text, no person
    agent = features(get_tile(client_for(users["agent.demo"]), z, x, y))
    assert uuids(agent) == {str(reports["depot"].uuid), str(reports["mien"].uuid)}
    police = features(get_tile(client_for(users["police.demo"]), z, x, y))
    assert str(reports["bruit"].uuid) in uuids(police)
    # Anonymous visitors get the public aggregate: sectors and their resolved count only.
    public = get_tile(client_for(), z, x, y)
    assert public["Cache-Control"].startswith("public")
    sectors = features(public)
    assert sectors and all(set(f["properties"]) == {"nom", "slug", "resolus_12_mois"} for f in sectors)
    assert not any("uuid" in f["properties"] for f in sectors)


def test_tiles_take_the_list_filters_and_refuse_bad_input_in_french(users, reports):
    z, x, y = tile_of(*CENTRE, 16)
    pilot = client_for(users["pilote.demo"])
    assert uuids(features(get_tile(pilot, z, x, y, categorie="depots"))) == {str(reports["depot"].uuid)}
    assert features(get_tile(pilot, z, x, y, statut="resolu")) == []
    bad = get_tile(pilot, z, x, y, depuis="hier")
    assert bad.status_code == 400 and "Date illisible" in bad.json()["detail"]
    assert "zoom" in get_tile(pilot, 40, 0, 0).json()["detail"]
    assert "grille" in get_tile(pilot, 3, 9, 0).json()["detail"]
    assert get_tile(pilot, 3, 1, 1, layer="inconnue").status_code == 404
    assert client_for().get("/api/v1/tuiles/annotations/16/1/1.mvt").status_code == 401


def test_a_crowded_tile_groups_reports_in_counted_cells(users, reports, monkeypatch):
    from signalements.tuiles import LAYER

    for i in range(9):
        report(users, "agent.demo", "proprete-dechets", CENTRE[0] + (i % 3) * 0.002, CENTRE[1] + (i // 3) * 0.001)
    monkeypatch.setattr(LAYER, "max_points", 0)  # every tile with a row is crowded
    total = Signalement.objects.count()
    for zoom in (12, 14, 15):
        z, x, y = tile_of(*CENTRE, zoom)
        found = []
        for dx in (-1, 0, 1):  # the tile and its neighbours: every cell counted once
            for dy in (-1, 0, 1):
                found += features(get_tile(client_for(users["pilote.demo"]), z, x + dx, y + dy))
        assert found and all(set(f["properties"]) == {"nombre", "cellule"} for f in found)
        # A cell near an edge is in both tiles, whole, under one id: counted once.
        cells = {f["properties"]["cellule"]: f["properties"]["nombre"] for f in found}
        assert all(cells[f["properties"]["cellule"]] == f["properties"]["nombre"] for f in found)
        assert sum(cells.values()) == total, zoom
    # The density view always groups, in smaller cells.
    z, x, y = tile_of(*CENTRE, 17)
    dense = features(get_tile(client_for(users["pilote.demo"]), z, x, y, agregat="1"))
    assert dense and "nombre" in dense[0]["properties"]


def test_a_new_grouping_threshold_is_a_new_tile(users, reports, monkeypatch):
    """Tiles slow to compute are cached under their ETag: a change of the grouping's
    settings must not serve the tiles drawn with the old ones."""
    from signalements.tuiles import LAYER

    z, x, y = tile_of(*CENTRE, 16)
    pilot = client_for(users["pilote.demo"])
    etag = get_tile(pilot, z, x, y)["ETag"]
    monkeypatch.setattr(LAYER, "max_points", 0)
    grouped = pilot.get(f"/api/v1/tuiles/signalements/{z}/{x}/{y}.mvt", HTTP_IF_NONE_MATCH=etag)
    assert grouped.status_code == 200 and grouped["ETag"] != etag
    assert all("nombre" in f["properties"] for f in features(grouped))


def test_etag_then_304_until_a_report_changes(users, reports):
    from signalements.services import change_status

    z, x, y = tile_of(*CENTRE, 16)
    pilot = client_for(users["pilote.demo"])
    first = get_tile(pilot, z, x, y)
    etag = first["ETag"]
    assert etag and first["Cache-Control"] == "private, no-cache"
    again = pilot.get(f"/api/v1/tuiles/signalements/{z}/{x}/{y}.mvt", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    other_filters = pilot.get(f"/api/v1/tuiles/signalements/{z}/{x}/{y}.mvt", {"statut": "nouveau"},
                              HTTP_IF_NONE_MATCH=etag)
    assert other_filters.status_code == 200
    agent = client_for(users["agent.demo"])
    assert agent.get(f"/api/v1/tuiles/signalements/{z}/{x}/{y}.mvt", HTTP_IF_NONE_MATCH=etag).status_code == 200
    change_status(reports["depot"], Statut.EN_COURS, users["pilote.demo"])
    changed = pilot.get(f"/api/v1/tuiles/signalements/{z}/{x}/{y}.mvt", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_public_figure_is_cached_and_forgotten_when_a_status_changes(users, reports):
    from signalements.services import change_status

    api = APIClient()
    count = lambda: sum(f["properties"]["resolus_12_mois"]  # noqa: E731
                        for f in api.get("/api/v1/indicateurs/secteurs-resolus/").json()["features"])
    assert count() == 0
    # A change that bypasses the application (no signal) is not seen: the figure is cached…
    Signalement.objects.filter(pk=reports["depot"].pk).update(statut=Statut.RESOLU, resolu_le=timezone.now())
    assert count() == 0
    # …until a report changes status through the application.
    other = report(users, "agent.demo", "proprete-dechets")
    change_status(other, Statut.RESOLU, users["pilote.demo"])
    assert count() == 2
    assert timedelta(0) <= timezone.now() - other.resolu_le


def test_walk_annotations_as_tiles_for_professionals_only(users):
    from marches import demo as marches_demo
    from marches.models import Annotation

    marches_demo.load()
    annotation = Annotation.objects.select_related("marche").first()
    centre = annotation.geom.point_on_surface.transform(4326, clone=True)
    z, x, y = tile_of(centre.x, centre.y, 17)
    found = features(get_tile(client_for(users["agent.demo"]), z, x, y, layer="annotations",
                              marche=annotation.marche_id), layer="annotations")
    assert str(annotation.uuid) in uuids(found)
    assert set(found[0]["properties"]) <= {"uuid", "marche", "critere"}
    assert get_tile(client_for(), z, x, y, layer="annotations").status_code == 401
    refused = get_tile(client_for(users["agent.demo"]), z, x, y, layer="annotations", marche="x")
    assert refused.status_code == 400


@pytest.mark.parametrize("url", ["/api/v1/secteurs/", "/api/v1/equipements/", "/api/v1/indicateurs/secteurs-resolus/"])
def test_small_layers_and_the_public_figure_answer_304_on_a_matching_etag(users, url):
    api = APIClient()
    first = api.get(url)
    assert first.status_code == 200 and first["ETag"]
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert api.get(url, HTTP_IF_NONE_MATCH='"autre"').status_code == 200
