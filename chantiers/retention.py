"""What the programme keeps about people: who proposed a reuse of a friche."""

from commun.retention import Purge, apply

from .models import Proposition


def forget_proposal_authors(cutoff, dry_run):
    return apply(Proposition.objects.filter(cree_le__lt=cutoff, auteur__isnull=False), dry_run, auteur=None)


PURGES = [Purge("auteurs_propositions", "Auteurs des propositions pour les friches", forget_proposal_authors)]
