"""The territory's public page, the favicon and the meta description of every page."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from chantiers.models import Chantier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_complete(db):
    call_command("charger_demo", stdout=io.StringIO())


def test_the_territory_page_is_public_and_says_what_the_seed_says(demo_complete):
    response = Client().get("/territoire/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Côte Sainte-Catherine" in page
    assert "Logements sociaux</dt><dd>environ 1 300" in page
    assert "12 février 2020" in page and 'datetime="2020-02-12"' in page
    for signataire in ("Préfet de la Meuse".lower(), "communauté d'agglomération bar-le-duc sud meuse",
                       "conseil citoyen de la côte sainte-catherine", "office public de l'habitat (oph) de la meuse",
                       "conseil départemental de la meuse", "agence régionale de santé grand est",
                       "caisse d'allocations familiales de la meuse",
                       "chambre des métiers et de l'artisanat de la meuse"):
        assert signataire in page.lower().replace("&#x27;", "'"), signataire
    for instance in ("Comité de pilotage", "Comité technique", "Groupes de travail", "Conseil citoyen"):
        assert instance in page
    # The programme's figures come from the chantiers, and the demo ones say so.
    assert "Le programme de renouvellement en chiffres" in page
    assert Chantier.objects.filter(demonstration=True).exists()
    assert page.count("démonstration") >= 6
    total = sum(Chantier.objects.values_list("logements_demolis", flat=True))
    assert f"{total:,}".replace(",", "\u202f") in page or str(total) in page


def test_the_territory_page_shows_no_personal_data(demo_complete):
    UserFactory(username="jean.dupont", email="jean.dupont@example.org", first_name="Jean", last_name="Dupont")
    page = Client().get("/territoire/").content.decode()
    # No e-mail address, no account, and the signatories by office, not by name.
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", page)
    for name in ("JOLY", "ROCHATTE", "PICARD", "NAHANT", "LEONARD", "RAULIN", "SPAETH", "THIROLLE", "TOURNOIS",
                 "jean.dupont", "Dupont", ".demo"):
        assert name not in page, name


def test_every_page_has_a_favicon_a_description_and_the_territory_link(demo_complete):
    for url in ("/carte/", "/chantiers/", "/territoire/", "/conseil-citoyen/", "/comptes/connexion/"):
        page = Client().get(url).content.decode()
        assert re.search(r'<link rel="icon" href="/static/favicon\.svg" type="image/svg\+xml">', page), url
        description = re.search(r'<meta name="description" content="([^"]+)">', page)
        assert description and len(description.group(1)) > 50, url
        assert 'href="/territoire/"' in page, url
    from django.contrib.staticfiles import finders

    icon = finders.find("favicon.svg")
    assert icon and open(icon, encoding="utf-8").read().startswith("<svg")


def test_a_demo_chantier_marks_its_figures(demo_complete):
    chantier = Chantier.objects.filter(demonstration=True).first()
    page = Client().get(f"/chantiers/{chantier.pk}/").content.decode()
    chiffres = page[page.index("<h2>Chiffres"):]
    assert chiffres.index("démonstration") < 200
    real = Chantier.objects.create(nom="Opération réelle", type="espace_public", statut="programme",
                                   territoire=chantier.territoire, maitre_ouvrage=chantier.maitre_ouvrage,
                                   geom=chantier.geom, demonstration=False)
    page = Client().get(f"/chantiers/{real.pk}/").content.decode()
    assert 'class="badge demo"' not in page
