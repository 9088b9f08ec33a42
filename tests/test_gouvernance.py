"""Instances and the conseil citoyen: members, meetings, decisions, actions, avis."""

import html

import pytest
from django.core.management import call_command
from django.test import Client

from chantiers.models import Chantier
from gouvernance.models import Action, Avis, Decision, Instance, Reunion
from marches.models import Preconisation
from territoire.models import Engagement

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    import io

    call_command("charger_demo", stdout=io.StringIO())


def signed_in(username):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_a_conseil_citoyen_member_gives_an_avis_on_a_friche_shown_on_its_page(full_demo):
    friche = Chantier.objects.get(slug="friche-impasse-des-ardennes")
    member = signed_in("conseil.demo")
    page = member.get(friche.get_absolute_url()).content.decode()
    assert "Rendre l'avis du conseil citoyen" in page
    prefix = f"avis-chantier-{friche.pk}"
    response = member.post(f"/conseil-citoyen/avis/chantiers/{friche.pk}/", {
        f"{prefix}-sens": "favorable", f"{prefix}-texte": "Oui à un verger partagé."})
    assert response.status_code == 302 and response["Location"] == friche.get_absolute_url()
    avis = Avis.objects.get(texte="Oui à un verger partagé.")
    assert avis.chantier == friche and avis.auteur.username == "conseil.demo"
    # Public: anybody reads it on the friche's page, signed by the conseil, not by the person.
    page = Client().get(friche.get_absolute_url()).content.decode()
    assert "Oui à un verger partagé." in page and "Avis du conseil citoyen" in page
    assert "Citoyenne" not in page
    assert "Oui à un verger partagé." in Client().get("/conseil-citoyen/").content.decode()


def test_only_the_conseil_citoyen_gives_its_avis(full_demo):
    friche = Chantier.objects.get(slug="friche-sapiniere")
    prefix = f"avis-chantier-{friche.pk}"
    data = {f"{prefix}-sens": "favorable", f"{prefix}-texte": "x"}
    for username in ("pilote.demo", "oph.demo", "agent.demo"):
        assert signed_in(username).post(f"/conseil-citoyen/avis/chantiers/{friche.pk}/", data).status_code == 403
    assert Client().post(f"/conseil-citoyen/avis/chantiers/{friche.pk}/", data).status_code == 302  # sign in
    response = signed_in("conseil.demo").post(f"/conseil-citoyen/avis/chantiers/{friche.pk}/",
                                              {f"{prefix}-sens": "peut-etre", f"{prefix}-texte": ""})
    assert response.status_code == 400 and "obligatoire" in response.content.decode()
    assert not Avis.objects.filter(texte="x").exists()


def test_avis_on_a_preconisation_and_on_a_saisine(full_demo):
    preconisation = Preconisation.objects.order_by("id").first()
    member = signed_in("conseil.demo")
    prefix = f"avis-preconisation-{preconisation.pk}"
    response = member.post(f"/conseil-citoyen/avis/preconisations/{preconisation.pk}/", {
        f"{prefix}-sens": "reserves", f"{prefix}-texte": "Éclairer aussi l'escalier."})
    assert response.status_code == 302
    page = html.unescape(signed_in("ville.demo").get(f"/marches/{preconisation.marche_id}/").content.decode())
    assert "Éclairer aussi l'escalier." in page
    space = member.get("/conseil-citoyen/")
    saisine, form = space.context["saisines"][0]
    response = member.post(f"/conseil-citoyen/saisines/{saisine.pk}/avis/", {
        f"saisine-{saisine.pk}-sens": "favorable", f"saisine-{saisine.pk}-texte": "Besoin d'une salle de musique."})
    assert response.status_code == 302
    assert Avis.objects.get(saisine=saisine).chantier == saisine.chantier
    assert saisine not in [s for s, _ in member.get("/conseil-citoyen/").context["saisines"]]


def test_the_pilot_records_a_meeting_a_decision_and_an_action_the_porteur_updates_it(full_demo):
    pilote = signed_in("pilote.demo")
    copil = Instance.objects.get(slug="comite-de-pilotage")
    response = pilote.post("/instances/comite-de-pilotage/reunions/", {
        "reunion-titre": "COPIL extraordinaire", "reunion-debut": "2027-01-15T14:00",
        "reunion-fin": "2027-01-15T16:00", "reunion-lieu": "Préfecture", "reunion-ordre_du_jour": "Friches"})
    assert response.status_code == 302
    reunion = Reunion.objects.get(titre="COPIL extraordinaire", instance=copil)
    friche = Chantier.objects.get(slug="friche-sapiniere")
    response = pilote.post(f"/reunions/{reunion.pk}/decisions/", {
        "decision-texte": "Aménager une aire de jeux provisoire.", "decision-statut": "prise",
        "decision-engagements": [Engagement.objects.get(numero=27).pk], "decision-chantiers": [friche.pk]})
    assert response.status_code == 302
    decision = Decision.objects.get(texte="Aménager une aire de jeux provisoire.")
    assert list(decision.chantiers.all()) == [friche] and decision.engagements.get().numero == 27
    oph = __import__("territoire.models", fromlist=["Acteur"]).Acteur.objects.get(slug="oph")
    response = pilote.post(f"/decisions/{decision.pk}/actions/", {
        "action-libelle": "Chiffrer l'aire de jeux", "action-porteur": oph.pk, "action-echeance": "2027-02-28"})
    assert response.status_code == 302
    action = Action.objects.get(libelle="Chiffrer l'aire de jeux")
    assert signed_in("ville.demo").post(f"/actions/{action.pk}/", {"statut": "faite"}).status_code == 403
    assert signed_in("oph.demo").post(f"/actions/{action.pk}/", {"statut": "faite"}).status_code == 302
    action.refresh_from_db()
    assert action.statut == "faite" and action.fait_le is not None
    page = html.unescape(signed_in("oph.demo").get("/instances/comite-de-pilotage/").content.decode())
    assert "Chiffrer l'aire de jeux" in page and "Aménager une aire de jeux provisoire." in page


def test_bad_input_and_roles(full_demo):
    pilote = signed_in("pilote.demo")
    response = pilote.post("/instances/comite-de-pilotage/reunions/", {
        "reunion-titre": "x", "reunion-debut": "2027-01-15T14:00", "reunion-fin": "2027-01-15T13:00",
        "reunion-lieu": "y"})
    assert response.status_code == 400 and "La fin doit suivre le début" in response.content.decode()
    reunion = Reunion.objects.filter(instance__slug="comite-de-pilotage").first()
    assert pilote.post(f"/reunions/{reunion.pk}/decisions/", {"decision-texte": ""}).status_code == 400
    assert signed_in("oph.demo").post("/instances/comite-de-pilotage/reunions/", {}).status_code == 403
    assert Client().get("/instances/").status_code == 302
    assert signed_in("conseil.demo").get("/instances/comite-de-pilotage/").status_code == 200
    assert pilote.post("/actions/999999/", {"statut": "faite"}).status_code == 404
    response = pilote.post("/conseil-citoyen/saisines/", {"saisine-question": "?", "saisine-date_limite": "2027-01-01"})
    assert response.status_code == 400 and "un seul" in response.content.decode()
