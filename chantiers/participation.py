"""Proposing for a friche with a workshop's code: the resident's session, no account.

Joining stores the workshop's id in the Django session; that session then reaches this
one workshop's proposal form and nothing else. Wrong codes are limited as for the walks
(`commun.codes.GuessLimit`), and one session sends a bounded number of proposals.
"""

from commun.codes import CodeRefuse, GuessLimit, normalize_code

from .models import AtelierFriche

SESSION_KEY = "friche_atelier"
SENT_KEY = "friche_propositions"
MAX_PROPOSALS_PER_SESSION = 10
GUESSES = GuessLimit(session_key="friche_code_echecs", cache_prefix="friches:code-echecs",
                     who="l'animatrice ou l'animateur de l'atelier")


def find_atelier(request, raw_code):
    """The workshop a code opens, or CodeRefuse (wrong, expired) / TropDEssais (429)."""
    GUESSES.check(request)
    code = normalize_code(raw_code)
    if not code:
        raise CodeRefuse("Saisissez le code de l'atelier (6 caractères, sur l'affiche ou le QR code).")
    atelier = AtelierFriche.objects.select_related("friche").filter(code=code).first()
    if atelier is None:
        GUESSES.record_failure(request)
        raise CodeRefuse(f"Code « {code} » inconnu. Vérifiez-le : il compte 6 caractères, sans 0, O, 1, I ni L.")
    if not atelier.code_valide():
        GUESSES.record_failure(request)
        raise CodeRefuse(
            f"Ce code a expiré : l'atelier « {atelier.titre} » est terminé. Les propositions retenues "
            "sont publiées sur la page de la friche.", status=410)
    return atelier


def join(request, atelier):
    if request.session.get(SESSION_KEY) != atelier.pk:
        request.session.cycle_key()  # whatever the cookie held before does not carry over
        request.session[SESSION_KEY] = atelier.pk
        request.session[SENT_KEY] = []
    GUESSES.forget_session(request)


def atelier_from_session(request, pk):
    """The workshop this session joined, if it is `pk` and still open; else None."""
    if request.session.get(SESSION_KEY) != pk:
        return None
    atelier = AtelierFriche.objects.select_related("friche").filter(pk=pk).first()
    return atelier if atelier and atelier.code_valide() else None


def sent_ids(request):
    return list(request.session.get(SENT_KEY, []))


def may_send(request):
    return len(sent_ids(request)) < MAX_PROPOSALS_PER_SESSION


def record_sent(request, proposition):
    request.session[SENT_KEY] = sent_ids(request) + [proposition.pk]
