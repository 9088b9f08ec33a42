"""Calendar feeds parse with `icalendar`: the public one holds only public events, a
person's secret feed adds their instances' meetings; changing the address kills the old."""

from datetime import timedelta

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from agenda.models import JetonAgenda
from gouvernance.models import Instance, Membre, Reunion
from tests.factories import ChantierFactory, JalonFactory, MarcheFactory, TerritoireFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(demo):
    from territoire.models import Acteur

    territoire = TerritoireFactory()
    copil = Instance.objects.create(territoire=territoire, nom="Comité de pilotage", slug="copil",
                                    type="comite_pilotage")
    conseil = Instance.objects.create(territoire=territoire, nom="Conseil citoyen", slug="cc", type="conseil_citoyen")
    Membre.objects.create(instance=copil, acteur=Acteur.objects.get(slug="oph"))
    start = timezone.now() + timedelta(days=3)
    closed = Reunion.objects.create(instance=copil, titre="COPIL; bilan, ordre", debut=start,
                                    fin=start + timedelta(hours=2), lieu="Hôtel de ville")
    public = Reunion.objects.create(instance=conseil, titre="Rencontre avec les habitants", debut=start,
                                    fin=start + timedelta(hours=2), lieu="Centre socioculturel", avec_habitants=True)
    walk = MarcheFactory(territoire=territoire, titre="Marche de nuit")
    jalon = JalonFactory(chantier=ChantierFactory(nom="Maison de santé"), libelle="Livraison",
                         date_prevue=timezone.localdate() + timedelta(days=40))
    return {"closed": closed, "public": public, "walk": walk, "jalon": jalon}


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_the_public_feed_holds_public_events_only(events):
    found = parse(Client().get("/agenda/public.ics"))
    assert f"reunion-{events['public'].pk}@quartier" in found
    assert f"reunion-{events['closed'].pk}@quartier" not in found
    walk = found[f"marche-{events['walk'].pk}@quartier"]
    assert str(walk["SUMMARY"]) == "Marche exploratoire : Marche de nuit"
    assert walk.decoded("DTSTART") == events["walk"].debut.replace(microsecond=0)
    assert "URL" not in walk  # no link to the walk's page (professionals only)
    jalon = found[f"jalon-{events['jalon'].pk}@quartier"]
    assert jalon.decoded("DTSTART") == events["jalon"].date_prevue
    assert str(jalon["SUMMARY"]) == "Maison de santé : Livraison"


def test_a_members_secret_feed_adds_its_instances_meetings(events, users):
    oph = Client()
    oph.force_login(users["oph.demo"])
    page = oph.get("/agenda/")
    jeton = JetonAgenda.objects.get(utilisateur=users["oph.demo"]).jeton
    assert f"/agenda/{jeton}.ics" in page.content.decode()
    found = parse(Client().get(f"/agenda/{jeton}.ics"))  # a calendar app: no session
    meeting = found[f"reunion-{events['closed'].pk}@quartier"]
    assert str(meeting["SUMMARY"]) == "Comité de pilotage — COPIL; bilan, ordre"  # escaped, parsed back
    assert str(meeting["LOCATION"]) == "Hôtel de ville"
    # Another partner's feed does not hold the OPH's meeting.
    ville = UserFactory(username="ville2")
    ville_feed = parse(Client().get(f"/agenda/{JetonAgenda.objects.create(utilisateur=ville).jeton}.ics"))
    assert f"reunion-{events['closed'].pk}@quartier" not in ville_feed
    # A new address: the old one is dead.
    assert oph.post("/agenda/renouveler/").status_code == 302
    assert Client().get(f"/agenda/{jeton}.ics").status_code == 404
    assert Client().get("/agenda/devine.ics").status_code == 404
    assert Client().get("/agenda/").status_code == 302
