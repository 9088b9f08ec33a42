"""Alerts and reminders on the job queue: late reports and the weekly digest to services,
subscriptions to an area for pilots and the conseil citoyen (with a one-click unsubscribe),
engagements' due dates and meetings to partners. Each is sent once, whatever runs twice."""

import time
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.core import mail
from django.test import Client
from django.utils import timezone

from commun.models import Courriel
from signalements import alertes
from signalements.models import Abonnement, Categorie, Signalement, Statut
from signalements.services import create_signalement
from signalements.tasks import alerts_every_minute, daily_alerts_and_reminders, weekly_digest
from territoire.models import Secteur
from tests.conftest import forget_jobs
from tests.test_jobs import run_worker

ARDENNES = Point(5.1636, 48.7772, srid=4326)
SAPINIERE = Point(5.1757, 48.7785, srid=4326)


def report(users, point=ARDENNES, slug="proprete-dechets", text="Papiers au pied de l'immeuble", age_days=0):
    made = create_signalement(auteur=users["agent.demo"], point=point, categorie=Categorie.objects.get(slug=slug),
                              observe_le=timezone.now() - timedelta(hours=1), description=text)
    if age_days:
        Signalement.objects.filter(pk=made.pk).update(
            cree_le=timezone.now() - timedelta(days=age_days),
            echeance=timezone.now() - timedelta(days=age_days) + timedelta(days=made.categorie.racine.delai_jours))
        made.refresh_from_db()
    return made


def mails_to(address):
    return [m for m in mail.outbox if address in m.to]


