"""Chantiers: demo programme, API (reprojection, filters, bbox), milestones, permissions."""

import datetime
import json

import pytest
from django.contrib.gis.geos import LineString, Point, Polygon
from django.core.management import call_command

from chantiers import demo as chantiers_demo
from chantiers.models import Chantier, Jalon, Proposition
from territoire.models import Acteur, Secteur, Territoire
from tests.factories import ActeurFactory, ChantierFactory, JalonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(demo):
    chantiers_demo.load()
    return demo


def by_slug(slug):
    return Chantier.objects.get(slug=slug)


# --- demo programme ----------------------------------------------------------------------

def test_demo_programme_follows_the_protocol_and_is_idempotent(programme):
    chantiers_demo.load()
    call_command("charger_demo")
    assert Chantier.objects.count() == 18
    assert not Chantier.objects.filter(demonstration=False).exists()
    ardennes = by_slug("demolition-impasse-des-ardennes")
    assert (ardennes.type, ardennes.statut, ardennes.logements_demolis) == ("demolition", "livre", 162)
    assert ardennes.maitre_ouvrage.slug == "oph"
    assert ardennes.debut_reel.year == 2018 and ardennes.fin_reelle.year == 2019
    bourgogne = by_slug("rehabilitation-allee-de-bourgogne")
    assert (bourgogne.type, bourgogne.logements_rehabilites) == ("rehabilitation", 68)
    reseau = by_slug("reseau-de-chaleur")
    assert (reseau.type, reseau.geom.geom_type) == ("reseau", "LineString")
    names = " ".join(Chantier.objects.values_list("nom", flat=True))
    for expected in ("EHPAD", "Maison de santé", "Chaufferie biomasse", "centre socioculturel", "gymnase",
                     "Maison France Services", "Maison des internes", "Vosges", "Sapinière", "Ardennes"):
        assert expected in names, expected
    kinds = set(Chantier.objects.values_list("type", flat=True))
    assert {"demolition", "rehabilitation", "construction", "espace_public", "friche", "equipement",
            "reseau"} <= kinds
    assert Jalon.objects.count() > 30 and Jalon.objects.count() == Jalon.objects.distinct().count()
    assert Proposition.objects.filter(statut="publiee", demonstration=True).count() == 3


def test_demo_geometry_lies_inside_the_demo_perimeter(programme):
    perimeter = Territoire.objects.get().geom
    outside = [c.slug for c in Chantier.objects.all() if not perimeter.contains(c.geom)]
    assert outside == []
    # Each site sits in the sector it is named after.
    sectors = {s.slug: s.geom for s in Secteur.objects.all()}
    assert sectors["ardennes"].contains(by_slug("demolition-impasse-des-ardennes").geom)
    assert sectors["vosges"].contains(by_slug("construction-site-des-vosges").geom)
    assert sectors["sapiniere"].contains(by_slug("demolition-sapiniere").geom)
    assert sectors["bourgogne-champagne"].contains(by_slug("rehabilitation-allee-de-bourgogne").geom)


# --- API ----------------------------------------------------------------------------------

def test_api_reprojects_to_wgs84_exactly(api):
    # Lambert-93's false origin (700000, 6600000) is exactly 3°E, 46.5°N.
    ChantierFactory(geom=Point(700000, 6600000, srid=2154))
    feature = api.get("/api/v1/chantiers/").json()["features"][0]
    assert feature["geometry"]["type"] == "Point"
    lon, lat = feature["geometry"]["coordinates"]
    assert lon == pytest.approx(3.0, abs=1e-9) and lat == pytest.approx(46.5, abs=1e-9)


def test_api_line_and_properties(api):
    mo = ActeurFactory(slug="ville", nom="Ville de Bar-le-Duc")
    ChantierFactory(nom="Réseau", type="reseau", maitre_ouvrage=mo,
                    geom=LineString((859400, 6855300), (859600, 6855350), srid=2154))
    data = api.get("/api/v1/chantiers/").json()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 1
    feature = data["features"][0]
    assert feature["geometry"]["type"] == "LineString"
    assert 5.1 < feature["geometry"]["coordinates"][0][0] < 5.2
    props = feature["properties"]
    assert props["maitre_ouvrage"] == "ville" and props["maitre_ouvrage_nom"] == "Ville de Bar-le-Duc"
    assert props["type_libelle"] == "Réseau" and props["statut_libelle"] == "Travaux"
    assert props["url"] == f"/chantiers/{feature['id']}/"


