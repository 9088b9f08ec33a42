"""Joining a walk with its code: the participant session and the limit on guesses.

A participant has no account. Joining stores the participant's id in the Django
session; that session then reaches this one walk's participant endpoints and nothing
else (no report, no other walk, no admin). Wrong codes are counted per session and
per IP address, so guessing a 6-character code is hopeless.
"""

from django.db import transaction

from commun.codes import CodeRefuse, GuessLimit, TropDEssais  # noqa: F401 - part of this module's API

from .models import MarcheExploratoire, Participant, normalize_code

SESSION_KEY = "marche_participant"
GUESSES = GuessLimit(session_key="marche_code_echecs", cache_prefix="marches:code-echecs",
                     who="l'animatrice ou l'animateur de la marche")
WINDOW_S = GUESSES.window_s
MAX_FAILURES_PER_SESSION = GUESSES.per_session
MAX_FAILURES_PER_IP = GUESSES.per_ip


def check_not_blocked(request):
    GUESSES.check(request)


def record_failure(request):
    GUESSES.record_failure(request)


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
    GUESSES.forget_session(request)
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
