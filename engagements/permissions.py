"""Who follows which engagement.

- any signed-in professional reads the engagements and their validated history;
- members of an acteur that carries an engagement update it (status, note, evidence),
  and see their own pending or refused updates;
- pilots update any engagement, validate or refuse updates, and see every row.
"""

from django.db.models import Q

from commun import roles

from .models import MiseAJour, Validation


def can_update(user, engagement):
    if roles.is_pilote(user):
        return True
    mine = roles.acteur_ids(user)
    return bool(mine) and any(a.pk in mine for a in engagement.acteurs.all())


def can_validate(user):
    return roles.is_pilote(user)


def visible_mises_a_jour(user, queryset=None):
    qs = MiseAJour.objects.all() if queryset is None else queryset
    if roles.is_pilote(user):
        return qs
    return qs.filter(Q(validation=Validation.VALIDEE) | Q(acteur_id__in=roles.acteur_ids(user)) | Q(auteur=user))