def test_api_filters_kind_status_owner_period_and_bbox(api):
    oph = ActeurFactory(slug="oph")
    ville = ActeurFactory(slug="ville")
    ChantierFactory(slug="a", type="demolition", statut="livre", maitre_ouvrage=oph,
                    debut_prevu=datetime.date(2018, 1, 1), fin_prevue=datetime.date(2019, 12, 31))
    ChantierFactory(slug="b", type="construction", statut="etudes", maitre_ouvrage=oph,
                    debut_prevu=datetime.date(2025, 1, 1), fin_prevue=datetime.date(2027, 12, 31))
    ChantierFactory(slug="c", type="friche", statut="programme", maitre_ouvrage=ville,
                    geom=Point(700000, 6600000, srid=2154))

    def slugs(**params):
        data = api.get("/api/v1/chantiers/", params).json()
        assert "features" in data, data
        return sorted(Chantier.objects.get(pk=f["id"]).slug for f in data["features"])

    assert slugs(type="demolition") == ["a"]
    assert slugs(kind="construction,friche") == ["b", "c"]
    assert slugs(statut="livre,etudes") == ["a", "b"]
    assert slugs(maitre_ouvrage="ville") == ["c"]
    assert slugs(depuis="2020-01-01") == ["b", "c"]  # c has no date: nothing says it is over
    assert slugs(jusqua="2019-06-30") == ["a", "c"]
    assert slugs(depuis="2019-06-01", jusqua="2019-07-01") == ["a", "c"]
    assert slugs(friche="false") == ["a", "b"]
    assert slugs(friche="true") == ["c"]
    assert slugs(bbox="2.9,46.4,3.1,46.6") == ["c"]


@pytest.mark.parametrize("params, field, fragment", [
    ({"type": "piscine"}, "type", "choix valide"),
    ({"statut": "fini"}, "statut", "choix valide"),
    ({"depuis": "2025-13-01"}, "depuis", "AAAA-MM-JJ"),
    ({"bbox": "1,2,3"}, "bbox", "4 nombres"),
])
def test_api_bad_filters_are_french_400(api, params, field, fragment):
    response = api.get("/api/v1/chantiers/", params)
    assert response.status_code == 400
    body = response.json()
    assert fragment in body["errors"][field][0]


def test_api_is_read_only_and_avoids_n_plus_one(api, pilote, django_assert_max_num_queries):
    for _ in range(15):
        chantier = ChantierFactory()
        chantier.financeurs.add(ActeurFactory())
    with django_assert_max_num_queries(4):
        data = api.get("/api/v1/chantiers/").json()
    assert len(data["features"]) == 15
    api.force_authenticate(pilote)
    assert api.post("/api/v1/chantiers/", {}, format="json").status_code == 405


# --- milestones and lateness --------------------------------------------------------------

def test_milestone_lateness(settings):
    today = datetime.date.today()
    chantier = ChantierFactory(fin_prevue=today - datetime.timedelta(days=1))
    late_done = JalonFactory(chantier=chantier, date_prevue=datetime.date(2024, 1, 1),
                             date_reelle=datetime.date(2024, 1, 11))
    on_time = JalonFactory(chantier=chantier, date_prevue=datetime.date(2024, 1, 1),
                           date_reelle=datetime.date(2023, 12, 20))
    overdue = JalonFactory(chantier=chantier, date_prevue=today - datetime.timedelta(days=5))
    future = JalonFactory(chantier=chantier, date_prevue=today + datetime.timedelta(days=5))
    assert (late_done.retard_jours, late_done.en_retard) == (10, True)
    assert (on_time.retard_jours, on_time.en_retard) == (0, False)
    assert (overdue.retard_jours, overdue.en_retard) == (5, True)
    assert future.en_retard is False
    assert chantier.en_retard is True
    chantier.statut = "livre"
    assert chantier.en_retard is False


