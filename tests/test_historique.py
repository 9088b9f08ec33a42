"""The audit trail (commun.historique): triggers record who changed what, when and from
which request; pilots read it on the object's page and in the admin, nobody else does."""

import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from chantiers.models import Chantier, ChantierEvent, JalonEvent
from commun import roles
from commun.historique import describe, events_about
from commun.models import CompteGroupeEvent
from marches.models import Preconisation, PreconisationEvent
from signalements.models import Categorie, CategorieEvent
from territoire.models import Acteur, MembreActeurEvent, Territoire
from tests.factories import ChantierFactory, MarcheFactory, UserFactory

pytestmark = pytest.mark.django_db


def chantier_form(chantier, **changes):
    data = {
        "nom": chantier.nom, "type": chantier.type, "statut": chantier.statut,
        "maitre_ouvrage": chantier.maitre_ouvrage_id,
        "geom": json.dumps({"type": "Point", "coordinates": [5.165, 48.777]}),
        "logements_demolis": 0, "logements_rehabilites": 0, "logements_construits": 0,
        "heures_insertion_prevues": 100, "heures_insertion_realisees": 0, "beneficiaires_qpv": 0,
        "jalons-TOTAL_FORMS": 1, "jalons-INITIAL_FORMS": 0, "jalons-MIN_NUM_FORMS": 0,
        "jalons-MAX_NUM_FORMS": 1000, "jalons-0-libelle": "Concertation", "jalons-0-date_prevue": "2026-03-01",
        "jalons-0-ordre": 0,
    }
    data.update(changes)
    return data


def test_an_edit_through_a_page_records_who_when_what_and_from_where(client, pilote, demo):
    chantier = ChantierFactory(maitre_ouvrage=Acteur.objects.get(slug="ville"), nom="Aire de jeux", statut="programme")
    assert list(ChantierEvent.objects.filter(pgh_obj=chantier).values_list("pgh_label", flat=True)) == ["creation"]
    client.force_login(pilote)
    url = f"/chantiers/{chantier.pk}/modifier/"
    response = client.post(url, chantier_form(chantier, nom="Aire de jeux des Vosges", statut="travaux"))
    assert response.status_code == 302, response.content.decode()[:2000]

    change = ChantierEvent.objects.filter(pgh_obj=chantier, pgh_label="modification").get()
    assert change.pgh_context.metadata == {"user": pilote.pk, "url": url}
    assert (change.nom, change.statut) == ("Aire de jeux des Vosges", "travaux")
    # The milestone added by the same form is in the same request's context.
    jalon = JalonEvent.objects.get(chantier=chantier, pgh_label="creation")
    assert jalon.pgh_context_id == change.pgh_context_id

    rows = describe(events_about(Chantier.objects.get(pk=chantier.pk)))
    modification = next(r for r in rows if r["action"] == "Modification")
    assert modification["qui"] == "pilote" and modification["depuis"] == url
    changes = {field: (before, after) for field, before, after in modification["changements"]}
    assert changes["nom"] == ("Aire de jeux", "Aire de jeux des Vosges")
    assert changes["statut"] == ("Programmé", "Travaux")
    assert "emprise" in changes  # a geometry is named, not dumped

    page = client.get(f"/chantiers/{chantier.pk}/").content.decode()
    assert "Historique" in page and "Aire de jeux des Vosges" in page and url in page
    assert "Concertation" in page  # the milestone's creation, on its chantier's page


def test_a_non_pilot_does_not_see_the_history(client, agent, service_user, demo):
    chantier = ChantierFactory(maitre_ouvrage=Acteur.objects.get(slug="ville"))
    Chantier.objects.filter(pk=chantier.pk).update(nom="Renommé en base")
    for user in (None, agent, service_user):
        visitor = Client()
        if user:
            visitor.force_login(user)
        page = visitor.get(f"/chantiers/{chantier.pk}/")
        assert page.status_code == 200
        assert 'class="historique"' not in page.content.decode()
    pilot = Client()
    pilot.force_login(UserFactory(username="pilote2", groups=[roles.PILOTE]))
    assert 'class="historique"' in pilot.get(f"/chantiers/{chantier.pk}/").content.decode()


