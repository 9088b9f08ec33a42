"""The lean report path: SQL statements of one POST, with a token as the phone sends it."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from signalements.models import Signalement
from tests.test_signalements_api import feature

pytestmark = pytest.mark.django_db

MAX_SQL_PER_POST = 8


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.mark.parametrize("categorie", ["depots-sauvage", "chantier-cloture", "tranquillite-bruit"])
def test_a_routed_report_post_runs_at_most_8_sql_statements(users, jobs, categorie, django_assert_max_num_queries):
    client = token_client(users["agent.demo"])
    client.post("/api/v1/signalements/", feature(), format="json")  # warm the per-process caches
    with django_assert_max_num_queries(MAX_SQL_PER_POST) as captured:
        response = client.post("/api/v1/signalements/", feature(categorie=categorie), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["properties"]["statut"] == "transmis" and body["properties"]["acteur"]
    assert body["properties"]["secteur"] == "place-sainte-catherine"
    # One INSERT for the report (routed), one for its two history rows, one queued job.
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 2
    report = Signalement.objects.get(uuid=body["id"])
    assert list(report.evenements.values_list("type", flat=True)) == ["creation", "transmission"]
    assert jobs.waiting()[-1] == "signalements.tasks.notify_acteur"


def test_an_admin_change_of_routing_is_seen_by_the_next_report(users, jobs):
    from signalements.models import Categorie, RegleRoutage
    from territoire.models import Acteur

    client = token_client(users["agent.demo"])
    first = client.post("/api/v1/signalements/", feature(), format="json").json()
    assert first["properties"]["acteur"] == "agglo-dechets"
    RegleRoutage.objects.create(categorie=Categorie.objects.get(slug="depots-sauvage"),
                                acteur=Acteur.objects.get(slug="oph"))
    second = client.post("/api/v1/signalements/", feature(), format="json").json()
    assert second["properties"]["acteur"] == "oph"


@pytest.mark.parametrize("categorie", ["depots-sauvage", "autre"])
def test_the_post_answer_is_what_the_detail_serializer_writes(users, categorie):
    from commun.geometry import with_api_geom
    from signalements.serializers import SignalementSerializer

    client = token_client(users["agent.demo"])
    data = feature(categorie=categorie, photos=["0b7c5d3e-8a4f-4c1e-9d2b-6f1a2e3c4d5e"])
    body = client.post("/api/v1/signalements/", data, format="json").json()
    stored = with_api_geom(Signalement.objects.filter(uuid=body["id"])).get()
    expected = SignalementSerializer(stored).data
    lon, lat = expected.pop("geometry")["coordinates"]
    got = body.pop("geometry")["coordinates"]
    assert got == pytest.approx([lon, lat], abs=1e-9)  # the point received / its round trip through Lambert-93
    assert body == expected
