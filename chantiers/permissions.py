"""Who sees and edits what in the renewal programme.

- everybody reads the operations, the friches and the published proposals;
- a signed-in person also reads their own proposals, whatever their state;
- pilots edit operations and moderate proposals (`commun.permissions.pilote_required`).
"""

from django.db.models import Q

from commun import roles

from .models import Proposition


def visible_propositions(user, queryset=None):
    qs = Proposition.objects.all() if queryset is None else queryset
    if roles.is_pilote(user):
        return qs
    published = Q(statut=Proposition.Statut.PUBLIEE)
    if user and user.is_authenticated:
        return qs.filter(published | Q(auteur=user))
    return qs.filter(published)
