"""Who may do what with walks. Every page and endpoint goes through these functions.

- pilote: plans walks, facilitates them, writes préconisations, turns annotations into
  reports; sees pseudonyms (the facilitator met the walkers).
- any signed-in professional (agent, service): reads walks, their stops, annotations and
  préconisations; members of a préconisation's acteur answer and update it.
- participant (no account, session from the walk's code): reads its walk's route and
  stops, writes scores and annotations and reads back only its own; nothing else.
"""

from django.contrib.auth.models import AnonymousUser
from rest_framework import exceptions, permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.authentication import TokenAuthentication as _Token

from commun import roles

from .participation import participant_from_session


class ParticipantSessionAuthentication(SessionAuthentication):
    """A walk participant's session. The user stays anonymous; `request.auth` is the
    participant. CSRF applies exactly as to a signed-in session."""

    def authenticate(self, request):
        participant = participant_from_session(request._request)
        if participant is None:
            return None
        self.enforce_csrf(request)
        return (AnonymousUser(), participant)


AUTHENTICATION = [_Token, SessionAuthentication, ParticipantSessionAuthentication]


def current_participant(request):
    """The participant behind a session-borne request (never behind a token)."""
    if isinstance(request.successful_authenticator, SessionAuthentication):
        return participant_from_session(request._request)
    return None


def is_professional(user):
    return roles.is_staff_member(user)


def can_manage(user):
    return roles.is_pilote(user)


def can_answer(user, preconisation):
    return roles.is_pilote(user) or preconisation.acteur_id in roles.acteur_ids(user)


class WalkAccess(permissions.BasePermission):
    """Professionals and participants may come in; each view narrows to what they may see."""

    message = "Réservé aux professionnels connectés et aux participant·es de la marche."

    def has_permission(self, request, view):
        if is_professional(request.user):
            return True
        return current_participant(request) is not None


def check_walk_scope(request, marche):
    """403 for a participant who asks about another walk than theirs."""
    if is_professional(request.user):
        return None
    participant = current_participant(request)
    if participant is None:
        raise exceptions.NotAuthenticated("Connectez-vous ou rejoignez la marche avec son code.")
    if participant.marche_id != marche.pk:
        raise exceptions.PermissionDenied("Votre accès de participant·e est limité à la marche que vous avez rejointe.")
    return participant
