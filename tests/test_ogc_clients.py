"""The OGC service read by real clients over HTTP, as QGIS would: GDAL's OAPIF driver
(`ogrinfo`, `ogr2ogr`, Debian gdal-bin) and OWSLib. Every collection of the demo, counted
across several pages, equals what the database holds for that account; OWSLib also reads
each one in Lambert-93 (Part 2), which GDAL 3.6's driver does not ask for."""

import json
import re
import subprocess
from urllib.parse import parse_qs, urlparse

import pytest
from owslib.ogcapi.features import Features
from rest_framework.authtoken.models import Token

from commun import courriels
from commun.exports import EXPORT_LAYERS

pytestmark = pytest.mark.django_db(transaction=True)
EPSG_2154 = "http://www.opengis.net/def/crs/EPSG/0/2154"
COLLECTIONS = ["territoires", "secteurs", "equipements", "chantiers", "friches", "propositions", "signalements",
               "marches", "annotations"]


@pytest.fixture
def full_demo(users):
    from chantiers import demo as chantiers_demo
    from marches import demo as marches_demo
    from signalements import demo as signalements_demo

    with courriels.paused():
        chantiers_demo.load()
        signalements_demo.load()
        marches_demo.load()
    return users


def expected_counts(rf, user):
    request = rf.get("/")
    request.user = user
    return {key: EXPORT_LAYERS[key].queryset(request).count() for key in COLLECTIONS}


def gdal(*args, token=None):
    config = ["--config", "GDAL_HTTP_HEADERS", f"Authorization: Token {token}"] if token else []
    result = subprocess.run([args[0], *config, *args[1:]], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_gdal_reads_every_collection_with_its_real_count(live_server, full_demo, rf, tmp_path):
    pilote = full_demo["pilote.demo"]
    token = Token.objects.create(user=pilote).key
    counts = expected_counts(rf, pilote)
    assert counts["signalements"] > 200 and all(counts.values()), counts
    url = f"OAPIF:{live_server.url}/ogc/"
    listing = gdal("ogrinfo", "-ro", "-q", url, token=token)
    for key in COLLECTIONS:
        assert re.search(rf"^\d+: {key}\b", listing, re.M), listing
    summary = gdal("ogrinfo", "-so", url, "chantiers")
    assert f"Feature Count: {counts['chantiers']}" in summary
    assert 'ID["EPSG",4326]' in summary
    for key in COLLECTIONS:
        target = tmp_path / f"{key}.geojson"
        # 25 per page: the reports and the annotations take several pages.
        gdal("ogr2ogr", "-f", "GeoJSON", str(target), "-oo", "PAGE_SIZE=25", url, key, token=token)
        features = json.loads(target.read_text())["features"]
        assert len(features) == counts[key], key
    reports = json.loads((tmp_path / "signalements.geojson").read_text())["features"]
    assert len({f["properties"]["uuid"] for f in reports}) == counts["signalements"]


def test_gdal_without_token_sees_only_public_collections(live_server, full_demo):
    listing = gdal("ogrinfo", "-ro", "-q", f"OAPIF:{live_server.url}/ogc/")
    assert "chantiers" in listing and "signalements" not in listing
    result = subprocess.run(["ogrinfo", "-so", f"OAPIF:{live_server.url}/ogc/collections/signalements"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0


def all_items(api, key, **params):
    """Every feature of a collection, following the `next` links page by page."""
    features, pages = [], 0
    while True:
        page = api.collection_items(key, **params)
        features += page["features"]
        pages += 1
        following = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
        if not following:
            return features, pages
        params = {k: v[0] for k, v in parse_qs(urlparse(following).query).items()}


def test_owslib_reads_every_collection_in_wgs84_and_lambert93(live_server, full_demo, rf):
    agent = full_demo["agent.demo"]
    token = Token.objects.create(user=agent).key
    counts = expected_counts(rf, agent)
    api = Features(f"{live_server.url}/ogc/", headers={"Authorization": f"Token {token}"})
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in api.conformance()["conformsTo"]
    listed = [c["id"] for c in api.collections()["collections"]]
    assert listed == list(EXPORT_LAYERS)
    for key in COLLECTIONS:
        assert EPSG_2154 in api.collection(key)["crs"]
        wgs84, pages = all_items(api, key, limit=20)
        assert len(wgs84) == counts[key], key
        if counts[key] > 20:
            assert pages > 1
        lambert, _ = all_items(api, key, limit=50, crs=EPSG_2154)
        assert len(lambert) == counts[key], key
        for feature in wgs84[:3]:
            lon, lat = first_position(feature["geometry"]["coordinates"])
            assert 5.1 < lon < 5.25 and 48.7 < lat < 48.8
        for feature in lambert[:3]:
            x, y = first_position(feature["geometry"]["coordinates"])
            assert 855000 < x < 865000 and 6850000 < y < 6860000
    schema = api.collection_queryables("signalements")
    assert "statut" in schema["properties"]


def first_position(coordinates):
    while isinstance(coordinates[0], list):
        coordinates = coordinates[0]
    return coordinates
