"""Residents propose a reuse of a friche with a workshop's code, without an account;
the proposal stays hidden until a pilot publishes it."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from chantiers import participation
from chantiers.models import AtelierFriche, Proposition
from territoire.models import Acteur
from tests.factories import ChantierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def friche(demo):
    return ChantierFactory(nom="Friche de la Sapinière", type="friche", statut="etudes",
                           maitre_ouvrage=Acteur.objects.get(slug="ville"))


@pytest.fixture
def atelier(friche, pilote):
    now = timezone.now()
    return AtelierFriche.objects.create(friche=friche, titre="Atelier au centre socioculturel", code="FRC4MR",
                                        debut=now - timedelta(minutes=30), fin=now + timedelta(hours=1),
                                        cree_par=pilote)


def join(code="FRC4MR", client=None):
    client = client or Client()
    return client, client.post("/chantiers/atelier/", {"code": code})


def test_pilot_opens_a_workshop_and_shows_its_code_and_qr(client, friche, pilote):
    client.force_login(pilote)
    start = timezone.localtime() + timedelta(days=2)
    response = client.post(f"/chantiers/{friche.pk}/ateliers/", {
        "titre": "Atelier friche", "lieu": "Centre socioculturel",
        "debut": start.strftime("%Y-%m-%dT%H:%M"), "fin": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")})
    atelier = AtelierFriche.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/chantiers/ateliers/{atelier.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert atelier.code_affiche in page and "<svg" in page and f"?code={atelier.code}" in page
    # The end before the start is a French 400.
    response = client.post(f"/chantiers/{friche.pk}/ateliers/", {
        "titre": "x", "debut": start.strftime("%Y-%m-%dT%H:%M"), "fin": start.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 400 and "La fin doit suivre le début" in response.content.decode()


def test_residents_and_agents_cannot_open_a_workshop(client, friche, agent):
    client.force_login(agent)
    assert client.post(f"/chantiers/{friche.pk}/ateliers/", {"titre": "x"}).status_code == 403


def test_a_resident_proposes_with_the_code_and_it_stays_hidden_until_moderated(atelier, friche, pilote):
    resident, response = join(code=" frc-4mr ")
    assert response.status_code == 302 and response["Location"] == f"/chantiers/atelier/{atelier.pk}/"
    sketch = {"type": "Polygon", "coordinates": [[[5.164, 48.778], [5.165, 48.778], [5.165, 48.779],
                                                  [5.164, 48.778]]]}
    response = resident.post(response["Location"], {"titre": "Un verger", "texte": "Des arbres fruitiers.",
                                                    "geom": json.dumps(sketch)})
    assert response.status_code == 302
    proposition = Proposition.objects.get()
    assert (proposition.statut, proposition.auteur, proposition.atelier) == ("en_attente", None, atelier)
    assert proposition.geom.geom_type == "Polygon" and proposition.geom.srid == 2154
    page = resident.get(f"/chantiers/atelier/{atelier.pk}/").content.decode()
    assert "Un verger" in page and "En attente de modération" in page  # the sender sees its own
    # Hidden from everybody else until a pilot publishes it.
    assert "Un verger" not in Client().get(friche.get_absolute_url()).content.decode()
    api = Client().get(f"/api/v1/propositions/?friche={friche.pk}").json()
    assert api["features"] == []
    moderator = Client()
    moderator.force_login(pilote)
    moderator.post(f"/chantiers/propositions/{proposition.pk}/moderer/", {"decision": "publiee"})
    assert "Un verger" in Client().get(friche.get_absolute_url()).content.decode()


def test_the_session_opens_only_its_workshop(atelier, friche, pilote):
    other = AtelierFriche.objects.create(friche=friche, titre="Autre", debut=atelier.debut, fin=atelier.fin)
    resident, _ = join()
    response = resident.get(f"/chantiers/atelier/{other.pk}/")
    assert response.status_code == 302 and response["Location"] == "/chantiers/atelier/"
    assert Client().post(f"/chantiers/atelier/{atelier.pk}/", {"titre": "x", "texte": "y"}).status_code == 302
    assert not Proposition.objects.exists()


def test_wrong_expired_and_guessed_codes(atelier):
    _, response = join(code="ZZZ999")
    assert response.status_code == 400 and "Code « ZZZ999 » inconnu" in response.content.decode()
    assert Client().post("/chantiers/atelier/", {}).status_code == 400
    atelier.debut, atelier.fin = timezone.now() - timedelta(hours=5), timezone.now() - timedelta(hours=3)
    atelier.save()
    _, response = join()
    assert response.status_code == 410 and "a expiré" in response.content.decode()
    client = Client()
    for _ in range(participation.GUESSES.per_session - 1):
        join(code="ABCDEF", client=client)
    _, response = join(code="ABCDEF", client=client)
    _, response = join(code="FRC4MR", client=client)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_bad_input_is_a_french_400_and_the_number_of_proposals_is_bounded(atelier, monkeypatch):
    resident, _ = join()
    url = f"/chantiers/atelier/{atelier.pk}/"
    far = {"type": "Point", "coordinates": [2.35, 48.85]}  # Paris
    response = resident.post(url, {"titre": "Loin", "texte": "x", "geom": json.dumps(far)})
    assert response.status_code == 400 and "km" in response.content.decode()
    response = resident.post(url, {"titre": "", "texte": ""})
    assert response.status_code == 400 and "obligatoire" in response.content.decode()
    monkeypatch.setattr(participation, "MAX_PROPOSALS_PER_SESSION", 1)
    assert resident.post(url, {"titre": "Un", "texte": "Premier"}).status_code == 302
    response = resident.post(url, {"titre": "Deux", "texte": "Second"})
    assert response.status_code == 429 and Proposition.objects.count() == 1
