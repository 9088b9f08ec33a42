"""Who may do what: the roles of the product, in one place.

- pilote: superuser or member of the "pilote" group; sees and edits everything.
- agent: member of the "agent" group; reports in the field.
- service: member of one or more acteurs; handles what is routed to them.
- conseil citoyen: member of an acteur of type "habitants" (the conseil citoyen); gives
  the conseil's avis on chantiers, friches and préconisations.
- participant: a walk participant (session scoped to one walk, no account).
Police-type acteurs (``acces_sensible``) also see sensitive reports.
"""

PILOTE = "pilote"
AGENT = "agent"
CONSEIL_CITOYEN = "habitants"  # the type of the conseil citoyen's acteur


def _load(user):
    """The user's groups, acteurs and police flag in one query, kept on the user object."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import Exists, OuterRef

    Acteur = user.acteurs.model
    groups, acteurs, police = (
        get_user_model().objects.filter(pk=user.pk).annotate(
            _g=ArraySubquery(Group.objects.filter(user=OuterRef("pk")).values("name")),
            _a=ArraySubquery(Acteur.objects.filter(membres=OuterRef("pk")).values("id")),
            _p=Exists(Acteur.objects.filter(membres=OuterRef("pk"), acces_sensible=True)),
        ).values_list("_g", "_a", "_p").first() or ([], [], False)
    )
    user._group_names, user._acteur_ids, user._sees_sensitive = set(groups), set(acteurs), police


def _in_group(user, name):
    if not user or not user.is_authenticated:
        return False
    if getattr(user, "_group_names", None) is None:
        _load(user)
    return name in user._group_names


def is_pilote(user):
    return bool(user and user.is_authenticated and (user.is_superuser or _in_group(user, PILOTE)))


def is_agent(user):
    return _in_group(user, AGENT)


def acteur_ids(user):
    """Ids of the acteurs the user is a member of (cached on the user object)."""
    if not user or not user.is_authenticated:
        return set()
    if getattr(user, "_acteur_ids", None) is None:
        _load(user)
    return user._acteur_ids


def sees_sensitive(user):
    """Pilots and members of a police-type acteur see sensitive reports."""
    if is_pilote(user):
        return True
    if not user or not user.is_authenticated:
        return False
    if getattr(user, "_sees_sensitive", None) is None:
        _load(user)
    return user._sees_sensitive


def is_staff_member(user):
    """Any signed-in professional: pilot, agent or service member."""
    return is_pilote(user) or is_agent(user) or bool(acteur_ids(user))


def is_conseil_citoyen(user):
    """A member of the conseil citoyen (an acteur of type "habitants")."""
    if not user or not user.is_authenticated:
        return False
    cache = getattr(user, "_conseil_citoyen", None)
    if cache is None:
        cache = user.acteurs.filter(type=CONSEIL_CITOYEN).exists()
        user._conseil_citoyen = cache
    return cache
