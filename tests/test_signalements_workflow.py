"""Transitions, history, e-mails and who may do what, through the pages a service uses."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from signalements import services
from signalements.models import Categorie, Evenement, Signalement, Statut
from signalements.permissions import can_act, visible_signalements

pytestmark = pytest.mark.django_db
CENTRE = Point(5.170, 48.778, srid=4326)
BOURGOGNE = Point(5.170, 48.7753, srid=4326)


def report(users, slug="proprete-dechets", who="agent.demo", point=CENTRE):
    return services.create_signalement(
        auteur=users[who], point=point, categorie=Categorie.objects.get(slug=slug),
        description=f"{slug} test", observe_le=timezone.now() - timedelta(minutes=5),
    )


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reports(users):
    return {
        "ville": report(users, "proprete-dechets"),  # → ville-proprete
        "oph": report(users, "parties-communes-hall"),  # → oph
        "sensible": report(users, "tranquillite-bruit"),  # → ddsp, sensitive
        "oph_made": report(users, "eclairage-eteint", who="oph.demo"),  # → ville-eclairage
    }


def visible_keys(user, reports):
    uuids = set(visible_signalements(user).values_list("uuid", flat=True))
    return {k for k, s in reports.items() if s.uuid in uuids}


def test_visibility_of_each_role(users, reports):
    assert visible_keys(users["pilote.demo"], reports) == {"ville", "oph", "sensible", "oph_made"}
    # The agent made the sensitive one: they see their own.
    assert visible_keys(users["agent.demo"], reports) == {"ville", "oph", "sensible", "oph_made"}
    assert visible_keys(users["oph.demo"], reports) == {"oph", "oph_made"}
    assert visible_keys(users["ville.demo"], reports) == {"ville", "oph_made"}
    assert visible_keys(users["police.demo"], reports) == {"sensible"}


def test_agent_does_not_see_others_sensitive_reports(users):
    other = report(users, "tranquillite-bruit", who="ville.demo")
    assert other.sensible
    assert not visible_signalements(users["agent.demo"]).filter(pk=other.pk).exists()
    assert visible_signalements(users["police.demo"]).filter(pk=other.pk).exists()
    assert visible_signalements(users["ville.demo"]).filter(pk=other.pk).exists()  # their own


def test_anonymous_and_public_see_no_report(users, reports, client):
    from django.contrib.auth.models import AnonymousUser

    assert not visible_signalements(AnonymousUser()).exists()
    assert client.get("/signalements/").status_code == 302
    assert client.get(f"/signalements/{reports['ville'].uuid}/").status_code == 302
    photo_url = f"/signalements/{reports['ville'].uuid}/photos/{reports['ville'].uuid}.jpg"
    assert client.get(photo_url).status_code == 302


def test_who_may_act(users, reports):
    assert can_act(users["ville.demo"], reports["ville"])
    assert not can_act(users["oph.demo"], reports["ville"])
    assert can_act(users["oph.demo"], reports["oph"])
    assert not can_act(users["agent.demo"], reports["ville"])
    assert can_act(users["police.demo"], reports["sensible"])
    assert can_act(users["pilote.demo"], reports["sensible"])


def test_detail_page_hides_others_reports(users, reports):
    oph = client_for(users["oph.demo"])
    assert oph.get(f"/signalements/{reports['ville'].uuid}/").status_code == 404
    assert oph.get(f"/signalements/{reports['oph'].uuid}/").status_code == 200
    assert oph.get("/signalements/pas-un-uuid/").status_code == 404
    api = APIClient()
    api.force_authenticate(users["oph.demo"])
    assert api.get(f"/api/v1/signalements/{reports['ville'].uuid}/").status_code == 404
    assert api.get(f"/api/v1/signalements/{reports['sensible'].uuid}/").status_code == 404
    assert api.get("/api/v1/signalements/pas-un-uuid/").json()["detail"]


def test_full_lifecycle_with_history_and_emails(users, reports, jobs):
    s = reports["ville"]
    ville = client_for(users["ville.demo"])
    jobs.run()
    mail.outbox.clear()
    response = ville.post(f"/signalements/{s.uuid}/statut/", {"statut": "en_cours", "commentaire": "On y va"})
    jobs.run()
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.statut == Statut.EN_COURS
    assert [m.to for m in mail.outbox] == [[users["agent.demo"].email]]  # the reporter is told
    assert "En cours" in mail.outbox[0].subject

    ville.post(f"/signalements/{s.uuid}/statut/", {"statut": "resolu", "commentaire": "Ramassé"})
    jobs.run()
    s.refresh_from_db()
    assert s.statut == Statut.RESOLU and s.resolu_le is not None
    # résolu can reopen
    ville.post(f"/signalements/{s.uuid}/statut/", {"statut": "en_cours", "commentaire": "Revenu"})
    s.refresh_from_db()
    assert s.statut == Statut.EN_COURS and s.resolu_le is None
    history = list(s.evenements.values_list("type", "nouveau_statut", "auteur__username"))
    assert history == [
        ("creation", "nouveau", "agent.demo"),
        ("transmission", "transmis", None),
        ("statut", "en_cours", "ville.demo"),
        ("statut", "resolu", "ville.demo"),
        ("statut", "en_cours", "ville.demo"),
    ]


def test_forbidden_transition_is_refused_with_a_message(users, reports):
    s = reports["ville"]
    ville = client_for(users["ville.demo"])
    response = ville.post(f"/signalements/{s.uuid}/statut/", {"statut": "nouveau"}, follow=True)
    assert "Nouveau statut" in response.content.decode()  # form error names the field
    s.refresh_from_db()
    assert s.statut == Statut.TRANSMIS
    with pytest.raises(services.TransitionRefusee, match="raison du rejet"):
        services.change_status(s, Statut.REJETE, users["ville.demo"], "")
    services.change_status(s, Statut.REJETE, users["ville.demo"], "Terrain privé")
    with pytest.raises(services.TransitionRefusee, match="non autorisé"):
        services.change_status(s, Statut.RESOLU, users["ville.demo"])


def test_other_service_cannot_change_status(users, reports):
    s = reports["ville"]
    oph = client_for(users["oph.demo"])
    assert oph.post(f"/signalements/{s.uuid}/statut/", {"statut": "resolu"}).status_code == 404
    s.refresh_from_db()
    assert s.statut == Statut.TRANSMIS
    agent = client_for(users["agent.demo"])
    response = agent.post(f"/signalements/{s.uuid}/statut/", {"statut": "resolu"}, follow=True)
    assert "Seul le service en charge" in response.content.decode()
    s.refresh_from_db()
    assert s.statut == Statut.TRANSMIS


def test_reassignment_needs_a_reason_and_notifies_the_new_acteur(users, reports, jobs):
    from territoire.models import Acteur

    s = reports["ville"]
    ville = client_for(users["ville.demo"])
    oph = Acteur.objects.get(slug="oph")
    response = ville.post(f"/signalements/{s.uuid}/reaffecter/", {"acteur": oph.pk, "raison": ""}, follow=True)
    assert "Raison" in response.content.decode()
    jobs.run()
    mail.outbox.clear()
    ville.post(f"/signalements/{s.uuid}/reaffecter/", {"acteur": oph.pk, "raison": "Terrain OPH"})
    jobs.run()
    s.refresh_from_db()
    assert s.acteur == oph and s.statut == Statut.TRANSMIS
    assert [m.to for m in mail.outbox] == [["proximite@oph-meuse.example"]]
    event = s.evenements.get(type=Evenement.Type.REASSIGNATION)
    assert event.commentaire == "Terrain OPH" and event.ancien_acteur.slug == "ville-proprete"
    # No longer theirs (made by the agent): the Ville reads who took it and when (issue 12), no more.
    response = ville.get(f"/signalements/{s.uuid}/")
    assert response.status_code == 403 and f"Confié à {oph} le " in response.content.decode()
    assert "Terrain OPH" not in response.content.decode()
    assert client_for(users["oph.demo"]).get(f"/signalements/{s.uuid}/").status_code == 200


def test_duplicate_links_both_reports(users):
    original = report(users, "proprete-dechets")
    copy = report(users, "proprete-dechets", point=Point(5.17005, 48.778, srid=4326))
    ville = client_for(users["ville.demo"])
    page = ville.get(f"/signalements/{copy.uuid}/").content.decode()
    assert str(original.uuid) in page  # proposed as a nearby duplicate
    ville.post(f"/signalements/{copy.uuid}/doublon/", {"original": str(original.uuid)})
    copy.refresh_from_db()
    assert copy.statut == Statut.DOUBLON and copy.doublon_de == original
    response = ville.post(f"/signalements/{original.uuid}/doublon/", {"original": str(original.uuid)}, follow=True)
    assert "lui-même" in response.content.decode()


def test_comment_and_confirmation_are_history_rows(users, reports):
    s = reports["oph"]
    oph = client_for(users["oph.demo"])
    oph.post(f"/signalements/{s.uuid}/commenter/", {"commentaire": "Passage prévu jeudi"})
    oph.post(f"/signalements/{s.uuid}/confirmer/")
    oph.post(f"/signalements/{s.uuid}/confirmer/")
    types = list(s.evenements.values_list("type", flat=True))
    assert types.count("commentaire") == 1 and types.count("confirmation") == 1
    assert oph.post(f"/signalements/{s.uuid}/inconnu/").status_code == 404


def test_actions_need_csrf(users, reports):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users["ville.demo"])
    assert strict.post(f"/signalements/{reports['ville'].uuid}/statut/", {"statut": "en_cours"}).status_code == 403


def test_triage_page_filters_and_has_no_n_plus_one(users, reports, django_assert_max_num_queries):
    for _ in range(15):
        report(users, "depots-sauvage")
    pilote = client_for(users["pilote.demo"])
    with django_assert_max_num_queries(12):
        page = pilote.get("/signalements/")
    assert page.status_code == 200
    assert page.content.decode().count('class="statut-') == 19
    page = pilote.get("/signalements/", {"categorie": "tranquillite"}).content.decode()
    assert page.count('class="statut-') == 1
    page = pilote.get("/signalements/", {"depuis": "pas une date"})
    assert page.status_code == 400 and "Filtre invalide" in page.content.decode()


def test_api_list_has_no_n_plus_one(users, reports, django_assert_max_num_queries):
    for _ in range(20):
        report(users, "depots-sauvage")
    api = APIClient()
    api.force_authenticate(users["pilote.demo"])
    with django_assert_max_num_queries(8):
        data = api.get("/api/v1/signalements/", {"page_size": 100}).json()
    assert len(data["features"]) == 24


def test_late_reports_are_flagged(users, reports):
    s = reports["ville"]
    Signalement.objects.filter(pk=s.pk).update(echeance=timezone.now() - timedelta(days=1))
    pilote = client_for(users["pilote.demo"])
    page = pilote.get("/signalements/", {"en_retard": "on"}).content.decode()
    assert "En retard" in page and page.count('class="statut-') == 1
    assert "en retard" in pilote.get(f"/signalements/{s.uuid}/").content.decode()


def test_admin_pages_for_categories_routing_and_reports(users, reports):
    pilote = client_for(users["pilote.demo"])
    assert pilote.get("/admin/signalements/categorie/").status_code == 200
    cat = Categorie.objects.get(slug="proprete")
    assert pilote.get(f"/admin/signalements/categorie/{cat.pk}/change/").status_code == 200
    assert pilote.get("/admin/signalements/regleroutage/").status_code == 200
    page = pilote.get(f"/admin/signalements/signalement/{reports['ville'].pk}/change/")
    assert page.status_code == 200 and "vendor/ol/dist/ol.js" in page.content.decode()
    assert client_for(users["ville.demo"]).get("/admin/signalements/signalement/").status_code == 302


def test_chantier_report_goes_to_the_nearest_unfinished_operation(users):
    from chantiers.models import Chantier, Statut, Type
    from territoire.models import Acteur, Territoire

    territoire = Territoire.objects.get()
    oph, ville = Acteur.objects.get(slug="oph"), Acteur.objects.get(slug="ville")
    near = Point(5.1702, 48.778, srid=4326)  # ~15 m from the report
    far = Point(5.1730, 48.778, srid=4326)  # ~220 m
    Chantier.objects.create(nom="Démolition proche", slug="proche", type=Type.DEMOLITION, statut=Statut.LIVRE,
                            geom=near, maitre_ouvrage=ville, territoire=territoire)
    Chantier.objects.create(nom="Réhabilitation", slug="rehab", type=Type.REHABILITATION, statut=Statut.TRAVAUX,
                            geom=far, maitre_ouvrage=oph, territoire=territoire)
    s = report(users, "chantier-cloture")
    assert s.acteur == oph  # the finished one nearby is skipped
    other = report(users, "chantier-cloture", point=Point(5.1650, 48.7760, srid=4326))  # > 300 m from both
    assert other.acteur.slug == "agglo-politique-ville"  # the category's default acteur


