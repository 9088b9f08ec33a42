"""Personal data is forgotten past its term: counted by --dry-run, then anonymised or
deleted, the recent kept, twice changing nothing more; the nightly job is scheduled."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from commun.models import Courriel
from marches.models import Participant
from signalements import services
from signalements.models import Categorie, Evenement, Photo, Signalement, Statut
from tests.factories import MarcheFactory, ParticipantFactory, PropositionFactory, UserFactory

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now() - timedelta(days=4 * 365)


def purge(dry_run=False):
    out = io.StringIO()
    call_command("purger_donnees", *(["--dry-run"] if dry_run else []), stdout=out)
    return out.getvalue()


@pytest.fixture
def old_data(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.contrib.gis.geos import Point

    agent = users["agent.demo"]
    make = lambda: services.create_signalement(  # noqa: E731
        auteur=agent, point=Point(5.1700, 48.7780, srid=4326), categorie=Categorie.objects.get(slug="proprete-dechets"),
        observe_le=timezone.now() - timedelta(minutes=5))
    old, recent = make(), make()
    photo = Photo(uuid="11111111-1111-4111-8111-111111111111", signalement=old, largeur=1, hauteur=1, empreinte="x",
                  auteur=agent)
    photo.image.save("a.jpg", ContentFile(b"jpeg"), save=False)
    photo.miniature.save("a-mini.jpg", ContentFile(b"jpeg"), save=False)
    photo.save()
    Signalement.objects.filter(pk__in=[old.pk, recent.pk]).update(statut=Statut.RESOLU)
    Signalement.objects.filter(pk=old.pk).update(mis_a_jour_le=LONG_AGO)
    walk = MarcheFactory(debut=LONG_AGO, fin=LONG_AGO + timedelta(hours=2))
    ParticipantFactory(marche=walk, pseudo="Lila")
    ParticipantFactory(pseudo="Nour")  # a walk under way
    Courriel.objects.create(sujet="vieux", corps="…", destinataires=["a@b.example"], envoye_le=LONG_AGO)
    Courriel.objects.create(sujet="en attente", corps="…", destinataires=["a@b.example"])
    proposal = PropositionFactory()
    type(proposal).objects.filter(pk=proposal.pk).update(cree_le=LONG_AGO)
    sleeper = UserFactory(username="dormeur", email="dormeur@example.org")
    get_user_model().objects.filter(pk=sleeper.pk).update(last_login=LONG_AGO)
    return {"old": old, "recent": recent, "photo": photo, "sleeper": sleeper, "proposal": proposal}


def test_dry_run_counts_and_changes_nothing(old_data):
    out = purge(dry_run=True)
    assert "Auteurs des signalements clos (plus de 365 jours) : 1" in out
    assert "Photos des signalements clos (plus de 730 jours) : 1" in out
    assert "Pseudonymes des participant·es aux marches (plus de 90 jours) : 1" in out
    assert "Courriels envoyés (destinataires, textes) (plus de 90 jours) : 1" in out
    assert "Comptes inactifs (nom, e-mail) (plus de 1095 jours) : 1" in out
    old_data["old"].refresh_from_db()
    assert old_data["old"].auteur is not None and Photo.objects.count() == 1 and Courriel.objects.count() == 2


def test_purge_forgets_what_is_past_its_term_and_keeps_the_rest(old_data):
    path = old_data["photo"].image.path
    purge()
    old, recent = old_data["old"], old_data["recent"]
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.auteur is None and recent.auteur is not None
    assert not old.evenements.filter(type=Evenement.Type.CREATION, auteur__isnull=False).exists()
    assert not Photo.objects.exists() and not __import__("os").path.exists(path)
    assert list(Participant.objects.order_by("pseudo").values_list("pseudo", flat=True)) == ["", "Nour"]
    assert list(Courriel.objects.values_list("sujet", flat=True)) == ["en attente"]
    old_data["proposal"].refresh_from_db()
    assert old_data["proposal"].auteur is None
    sleeper = get_user_model().objects.get(pk=old_data["sleeper"].pk)
    assert (sleeper.username, sleeper.email, sleeper.is_active) == (f"ancien-compte-{sleeper.pk}", "", False)
    assert not sleeper.has_usable_password()
    assert "0 élément(s) traités" in purge()  # a second run has nothing left to do


def test_the_purge_runs_every_night_on_the_job_queue():
    from procrastinate.contrib.django import app

    schedules = {task.name: cron for task, cron in
                 ((t.task, t.cron) for t in app.periodic_registry.periodic_tasks.values())}
    assert schedules["commun.tasks.purge_personal_data"] == "20 3 * * *"
