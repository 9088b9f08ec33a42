"""The volume generator, and keyset pages over its rows while reports keep arriving."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from rest_framework.test import APIClient

from signalements.models import Evenement, Signalement
from tests.test_signalements_api import feature

pytestmark = pytest.mark.django_db


@pytest.fixture
def volume(users):
    call_command("generer_volume", signalements=300, chantiers=5, annotations=0, verbosity=0)
    return users


def test_generator_writes_realistic_rows_with_history(volume):
    assert Signalement.objects.count() == 300
    assert Signalement.objects.exclude(secteur=None).count() > 150  # most fall in a sector
    statuses = set(Signalement.objects.values_list("statut", flat=True))
    assert {"resolu", "transmis"} <= statuses
    assert Evenement.objects.filter(type="creation").count() == 300
    assert Signalement.objects.filter(statut="resolu", resolu_le=None).count() == 0


def test_generator_refuses_a_database_not_marked_for_benchmarks(db, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "qpv_production")
    with pytest.raises(CommandError, match="banc d'essai"):
        call_command("generer_volume", signalements=10, verbosity=0)
    with pytest.raises(CommandError, match="positifs"):
        call_command("generer_volume", signalements=-1, force=True, verbosity=0)


def test_keyset_pages_give_every_row_once_while_reports_arrive(volume):
    pilot = APIClient()
    pilot.force_authenticate(volume["pilote.demo"])
    agent = APIClient()
    agent.force_authenticate(volume["agent.demo"])
    before = set(str(u) for u in Signalement.objects.values_list("uuid", flat=True))
    seen, added = [], []
    page = pilot.get("/api/v1/signalements/", {"page_size": 37}).json()
    while True:
        seen += [f["id"] for f in page["features"]]
        # A report arrives between two pages (newer than every row: before the cursor).
        response = agent.post("/api/v1/signalements/", feature(), format="json")
        assert response.status_code == 201
        added.append(response.json()["id"])
        if not page["next"]:
            break
        page = pilot.get(page["next"]).json()
    assert len(seen) == len(set(seen))
    assert set(seen) == before  # every row that was there, once; none of the new ones doubled
    assert "count" not in page
    # `previous` walks back over the same rows, in the same order.
    back = pilot.get(page["previous"]).json()
    assert [f["id"] for f in back["features"]] == seen[-len(page["features"]) - 37:-len(page["features"])]
    # The newest reports open the list (order: reception time, newest first).
    first = pilot.get("/api/v1/signalements/", {"page_size": 3}).json()
    assert [f["id"] for f in first["features"]] == added[::-1][:3]


def test_keyset_pages_keep_filters_and_refuse_a_forged_cursor(volume):
    pilot = APIClient()
    pilot.force_authenticate(volume["pilote.demo"])
    expected = set(str(u) for u in Signalement.objects.filter(statut="resolu").values_list("uuid", flat=True))
    seen = []
    url, params = "/api/v1/signalements/", {"statut": "resolu", "page_size": 50}
    while url:
        page = pilot.get(url, params).json()
        seen += [f["id"] for f in page["features"]]
        url, params = page["next"], None
    assert set(seen) == expected and len(seen) == len(expected)
    for cursor in ("nimportequoi", "eyJ2IjpbImEiXX0", "eyJ2IjpbImhpZXIiLCAxXX0"):
        response = pilot.get("/api/v1/signalements/", {"cursor": cursor})
        assert response.status_code == 400, cursor
        assert "Curseur" in response.json()["detail"]
    assert pilot.get("/api/v1/signalements/", {"page_size": "beaucoup"}).status_code == 400


def test_openapi_pagination_schema_is_a_feature_collection_with_links(api, db):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    ok = schema["paths"]["/api/v1/signalements/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    page = schema["components"]["schemas"][ok["$ref"].split("/")[-1]]
    collection, links = page["allOf"]
    assert set(links["required"]) == {"type", "features", "next", "previous"}
    assert set(links["properties"]) == {"next", "previous"}
    features = schema["components"]["schemas"][collection["$ref"].split("/")[-1]]["properties"]["features"]
    assert features["items"]["$ref"].endswith("/SignalementList")
    names = {p["name"] for p in schema["paths"]["/api/v1/signalements/"]["get"]["parameters"]}
    assert {"cursor", "page_size", "bbox"} <= names and "page" not in names
