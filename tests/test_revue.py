"""The comité de pilotage's review: its CSV figures equal the dashboard's for the same
period (both read the apps' indicateurs.py), bad periods are French 400s, and the page
prints to PDF in Chromium with its map."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from revue.exports import TABLES

pytestmark = pytest.mark.django_db

YEAR_END = timezone.localdate()
YEAR = {"depuis": (YEAR_END - timedelta(days=365)).isoformat(), "jusqua": YEAR_END.isoformat()}


@pytest.fixture
def full_demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("charger_demo", stdout=io.StringIO())


@pytest.fixture
def pilote_client(full_demo):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="pilote.demo"))
    return client


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def cell(value):
    """A figure as the CSV writes it (a whole float without its « .0 », as a spreadsheet reads it)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value)


def test_the_reviews_csv_figures_equal_the_dashboards_for_the_demo_year(pilote_client):
    dashboard = pilote_client.get("/tableau-de-bord/", YEAR)
    assert dashboard.status_code == 200
    figures = dashboard.context
    assert figures["signalements"]["recus"] > 300  # the demo year is not empty

    by_service = read_csv(pilote_client.get("/revue/signalements-par-service.csv", YEAR))
    assert by_service[0][:3] == ["Service", "Reçus", "Résolus"]
    assert by_service[1:] == [[cell(r[k]) for k in ("acteur", "recus", "resolus", "ouverts", "en_retard",
                                                    "mediane_jours", "dans_delai_pct")]
                              for r in figures["signalements"]["par_acteur"]]
    assert sum(int(row[1]) for row in by_service[1:]) == figures["signalements"]["recus"]

    keys = dict(((row[0], row[1]), row[2]) for row in
                read_csv(pilote_client.get("/revue/chiffres-cles.csv", YEAR))[1:])
    assert keys[("GUSP", "Signalements reçus")] == str(figures["signalements"]["recus"])
    assert keys[("GUSP", "Résolus")] == str(figures["signalements"]["resolus"])
    assert keys[("GUSP", "En retard en fin de période")] == str(figures["signalements"]["en_retard"])
    assert keys[("Renouvellement urbain", "Heures d'insertion réalisées")] == str(
        figures["chantiers"]["heures_realisees"])
    assert keys[("Renouvellement urbain", "Jalons manqués sur la période")] == str(
        figures["chantiers"]["jalons_en_retard"])
    assert keys[("Marches exploratoires", "Préconisations")] == str(figures["marches"]["total"])

    axes = read_csv(pilote_client.get("/revue/engagements-par-axe.csv", YEAR))
    assert axes[1:] == [[row["axe"], *map(str, row["cells"]), str(row["total"])]
                        for row in figures["engagements"]["axes"]]
    assert sum(int(row[-1]) for row in axes[1:]) == 42
    for key in TABLES:  # every table answers for the period
        assert pilote_client.get(f"/revue/{key}.csv", YEAR).status_code == 200

    review = pilote_client.get("/revue/", YEAR)
    assert review.status_code == 200
    assert review.context["signalements"] == figures["signalements"]
    assert review.context["chantiers"] == figures["chantiers"]


def test_a_shorter_period_counts_fewer_reports(pilote_client):
    month = {"depuis": (YEAR_END - timedelta(days=30)).isoformat(), "jusqua": YEAR_END.isoformat()}
    year = dict(((r[0], r[1]), r[2]) for r in read_csv(pilote_client.get("/revue/chiffres-cles.csv", YEAR)))
    last = dict(((r[0], r[1]), r[2]) for r in read_csv(pilote_client.get("/revue/chiffres-cles.csv", month)))
    assert 0 < int(last[("GUSP", "Signalements reçus")]) < int(year[("GUSP", "Signalements reçus")])


def test_bad_periods_are_french_400s_and_the_review_is_for_pilots(pilote_client):
    for query, message in [({"depuis": "2026-13-01", "jusqua": "2026-12-31"}, "Date illisible"),
                           ({"depuis": "2026-06-01", "jusqua": "2026-01-01"}, "précède son début"),
                           ({"depuis": "2000-01-01", "jusqua": "2026-01-01"}, "trop longue"),
                           ({"depuis": "2026-01-01"}, "Indiquez cette date")]:
        response = pilote_client.get("/revue/", query)
        assert response.status_code == 400 and message in response.content.decode()
        assert pilote_client.get("/revue/chiffres-cles.csv", query).status_code == 400
        assert pilote_client.get("/tableau-de-bord/", query).status_code == 400
    assert pilote_client.get("/revue/inconnu.csv", YEAR).status_code == 404
    from django.contrib.auth import get_user_model

    oph = Client()
    oph.force_login(get_user_model().objects.get(username="oph.demo"))
    assert oph.get("/revue/", YEAR).status_code == 403
    assert oph.get("/revue/chiffres-cles.csv", YEAR).status_code == 403
    assert Client().get("/revue/").status_code == 302


def test_the_review_shows_the_map_the_decisions_and_the_late_milestones(pilote_client,
                                                                        django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        response = pilote_client.get("/revue/", YEAR)
    page = response.content.decode()
    assert "<svg" in page and 'class="svg-point-chaud"' in page and 'class="svg-perimetre"' in page
    assert "Arbitrer le calendrier de la rénovation du centre socioculturel." in page
    assert "Réseau de chaleur" in page or "réseau de chaleur" in page
    assert response.context["plan"]["points"][0]["n"] >= response.context["plan"]["points"][-1]["n"]
