"""The layered map, server side: which layers each user gets, the public figure per sector,
and the downloadable self-contained map."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from chantiers import demo as chantiers_demo
from commun import carte as carte_module
from commun.carte import ApiLayer
from signalements.models import Categorie, Signalement
from territoire.models import Secteur, Territoire
from tests.factories import ChantierFactory

pytestmark = pytest.mark.django_db
EXTERNAL_ASSET = re.compile(r"""<(?:script|link)[^>]+(?:src|href)=["']?(?:https?:)?//""", re.I)
ANY_SRC = re.compile(r"""<script[^>]+src=|<link[^>]+rel=["']?stylesheet""", re.I)


def layer_configs(html):
    return [json.loads(m) for m in re.findall(r"window\.Carte\.register\([^,]+,[^,]+,\s*(\{.*?\})\);", html, re.S)]


@pytest.fixture
def programme(demo):
    chantiers_demo.load()
    return demo


@pytest.fixture
def reports(programme):
    territoire = Territoire.objects.get()
    ardennes = Secteur.objects.get(slug="ardennes")
    proprete = Categorie.objects.create(slug="depot-carte", nom="Dépôt sauvage")
    securite = Categorie.objects.create(slug="rixe-carte", nom="Rixe", sensible=True)
    now = timezone.now()
    common = {"territoire": territoire, "secteur": ardennes, "geom": Point(5.163, 48.777, srid=4326),
              "observe_le": now}
    Signalement.objects.create(categorie=proprete, statut="resolu", resolu_le=now - timedelta(days=30),
                               description="Texte privé du signalement", **common)
    Signalement.objects.create(categorie=proprete, statut="resolu", resolu_le=now - timedelta(days=500), **common)
    Signalement.objects.create(categorie=securite, statut="resolu", sensible=True,
                               resolu_le=now - timedelta(days=10), **common)
    Signalement.objects.create(categorie=proprete, statut="nouveau", **common)
    return territoire


def test_public_map_has_programme_facilities_and_resolved_figure_only(client, programme):
    html = client.get("/carte/").content.decode()
    keys = [c["key"] for c in layer_configs(html)]
    assert keys == ["territoires", "secteurs", "equipements", "secteurs_resolus", "chantiers", "friches",
                    "propositions"]
    assert "/api/v1/signalements/" not in html
    assert "Carte publique" in html and "Aucune donnée personnelle" in html
    assert "Catégorie des signalements" not in html
    assert not EXTERNAL_ASSET.search(html)
    assert "démonstration" in html


def test_professional_map_adds_reports_clustered_and_heat(client, pilote, programme):
    client.force_login(pilote)
    html = client.get("/carte/").content.decode()
    configs = {c["key"]: c for c in layer_configs(html)}
    assert configs["signalements"]["cluster"] is True
    assert configs["signalements"]["url"].startswith("/api/v1/signalements/")
    assert configs["chaleur"]["heat"] is True and configs["chaleur"]["source"] == "signalements"
    # The live map draws reports from vector tiles; the density from cells counted by the server.
    assert configs["signalements"]["tiles"] == "/api/v1/tuiles/signalements/{z}/{x}/{y}.mvt"
    assert configs["chaleur"]["tiles_params"] == {"agregat": "1"}
    assert "Leaflet.VectorGrid.bundled.min.js" in html
    assert configs["chantiers"]["filters"] == {"depuis": "depuis", "jusqua": "jusqua", "type": "type",
                                               "statut": "statut"}
    assert configs["signalements"]["filters"]["statut_signalement"] == "statut"
    # Groups and density are drawn by the server's tiles: the page does without the
    # cluster and heat plug-ins (the downloaded map, without tiles, inlines them).
    assert "leaflet.markercluster.js" not in html and "leaflet-heat.js" not in html
    assert "MarkerCluster.css" not in html
    assert "Catégorie des signalements" in html
    for label in ("Démolition", "Réseau", "Programmé", "Abandonné"):
        assert label in html  # legend


def test_resident_account_gets_the_public_layers_without_reports(client, programme):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="habitant"))
    html = client.get("/carte/").content.decode()
    assert "/api/v1/signalements/" not in html


