"""How long personal data is kept, and the purges that enforce it.

Each app declares what it keeps about people and how to forget it past its term, in its
`retention.py`, registered in `apps.py` with `register_purge`. `manage.py purger_donnees`
(and the daily job `commun.tasks.purge_personal_data`) runs them all; `--dry-run` counts
without changing anything. The terms are settings (`RETENTION`, in days, from the
environment); the register of what is collected and why is docs/donnees-personnelles.md.
"""

from dataclasses import dataclass
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Courriel


@dataclass
class Purge:
    """`forget(cutoff, dry_run) -> count` anonymises or deletes what is older than `cutoff`."""

    key: str
    label: str
    forget: object

    @property
    def days(self):
        return settings.RETENTION[self.key]

    def cutoff(self, now=None):
        return (now or timezone.now()) - timedelta(days=self.days)


PURGES = {}


def register_purge(purge):
    PURGES[purge.key] = purge
    return purge


def run_purges(dry_run=False, now=None):
    """[(purge, count)] for every registered purge, each in its own transaction."""
    results = []
    for purge in PURGES.values():
        with transaction.atomic():
            results.append((purge, purge.forget(purge.cutoff(now), dry_run)))
    return results


def apply(queryset, dry_run, **changes):
    """Update (or, without changes, delete) the rows of `queryset`; return how many."""
    if dry_run:
        return queryset.count()
    if changes:
        return queryset.update(**changes)
    count = queryset.count()
    queryset.delete()
    return count


# --- What the kernel keeps about people: stored e-mails, login attempts, accounts --------

def forget_old_history(cutoff, dry_run):
    """The audit trail (commun.historique) past its term: its copies of rows name accounts
    (authors, members) after the rows themselves forgot them. Then the request contexts
    (user, path) no event points to any more."""
    from pghistory.core import event_models
    from pghistory.models import Context

    count = 0
    for model in event_models():
        count += apply(model.objects.filter(pgh_created_at__lt=cutoff), dry_run)
    if not dry_run:
        Context.objects.filter(created_at__lt=cutoff).delete()  # events hold no constraint on it
    return count


def forget_sent_emails(cutoff, dry_run):
    return apply(Courriel.objects.filter(envoye_le__lt=cutoff), dry_run)


def forget_login_attempts(cutoff, dry_run):
    count = 0
    for model, field in ((AccessAttempt, "attempt_time"), (AccessFailureLog, "attempt_time"),
                         (AccessLog, "attempt_time")):
        count += apply(model.objects.filter(**{f"{field}__lt": cutoff}), dry_run)
    count += apply(Session.objects.filter(expire_date__lt=cutoff), dry_run)
    return count


def forget_inactive_accounts(cutoff, dry_run):
    """Accounts unused since the cutoff are closed and lose their name and e-mail (their
    past actions stay, signed « ancien compte »). Superusers are never touched."""
    users = get_user_model().objects.filter(is_superuser=False).exclude(username__startswith="ancien-compte-")
    stale = users.filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
    if dry_run:
        return stale.count()
    count = 0
    for user in stale:
        user.username = f"ancien-compte-{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        count += 1
    return count


KERNEL_PURGES = [
    Purge("courriels_envoyes", "Courriels envoyés (destinataires, textes)", forget_sent_emails),
    Purge("connexions", "Tentatives de connexion et sessions expirées", forget_login_attempts),
    Purge("comptes_inactifs", "Comptes inactifs (nom, e-mail)", forget_inactive_accounts),
    Purge("historique", "Historique des modifications (qui a changé quoi)", forget_old_history),
]