def test_an_api_edit_with_a_token_records_the_user(users):
    """DRF sets the token's user inside the view, after the middleware: still recorded."""
    walk = MarcheFactory(territoire=Territoire.objects.get())
    acteur = users["ville.demo"].acteurs.get(slug="ville-eclairage")
    preco = Preconisation.objects.create(marche=walk, acteur=acteur, probleme="Passage sombre",
                                         proposition="Éclairer le passage", priorite="haute")
    token = Token.objects.create(user=users["ville.demo"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = f"/api/v1/marches/{walk.pk}/preconisations/{preco.pk}/"
    response = api.patch(url, {"statut": "acceptee", "reponse": "Travaux au printemps."}, format="json")
    assert response.status_code == 200, response.content
    change = PreconisationEvent.objects.get(pgh_obj=preco, pgh_label="modification")
    assert change.pgh_context.metadata == {"user": users["ville.demo"].pk, "url": url}
    rows = describe(events_about(preco))
    modification = next(r for r in rows if r["action"] == "Modification")
    assert modification["qui"] == "ville.demo"
    assert ("statut", "proposée", "acceptée") in [(f.lower(), b.lower(), a.lower())
                                                 for f, b, a in modification["changements"]]
    # The answer (a Reponse row pointing to the préconisation) is on its history too.
    assert any(r["action"] == "Création" and "réponse" in r["objet"] for r in rows)


def test_roles_changes_are_recorded(pilote, demo):
    admin = Client()
    admin.force_login(UserFactory(username="chef", is_superuser=True, is_staff=True))
    someone = UserFactory(username="nouvel.agent")
    agents = Group.objects.get_or_create(name=roles.AGENT)[0]
    response = admin.post(f"/admin/auth/user/{someone.pk}/change/", {
        "username": "nouvel.agent", "email": someone.email, "is_active": "on", "groups": [agents.pk],
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00",
        "initial-date_joined_0": "2026-01-01", "initial-date_joined_1": "10:00:00",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    link = CompteGroupeEvent.objects.get(user=someone, group=agents, pgh_label="ajout")
    assert link.pgh_context.metadata["user"] != someone.pk
    assert link.pgh_context.metadata["url"] == f"/admin/auth/user/{someone.pk}/change/"

    ville = Acteur.objects.get(slug="ville")
    ville.membres.add(someone)
    ville.membres.remove(someone)
    assert list(MembreActeurEvent.objects.filter(user=someone).order_by("pgh_id")
                .values_list("pgh_label", flat=True)) == ["ajout", "retrait"]

    page = admin.get(f"/admin/auth/user/{someone.pk}/change/").content.decode()
    assert "Historique" in page and "Ajout" in page and "agent" in page


def test_categories_and_routing_changes_are_recorded_and_shown_in_the_admin(demo):
    categorie = Categorie.objects.create(nom="Tags", slug="tags-test", delai_jours=5)
    admin = Client()
    admin.force_login(UserFactory(username="chef", is_superuser=True, is_staff=True))
    Categorie.objects.filter(pk=categorie.pk).update(delai_jours=3)
    pk = categorie.pk
    categorie.delete()
    labels = list(CategorieEvent.objects.filter(pgh_obj_id=pk).order_by("pgh_id")
                  .values_list("pgh_label", "delai_jours"))
    assert labels == [("creation", 5), ("modification", 3), ("suppression", 3)]
    journal = admin.get("/admin/commun/modification/?objet=signalements.Categorie")
    assert journal.status_code == 200
    text = journal.content.decode()
    assert "catégorie « Tags »" in text and "Suppression" in text and "Modification" in text
    event = CategorieEvent.objects.get(pgh_obj_id=pk, pgh_label="modification")
    detail = admin.get(f"/admin/commun/modification/signalements.CategorieEvent:{event.pk}/change/")
    assert detail.status_code == 200
    assert "délai" in detail.content.decode().lower() and "5 → 3" in detail.content.decode()


def test_the_history_is_purged_past_its_term(demo):
    from datetime import timedelta

    from django.utils import timezone
    from pghistory.models import Context

    from commun.retention import PURGES

    purge = PURGES["historique"]
    assert purge.days == 365
    ChantierFactory(maitre_ouvrage=Acteur.objects.get(slug="ville"))
    assert purge.forget(purge.cutoff(), dry_run=False) == 0  # nothing is a year old
    later = timezone.now() + timedelta(days=366)
    counted = purge.forget(purge.cutoff(later), dry_run=True)
    assert counted > 0 and ChantierEvent.objects.exists()
    assert purge.forget(purge.cutoff(later), dry_run=False) == counted
    assert not ChantierEvent.objects.exists() and not CategorieEvent.objects.exists()
    assert not Context.objects.filter(created_at__lt=later).exists()
