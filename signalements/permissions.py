"""Who sees and acts on which report. Every view and API goes through these functions.

- pilote: every report.
- agent: every non-sensitive report, and the sensitive ones they made.
- service (member of acteurs): reports routed to its acteurs and those its members made;
  a police-type acteur also sees every sensitive report.
- anyone else (anonymous, walk participant): none.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from commun import roles

from .models import Signalement


def visible_signalements(user, queryset=None):
    qs = Signalement.objects.all() if queryset is None else queryset
    if not user or not user.is_authenticated:
        return qs.none()
    if roles.is_pilote(user):
        return qs
    acteurs = roles.acteur_ids(user)
    police = roles.sees_sensitive(user)
    own = Q(auteur=user)
    scope = own
    if roles.is_agent(user):
        scope |= Q(sensible=False)
    if acteurs:
        members = get_user_model().objects.filter(acteurs__in=acteurs).values("id")
        scope |= Q(acteur_id__in=acteurs) | Q(auteur_id__in=members)
    if not police:
        # Sensitive reports: only one's own, unless police.
        scope &= Q(sensible=False) | own
    else:
        scope |= Q(sensible=True)
    if not (roles.is_agent(user) or acteurs or police):
        scope = own
    return qs.filter(scope)


def can_view(user, signalement):
    return visible_signalements(user).filter(pk=signalement.pk).exists()


def can_act(user, signalement):
    """Change status, reassign, mark duplicate: pilots and the acteur in charge."""
    if roles.is_pilote(user):
        return True
    if not user or not user.is_authenticated:
        return False
    if signalement.sensible and not roles.sees_sensitive(user):
        return False
    return signalement.acteur_id is not None and signalement.acteur_id in roles.acteur_ids(user)


def can_report(user):
    """Create reports: any signed-in professional."""
    return roles.is_staff_member(user)


def visibility_key(user):
    """Equal for two people who see the same reports (caches and ETags of tiles)."""
    if roles.is_pilote(user):
        return "pilote"
    acteurs = ",".join(str(a) for a in sorted(roles.acteur_ids(user)))
    return f"u{user.pk}:{int(roles.is_agent(user))}:{int(roles.sees_sensitive(user))}:{acteurs}"