@pytest.mark.django_db(transaction=True)
def test_reminders_and_digest_run_through_the_real_queue_with_the_right_reports(users, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    late = report(users, text="Canettes devant l'école", age_days=6)  # propreté: 3 days target
    fresh = report(users, text="Corbeille pleine près de l'arrêt")
    forget_jobs()
    mail.outbox.clear()

    daily_alerts_and_reminders.defer(timestamp=int(time.time()))
    weekly_digest.defer(timestamp=int(time.time()))
    run_worker()  # the worker writes the e-mails, queues their sending and sends them

    service = "ville.demo@demo.example"  # member of the Ville's propreté service
    reminders = [m for m in mails_to(service) if "en retard" in m.subject and "semaine" not in m.subject]
    assert len(reminders) == 1
    assert str(late.uuid) in reminders[0].body and str(fresh.uuid) not in reminders[0].body
    digests = [m for m in mails_to(service) if "semaine" in m.subject]
    assert digests and "nouveau(x) signalement(s)" in digests[0].body
    assert str(late.uuid) in "".join(d.body for d in digests)

    count = len(mail.outbox)
    daily_alerts_and_reminders.defer(timestamp=int(time.time()) + 1)
    weekly_digest.defer(timestamp=int(time.time()) + 1)
    run_worker()  # run twice: nothing is sent twice
    assert len(mail.outbox) == count
    assert Courriel.objects.filter(envoye_le__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_conseil_citoyen_subscription_gets_new_and_resolved_reports_then_unsubscribes(users, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    member = users["conseil.demo"]
    abonnement = Abonnement.objects.create(utilisateur=member, nom="Secteur des Ardennes",
                                           secteur=Secteur.objects.get(slug="ardennes"),
                                           frequence=Abonnement.Frequence.IMMEDIATE)
    inside = report(users, text="Sacs au pied du mur")
    elsewhere = report(users, point=SAPINIERE, text="Ailleurs")
    sensitive = report(users, slug=Categorie.objects.filter(parent__slug="tranquillite").first().slug,
                       text="Regroupement dans le hall")
    forget_jobs()
    mail.outbox.clear()

    alerts_every_minute.defer(timestamp=int(time.time()))
    run_worker()
    [alert] = mails_to(member.email)
    assert "1 nouveau(x)" in alert.body
    assert str(inside.categorie) in alert.body
    assert "Ailleurs" not in alert.body and "Regroupement" not in alert.body
    assert str(elsewhere.uuid) not in alert.body and str(sensitive.uuid) not in alert.body
    # The conseil citoyen does not see the report itself: no description, no link to it.
    assert "Sacs au pied du mur" not in alert.body and str(inside.uuid) not in alert.body
    link = alertes.unsubscribe_url(abonnement)
    assert link in alert.body and alert.extra_headers["List-Unsubscribe"] == f"<{link}>"

    # Resolved: one more e-mail; the new report is not told again.
    Signalement.objects.filter(pk=inside.pk).update(statut=Statut.RESOLU, resolu_le=timezone.now())
    alerts_every_minute.defer(timestamp=int(time.time()) + 1)
    run_worker()
    assert len(mails_to(member.email)) == 2
    assert "0 nouveau(x) signalement(s), 1 résolu(s)" in mails_to(member.email)[1].body

    # One click (a mail client's POST, no session, no CSRF token) unsubscribes.
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = Client(enforce_csrf_checks=True).post(f"/{path}")
    assert response.status_code == 200 and "ne recevrez plus" in response.content.decode()
    abonnement.refresh_from_db()
    assert abonnement.actif is False
    report(users, text="Encore un")
    alerts_every_minute.defer(timestamp=int(time.time()) + 2)
    run_worker()
    assert len(mails_to(member.email)) == 2


@pytest.mark.django_db
def test_a_pilot_daily_subscription_on_a_drawn_zone_includes_sensitive_reports(users, jobs):
    pilote = users["pilote.demo"]
    zone = Point(5.1636, 48.7772, srid=4326).buffer(0.002)
    zone.transform(2154)
    Abonnement.objects.create(utilisateur=pilote, nom="Autour de l'école", zone=zone)
    sensitive = report(users, slug=Categorie.objects.filter(parent__slug="tranquillite").first().slug,
                       text="Rodéo de scooters")
    mail.outbox.clear()
    jobs.run()
    daily_alerts_and_reminders.defer(timestamp=int(time.time()))
    jobs.run()
    [alert] = mails_to(pilote.email)
    assert str(sensitive.uuid) in alert.body and "Rodéo de scooters" in alert.body


@pytest.mark.django_db
def test_subscription_pages(users):
    member = Client()
    member.force_login(users["conseil.demo"])
    assert member.get("/abonnements/").status_code == 200
    response = member.post("/abonnements/", {"nom": "Rien", "frequence": "quotidienne"})
    assert response.status_code == 400 and "Choisissez un secteur ou dessinez une zone" in response.content.decode()
    far = '{"type": "Polygon", "coordinates": [[[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.85]]]}'
    response = member.post("/abonnements/", {"nom": "Paris", "frequence": "quotidienne", "zone": far})
    assert response.status_code == 400 and "km" in response.content.decode()
    secteur = Secteur.objects.get(slug="vosges")
    assert member.post("/abonnements/", {"nom": "Vosges", "frequence": "immediate", "secteur": secteur.pk}
                       ).status_code == 302
    abonnement = Abonnement.objects.get(nom="Vosges")
    oph = Client()
    oph.force_login(users["oph.demo"])
    assert oph.get("/abonnements/").status_code == 403
    assert oph.post(f"/abonnements/{abonnement.pk}/supprimer/").status_code == 404
    assert Client().get("/abonnements/desinscription/pas-un-jeton/").status_code == 404
    assert Client().get(f"/abonnements/desinscription/{alertes.unsubscribe_token(abonnement)}/").status_code == 200


@pytest.mark.django_db
def test_partners_are_reminded_of_an_engagements_due_date_and_members_of_a_meeting(users, jobs):
    from engagements.tasks import engagement_reminders
    from gouvernance.models import Instance, Membre, Reunion
    from territoire.models import Acteur, Engagement

    engagement = Engagement.objects.get(numero=35)  # OPH
    engagement.echeance = timezone.localdate() + timedelta(days=10)
    engagement.save()
    instance = Instance.objects.create(territoire=engagement.territoire, nom="Comité technique",
                                       slug="cotech", type="comite_technique")
    Membre.objects.create(instance=instance, acteur=Acteur.objects.get(slug="oph"))
    start = timezone.now() + timedelta(hours=30)
    Reunion.objects.create(instance=instance, titre="COTECH", debut=start, fin=start + timedelta(hours=2),
                           lieu="Agglomération", ordre_du_jour="Friches")
    from gouvernance.tasks import meeting_reminders

    mail.outbox.clear()
    for _ in range(2):  # twice: sent once
        engagement_reminders.defer(timestamp=int(time.time()) + _)
        meeting_reminders.defer(timestamp=int(time.time()) + _)
        jobs.run()
    oph = mails_to("oph.demo@demo.example")
    assert [m.subject for m in oph if "Échéance" in m.subject] == [
        f"[Contrat de ville] Échéance le {engagement.echeance:%d/%m/%Y} : engagement 35"]
    assert len([m for m in oph if "Comité technique" in m.subject]) == 1
    assert not mails_to("ville.demo@demo.example")
