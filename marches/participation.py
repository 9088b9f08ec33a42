"""Joining a walk with its code: the participant session and the limit on guesses.

A participant has no account. Joining stores the participant's id in the Django
session; that session then reaches this one walk's participant endpoints and nothing
else (no report, no other walk, no admin). Wrong codes are counted per session and
per IP address, so guessing a 6-character code is hopeless.
"""

import time

from django.core.cache import cache
from django.db import transaction

from commun.api import client_ip

from .models import MarcheExploratoire, Participant, normalize_code

SESSION_KEY = "marche_participant"
WINDOW_S = 15 * 60
MAX_FAILURES_PER_SESSION = 5
# A whole group may share one address (centre socioculturel's wifi, a carrier's NAT).
MAX_FAILURES_PER_IP = 20


class CodeRefuse(Exception):
    """A code that opens nothing; `status` is the HTTP status to answer with."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


class TropDEssais(CodeRefuse):
    def __init__(self, retry_after):
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            f"Trop d'essais de code. Par sécurité, attendez {minutes} minute{'s' if minutes > 1 else ''} "
            "avant de réessayer, ou demandez le code à l'animatrice ou l'animateur de la marche.",
            status=429,
        )
        self.retry_after = int(retry_after)


def _recent(stamps, now):
    return [t for t in stamps if now - t < WINDOW_S]


def _ip_key(request):
    return f"marches:code-echecs:{client_ip(request) or 'inconnue'}"


def check_not_blocked(request):
    """Raise TropDEssais when this session or this address failed too often lately."""
    now = time.time()
    session_fails = _recent(request.session.get("marche_code_echecs", []), now)
    ip_fails = _recent(cache.get(_ip_key(request), []), now)
    for fails, limit in ((session_fails, MAX_FAILURES_PER_SESSION), (ip_fails, MAX_FAILURES_PER_IP)):
        if len(fails) >= limit:
            raise TropDEssais(WINDOW_S - (now - fails[-limit]))


def record_failure(request):
    now = time.time()
    request.session["marche_code_echecs"] = _recent(request.session.get("marche_code_echecs", []), now) + [now]
    cache.set(_ip_key(request), _recent(cache.get(_ip_key(request), []), now) + [now], WINDOW_S)


def find_walk(request, raw_code):
    """The walk a code opens, or CodeRefuse (wrong, expired) / TropDEssais (429)."""
    check_not_blocked(request)
    code = normalize_code(raw_code)
    if not code:
        raise CodeRefuse("Saisissez le code de la marche (6 caractères, sur l'affiche ou le QR code).")
    marche = MarcheExploratoire.objects.filter(code=code).first()
    if marche is None:
        record_failure(request)
        raise CodeRefuse(
            f"Code « {code} » inconnu. Vérifiez-le : il compte 6 caractères, sans 0, O, 1, I ni L."
        )
    if not marche.code_valide():
        record_failure(request)
        raise CodeRefuse(
            f"Ce code a expiré : la marche « {marche.titre} » est terminée. "
            "Merci pour votre intérêt ! Les suites données seront présentées lors de la restitution.",
            status=410,
        )
    return marche


@transaction.atomic
def join(request, marche, pseudo="", genre="", tranche_age=""):
    """Open (or reopen) this session's participation in `marche`, and only in it."""
    current = participant_from_session(request)
    if current is not None and current.marche_id == marche.pk:
        participant = current
        participant.pseudo = pseudo or participant.pseudo
        participant.genre = genre or participant.genre
        participant.tranche_age = tranche_age or participant.tranche_age
        participant.save(update_fields=["pseudo", "genre", "tranche_age"])
        return participant
    participant = Participant.objects.create(marche=marche, pseudo=pseudo, genre=genre, tranche_age=tranche_age)
    # A fresh session key: whatever the cookie held before does not carry over.
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"participant": participant.pk, "marche": marche.pk}
    request.session.pop("marche_code_echecs", None)
    return participant


def participant_from_session(request):
    """The participant this browser session holds, cached on the request; None if none."""
    if hasattr(request, "_marche_participant"):
        return request._marche_participant
    participant = None
    data = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if isinstance(data, dict) and data.get("participant"):
        participant = (
            Participant.objects.select_related("marche")
            .filter(pk=data["participant"], marche_id=data.get("marche"))
            .first()
        )
    request._marche_participant = participant
    return participant


def leave(request):
    request.session.pop(SESSION_KEY, None)
    if hasattr(request, "_marche_participant"):
        del request._marche_participant