def test_detail_page_shows_planned_against_actual_and_late_milestones(client):
    chantier = ChantierFactory(nom="Réhabilitation test", demonstration=True,
                               heures_insertion_prevues=1000, heures_insertion_realisees=250,
                               beneficiaires_qpv=4, logements_rehabilites=68)
    JalonFactory(chantier=chantier, libelle="Ordre de service", date_prevue=datetime.date(2021, 9, 1),
                 date_reelle=datetime.date(2022, 1, 10))
    JalonFactory(chantier=chantier, libelle="Réception", date_prevue=datetime.date(2023, 6, 30))
    html = client.get(f"/chantiers/{chantier.pk}/").content.decode()
    assert "Ordre de service" in html and "131 jours de retard" in html
    assert "non atteint, en retard de" in html
    assert "250 h réalisées sur 1\xa0000 h prévues (25 %)" in html  # French grouping (issue 12)
    assert "Donnée de démonstration" in html
    assert "data-geometry=" in html


def test_list_page_filters_and_flags_late(client):
    ChantierFactory(nom="Démolition A", type="demolition", fin_prevue=datetime.date(2020, 1, 1))
    ChantierFactory(nom="Construction B", type="construction", statut="livre")
    html = client.get("/chantiers/").content.decode()
    assert "Démolition A" in html and "Construction B" in html and "en retard" in html
    html = client.get("/chantiers/", {"type": "construction"}).content.decode()
    assert "Démolition A" not in html and "Construction B" in html
    html = client.get("/chantiers/", {"retard": "on"}).content.decode()
    assert "Démolition A" in html and "Construction B" not in html
    response = client.get("/chantiers/", {"depuis": "pas-une-date"})
    assert response.status_code == 400 and "Date illisible" in response.content.decode()


# --- editing (pilots only) -----------------------------------------------------------------

SQUARE_WGS84 = {"type": "Polygon", "coordinates": [[[5.165, 48.777], [5.166, 48.777], [5.166, 48.778],
                                                     [5.165, 48.778], [5.165, 48.777]]]}


def chantier_post(acteur, geom, **extra):
    data = {
        "nom": "Nouvelle aire de jeux", "type": "espace_public", "statut": "programme",
        "maitre_ouvrage": acteur.pk, "geom": json.dumps(geom),
        "logements_demolis": 0, "logements_rehabilites": 0, "logements_construits": 0,
        "heures_insertion_prevues": 100, "heures_insertion_realisees": 0, "beneficiaires_qpv": 0,
        "jalons-TOTAL_FORMS": 1, "jalons-INITIAL_FORMS": 0, "jalons-MIN_NUM_FORMS": 0,
        "jalons-MAX_NUM_FORMS": 1000, "jalons-0-libelle": "Concertation", "jalons-0-date_prevue": "2026-03-01",
        "jalons-0-ordre": 0,
    }
    data.update(extra)
    return data


def test_only_pilots_edit(client, agent, demo):
    chantier = ChantierFactory()
    assert client.get("/chantiers/nouveau/").status_code == 302  # to the login page
    client.force_login(agent)
    assert client.get("/chantiers/nouveau/").status_code == 403
    response = client.post(f"/chantiers/{chantier.pk}/modifier/", chantier_post(chantier.maitre_ouvrage, SQUARE_WGS84))
    assert response.status_code == 403 and "réservée aux pilotes" in response.content.decode()
    assert Chantier.objects.get(pk=chantier.pk).nom == chantier.nom


def test_pilot_creates_a_chantier_drawn_in_wgs84_stored_in_lambert93(client, pilote, demo):
    client.force_login(pilote)
    acteur = Acteur.objects.get(slug="ville")
    response = client.post("/chantiers/nouveau/", chantier_post(acteur, SQUARE_WGS84))
    assert response.status_code == 302, response.content.decode()[:2000]
    chantier = Chantier.objects.get(nom="Nouvelle aire de jeux")
    assert chantier.geom.srid == 2154
    assert chantier.geom.geom_type == "Polygon"
    assert 859000 < chantier.geom.centroid.x < 860000  # Lambert-93 metres, not degrees
    assert chantier.territoire == demo
    assert chantier.slug == "nouvelle-aire-de-jeux"
    assert chantier.jalons.get().libelle == "Concertation"


def test_csrf_is_enforced_on_edit_forms(pilote, demo):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(pilote)
    response = client.post("/chantiers/nouveau/", chantier_post(Acteur.objects.get(slug="ville"), SQUARE_WGS84))
    assert response.status_code == 403
    assert not Chantier.objects.exists()


