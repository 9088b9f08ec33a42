"""The events of the calendar feeds, and the iCalendar (RFC 5545) text, written with the
`icalendar` library (folding, escaping and time zones done right).

- public: meetings open to residents, walks (date and place only: no route), milestones;
- a person's: the public events, plus the meetings of the instances they sit in (or that
  their acteurs sit in; every meeting for pilots) and every walk for professionals.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from chantiers.models import Jalon
from commun import roles
from gouvernance.models import Reunion
from marches.models import MarcheExploratoire

PAST = timedelta(days=365)
FUTURE = timedelta(days=2 * 365)


def _site(path):
    return settings.SITE_URL.rstrip("/") + path


def _window():
    now = timezone.now()
    return now - PAST, now + FUTURE


def meetings(user=None):
    since, until = _window()
    qs = Reunion.objects.filter(debut__gte=since, debut__lt=until).select_related("instance")
    if user is None or not roles.is_staff_member(user):
        return qs.filter(avec_habitants=True)
    if roles.is_pilote(user):
        return qs
    mine = Q(instance__membres__personne=user) | Q(instance__membres__acteur_id__in=roles.acteur_ids(user))
    return qs.filter(mine | Q(avec_habitants=True)).distinct()


def walks():
    since, until = _window()
    return MarcheExploratoire.objects.filter(debut__gte=since, debut__lt=until).select_related("territoire")


def milestones():
    since, until = _window()
    return (Jalon.objects.filter(date_prevue__gte=since.date(), date_prevue__lt=until.date())
            .select_related("chantier"))


def _event(uid, summary, start, end, location="", description="", url=""):
    event = Event()
    event.add("uid", f"{uid}@quartier")
    event.add("dtstamp", timezone.now())
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    return event


def calendar(name, user=None):
    cal = Calendar()
    cal.add("prodid", "-//Quartier//Côte Sainte-Catherine//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for r in meetings(user):
        cal.add_component(_event(
            f"reunion-{r.pk}", f"{r.instance.nom} — {r.titre}", r.debut, r.fin, r.lieu, r.ordre_du_jour,
            _site(reverse("instance-detail", args=[r.instance.slug])) if user else ""))
    professional = user is not None and roles.is_staff_member(user)
    for m in walks():
        cal.add_component(_event(
            f"marche-{m.pk}", f"Marche exploratoire : {m.titre}", m.debut, m.fin, m.territoire.nom,
            "Ouverte aux habitantes et habitants ; le code pour participer est donné sur place.",
            _site(reverse("marche-detail-page", args=[m.pk])) if professional else ""))
    for j in milestones():
        day = j.date_reelle or j.date_prevue
        cal.add_component(_event(
            f"jalon-{j.pk}", f"{j.chantier.nom} : {j.libelle}", day, day + timedelta(days=1),
            j.chantier.adresse, "Atteint." if j.date_reelle else "Date prévue.",
            _site(j.chantier.get_absolute_url())))
    return cal.to_ical()
