"""Who sees and acts on the instances and the conseil citoyen's avis.

- any signed-in professional (and the conseil citoyen, whose members sit in every
  instance, law of 21 February 2014) reads the instances, meetings, decisions, actions;
- pilots convene meetings, record decisions and actions, submit projects to the
  conseil citoyen;
- the porteur's members update an action's status;
- members of the conseil citoyen give its avis; everybody reads the avis.
"""

from commun import roles


def can_see_instances(user):
    return roles.is_staff_member(user)


def can_manage(user):
    return roles.is_pilote(user)


def can_update_action(user, action):
    return roles.is_pilote(user) or action.porteur_id in roles.acteur_ids(user) or action.responsable_id == getattr(
        user, "pk", None)


def can_give_avis(user):
    return roles.is_conseil_citoyen(user)
