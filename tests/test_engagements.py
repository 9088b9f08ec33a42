"""The protocol's engagements followed by their partners: an OPH member updates the OPH's
lines only, the pilot validates, every change is kept with its date."""

import pytest
from django.test import Client

from engagements.indicateurs import engagement_figures
from engagements.models import MiseAJour, Preuve, Validation
from territoire.models import Engagement
from tests.factories import ChantierFactory

pytestmark = pytest.mark.django_db

OPH_LINE, CAF_LINE = 35, 10


@pytest.fixture
def as_user(users):
    def make(username):
        client = Client()
        client.force_login(users[username])
        return client
    return make


def test_an_oph_member_updates_an_oph_engagement_and_the_pilot_validates(as_user, users):
    chantier = ChantierFactory(nom="Réhabilitation allée de Bourgogne")
    oph = as_user("oph.demo")
    response = oph.post(f"/engagements/{OPH_LINE}/mettre-a-jour/", {
        "statut": "realise", "note": "Dernière tranche réceptionnée.", "prochaine_etape": "Bilan",
        "echeance": "2027-03-31", "chantiers": [chantier.pk], "lien": "https://oph.example/bilan",
        "libelle_lien": "Bilan PSP"})
    assert response.status_code == 302
    maj = MiseAJour.objects.get(engagement__numero=OPH_LINE)
    assert (maj.validation, maj.acteur.slug, maj.ancien_statut, maj.statut) == (
        Validation.EN_ATTENTE, "oph", "en_cours", "realise")
    assert {p.chantier_id or p.lien for p in Preuve.objects.filter(mise_a_jour=maj)} == {
        chantier.pk, "https://oph.example/bilan"}
    engagement = Engagement.objects.get(numero=OPH_LINE)
    assert engagement.statut == "en_cours"  # not before the pilot validates

    # The pilot sees the pending update in the history, and validates it.
    pilote = as_user("pilote.demo")
    page = pilote.get(f"/engagements/{OPH_LINE}/").content.decode()
    assert "Dernière tranche réceptionnée." in page and "En attente de validation" in page
    assert "À valider (1)" in pilote.get("/engagements/").content.decode()
    assert pilote.post(f"/engagements/mises-a-jour/{maj.pk}/valider/", {"decision": "valider"}).status_code == 302
    engagement.refresh_from_db()
    assert (engagement.statut, engagement.prochaine_etape, str(engagement.echeance)) == (
        "realise", "Bilan", "2027-03-31")
    maj.refresh_from_db()
    assert maj.validation == Validation.VALIDEE and maj.valide_par == users["pilote.demo"]
    # Validated: every professional sees it now, with its date and the change of status.
    page = as_user("ville.demo").get(f"/engagements/{OPH_LINE}/").content.decode()
    assert "Dernière tranche réceptionnée." in page and "En cours → " in page


def test_an_oph_member_cannot_update_a_caf_engagement(as_user):
    oph = as_user("oph.demo")
    response = oph.post(f"/engagements/{CAF_LINE}/mettre-a-jour/", {"statut": "realise"})
    assert response.status_code == 403
    assert "Seuls les membres des partenaires" in response.content.decode()
    assert not MiseAJour.objects.filter(engagement__numero=CAF_LINE).exists()
    page = oph.get(f"/engagements/{CAF_LINE}/").content.decode()
    assert 'id="mettre-a-jour"' not in page
    assert 'id="mettre-a-jour"' in oph.get(f"/engagements/{OPH_LINE}/").content.decode()


def test_a_partner_cannot_validate_and_a_refusal_keeps_its_reason(as_user):
    oph = as_user("oph.demo")
    oph.post(f"/engagements/{OPH_LINE}/mettre-a-jour/", {"statut": "suspendu", "note": "x"})
    maj = MiseAJour.objects.get()
    assert oph.post(f"/engagements/mises-a-jour/{maj.pk}/valider/", {"decision": "valider"}).status_code == 403
    pilote = as_user("pilote.demo")
    response = pilote.post(f"/engagements/mises-a-jour/{maj.pk}/valider/", {"decision": "refuser"})
    assert response.status_code == 400 and "Indiquez le motif" in response.content.decode()
    pilote.post(f"/engagements/mises-a-jour/{maj.pk}/valider/", {"decision": "refuser", "motif": "Pas encore."})
    maj.refresh_from_db()
    assert maj.validation == Validation.REFUSEE and maj.motif_refus == "Pas encore."
    assert Engagement.objects.get(numero=OPH_LINE).statut == "en_cours"
    # A refused update stays in the history for the partner, not for other partners.
    assert "Pas encore." in oph.get(f"/engagements/{OPH_LINE}/").content.decode()
    assert "Pas encore." not in as_user("ville.demo").get(f"/engagements/{OPH_LINE}/").content.decode()


def test_bad_input_is_a_french_400(as_user):
    oph = as_user("oph.demo")
    response = oph.post(f"/engagements/{OPH_LINE}/mettre-a-jour/", {
        "statut": "fini", "echeance": "31/02/2027", "signalement": "pas-un-uuid", "lien": "javascript:alert(1)"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Date illisible" in text and "Identifiant de signalement illisible" in text
    assert "URL valide" in text or "adresse" in text.lower()
    assert not MiseAJour.objects.exists()
    assert as_user("pilote.demo").get("/engagements/", {"acteur": "inconnu"}).status_code == 400
    assert oph.get("/engagements/999/").status_code == 404


def test_list_filters_by_axis_partner_and_status(as_user, django_assert_max_num_queries):
    pilote = as_user("pilote.demo")
    with django_assert_max_num_queries(12):
        page = pilote.get("/engagements/", {"acteur": "caf"})
    assert page.status_code == 200 and page.context["nombre"] == 3  # lines 10, 11, 21
    assert pilote.get("/engagements/", {"axe": "sante"}).context["nombre"] == 4
    assert Client().get("/engagements/").status_code == 302  # sign in first
    assert as_user("agent.demo").get("/engagements/").status_code == 200


def test_status_at_the_end_of_a_period_comes_from_the_dated_history(as_user, users):
    from datetime import date, datetime, time

    from django.utils import timezone

    from engagements import services

    engagement = Engagement.objects.get(numero=23)
    services.record_update(engagement, users["pilote.demo"], statut="realise", date=date(2021, 9, 1))

    def period(y1, y2):
        tz = timezone.get_current_timezone()
        return datetime(y1, 1, 1, tzinfo=tz), datetime.combine(date(y2, 1, 1), time.min, tzinfo=tz)

    def realise(figures):
        return sum(row["cells"][2] for row in figures["axes"])

    assert realise(engagement_figures(*period(2020, 2021))) == 0
    assert realise(engagement_figures(*period(2021, 2022))) == 1
    assert engagement_figures(*period(2021, 2022))["realises"] == 1


def test_demo_statuses_follow_the_chantiers(db):
    from django.core.management import call_command

    call_command("charger_demo", stdout=__import__("io").StringIO())
    statuts = dict(Engagement.objects.values_list("numero", "statut"))
    assert statuts[23] == statuts[30] == "realise"  # maison de santé, Maison France Services delivered
    assert statuts[29] == "en_cours"  # chaufferie delivered, heat network still in works
    assert statuts[26] == "a_lancer"  # gymnasium programmed for 2027
    history = MiseAJour.objects.filter(engagement__numero=23).order_by("date")
    assert [(str(m.date), m.statut) for m in history][-1] == ("2021-09-01", "realise")