def test_self_intersecting_polygon_repaired_when_meaning_kept(client, pilote, demo):
    # A ring with a tiny spike back on itself: invalid, its repair keeps the surface.
    spiky = {"type": "Polygon", "coordinates": [[[5.165, 48.777], [5.166, 48.777], [5.166, 48.778],
                                                 [5.1655, 48.778], [5.1655, 48.7785], [5.1655, 48.778],
                                                 [5.165, 48.778], [5.165, 48.777]]]}
    client.force_login(pilote)
    response = client.post("/chantiers/nouveau/", chantier_post(Acteur.objects.get(slug="ville"), spiky))
    assert response.status_code == 302
    assert Chantier.objects.get().geom.valid


def test_bow_tie_is_refused_with_a_french_message(client, pilote, demo):
    bow_tie = {"type": "Polygon", "coordinates": [[[5.165, 48.777], [5.166, 48.778], [5.166, 48.777],
                                                   [5.165, 48.778], [5.165, 48.777]]]}
    client.force_login(pilote)
    response = client.post("/chantiers/nouveau/", chantier_post(Acteur.objects.get(slug="ville"), bow_tie))
    assert response.status_code == 400
    html = response.content.decode()
    assert "se croise" in html and "Redessinez-la" in html
    assert not Chantier.objects.exists()


@pytest.mark.parametrize("geom, fragment", [
    ("pas du json", "GeoJSON lisible"),
    ({"type": "GeometryCollection", "geometries": []}, "un seul type"),
    ({"type": "Polygon", "coordinates": [[[48.777, 5.165], [48.778, 5.166], [48.777, 95.0], [48.777, 5.165]]]},
     "hors du globe"),
    ({"type": "Point", "coordinates": [48.777, 5.165]}, "inversées"),
    ({"type": "Point", "coordinates": [2.35, 48.85]}, "km du périmètre"),
    ({"type": "LineString", "coordinates": [[5.165, 48.777], [5.165, 48.777]]}, "deux points distincts"),
    ({"type": "Polygon", "coordinates": "x"}, "mal formées"),
    ("", "Dessinez l'emprise"),
])
def test_bad_geometries_are_refused_in_french(client, pilote, demo, geom, fragment):
    client.force_login(pilote)
    raw = geom if isinstance(geom, str) else json.dumps(geom)
    data = chantier_post(Acteur.objects.get(slug="ville"), {})
    data["geom"] = raw
    response = client.post("/chantiers/nouveau/", data)
    assert response.status_code == 400
    assert fragment in response.content.decode()
    assert not Chantier.objects.exists()


def test_pilot_edits_geometry_to_a_line(client, pilote, demo):
    chantier = ChantierFactory(maitre_ouvrage=Acteur.objects.get(slug="ville"))
    client.force_login(pilote)
    page = client.get(f"/chantiers/{chantier.pk}/modifier/").content.decode()
    assert "leaflet-geoman" in page and 'name="csrfmiddlewaretoken"' in page
    line = {"type": "LineString", "coordinates": [[5.165, 48.777], [5.170, 48.778]]}
    data = chantier_post(chantier.maitre_ouvrage, line, nom=chantier.nom, **{"jalons-TOTAL_FORMS": 0})
    response = client.post(f"/chantiers/{chantier.pk}/modifier/", data)
    assert response.status_code == 302
    chantier.refresh_from_db()
    assert chantier.geom.geom_type == "LineString" and chantier.geom.srid == 2154


# --- the contract the reports app relies on ----------------------------------------------

def test_field_names_used_by_report_routing():
    fields = {f.name for f in Chantier._meta.get_fields()}
    assert {"geom", "maitre_ouvrage", "statut"} <= fields
    chantier = ChantierFactory(geom=Polygon.from_bbox((859400, 6855200, 859500, 6855300)))
    chantier.geom.srid = 2154
    assert Chantier.objects.filter(maitre_ouvrage=chantier.maitre_ouvrage, statut="travaux").exists()


def test_anonymous_sees_published_proposals_without_authors(api):
    author = UserFactory(username="habitante", first_name="Awa", last_name="Diallo")
    from tests.factories import PropositionFactory

    published = PropositionFactory(auteur=author, titre="Jardin")
    PropositionFactory(friche=published.friche, auteur=author, titre="En attente", statut="en_attente")
    data = api.get("/api/v1/propositions/").json()
    assert [f["properties"]["titre"] for f in data["features"]] == ["Jardin"]
    text = json.dumps(data)
    assert "habitante" not in text and "Diallo" not in text and "auteur" not in text
    # Without a sketch, the proposal sits on its friche.
    assert data["features"][0]["geometry"]["type"] == "Point"