def test_public_resolved_per_sector_endpoint_contract(api, reports):
    """Built by the reports developer: public, GeoJSON sectors with `resolus_12_mois`."""
    response = api.get("/api/v1/indicateurs/secteurs-resolus/")
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection"
    by_slug = {f["properties"]["slug"]: f for f in data["features"]}
    assert set(by_slug) == set(Secteur.objects.values_list("slug", flat=True))
    # One resolved in the last 12 months; the old one and the sensitive one do not count.
    assert by_slug["ardennes"]["properties"]["resolus_12_mois"] == 1
    assert by_slug["vosges"]["properties"]["resolus_12_mois"] == 0
    assert by_slug["ardennes"]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert "Texte privé" not in json.dumps(data)


def test_downloaded_map_is_self_contained_with_data_embedded(client, programme):
    response = client.get("/carte/telecharger/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="carte-quartier-')
    html = response.content.decode()
    assert not ANY_SRC.search(html), ANY_SRC.search(html)
    assert "L.version" in html or "leaflet" in html.lower()
    assert "markerClusterGroup" in html and "heatLayer" in html and "window.Carte" in html
    configs = {c["key"]: c for c in layer_configs(html)}
    assert len(configs["chantiers"]["data"]) == 16
    assert len(configs["friches"]["data"]) == 2
    assert len(configs["propositions"]["data"]) == 3
    assert configs["chantiers"]["detail"].startswith("http://testserver/chantiers/")
    assert "signalements" not in configs
    assert "Donn\\u00e9es de d\\u00e9monstration" in html  # the cartouche, JSON-escaped
    assert "user-scalable=no" not in html
    # Only the base map's tiles come from elsewhere (the browser test watches the requests).
    assert "tile.openstreetmap.org/{z}/{x}/{y}.png" in html


def test_downloaded_map_follows_filters_and_visibility(client, pilote, reports):
    client.force_login(pilote)
    html = client.get("/carte/telecharger/", {"type": "demolition", "statut": "livre"}).content.decode()
    configs = {c["key"]: c for c in layer_configs(html)}
    names = sorted(f["properties"]["nom"] for f in configs["chantiers"]["data"])
    assert names == ["Démolition du bâtiment rue des Vosges (48 logements)",
                     "Démolition impasse des Ardennes (162 logements)"]
    assert len(configs["signalements"]["data"]) == 4  # a pilot sees every report
    assert "tiles" not in configs["signalements"]  # the file draws what it embeds
    assert "Filtres : type = demolition, statut = livre" in html


def test_downloaded_map_cannot_be_broken_out_of_by_data(client, programme):
    ChantierFactory(nom="</script><script>alert(1)</script>", type="construction")
    html = client.get("/carte/telecharger/").content.decode()
    assert "</script><script>alert(1)" not in html
    configs = {c["key"]: c for c in layer_configs(html)}
    assert any(f["properties"]["nom"].startswith("</script>") for f in configs["chantiers"]["data"])


def test_more_layers_can_be_registered(client, programme):
    def walks(request):
        return [ApiLayer("Parcours des marches", "marches", "/api/v1/marches/", "marche")]

    carte_module.register_layers(walks)
    try:
        html = client.get("/carte/").content.decode()
        assert "Parcours des marches" in html
    finally:
        carte_module._providers[:] = [p for p in carte_module._providers if p[1] is not walks]


def test_downloaded_map_caps_reports_and_says_so(client, pilote, reports, monkeypatch):
    from signalements import carte as signalements_carte

    original = signalements_carte.report_layers

    def small_cap(request):
        layers = original(request)
        for layer in layers:
            layer.config["download_max"] = 2
            layer.config["url"] = layer.config["url"].replace("page_size=1000", "page_size=2")
        return layers

    monkeypatch.setattr(signalements_carte, "report_layers", small_cap)
    from commun import carte as kernel_carte

    monkeypatch.setattr(kernel_carte, "_providers", [(o, small_cap if p is original else p)
                                                     for o, p in kernel_carte._providers])
    client.force_login(pilote)
    html = client.get("/carte/telecharger/").content.decode()
    configs = {c["key"]: c for c in layer_configs(html)}
    assert len(configs["signalements"]["data"]) == 2
    assert "Carte plafonn\\u00e9e" in html and "les 2 plus r\\u00e9cents" in html
