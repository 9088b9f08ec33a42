from django.contrib.auth.models import Group, User
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pghistory.models import MiddlewareEvents
from rest_framework.authtoken.models import TokenProxy

from .historique import suivi, suivre_liens


class Courriel(models.Model):
    """An e-mail kept until the mail server took it: a failed send is retried, not lost."""

    MAX_TENTATIVES = 8

    destinataires = models.JSONField(_("destinataires"), default=list)
    sujet = models.CharField(_("sujet"), max_length=250)
    corps = models.TextField(_("message"))
    cree_le = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)
    envoye_le = models.DateTimeField(_("envoyé le"), null=True, blank=True, db_index=True)
    tentatives = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    derniere_erreur = models.CharField(_("dernière erreur"), max_length=500, blank=True)
    entetes = models.JSONField(_("en-têtes"), default=dict, blank=True,
                               help_text=_("Par exemple List-Unsubscribe (désinscription en un clic)."))

    class Meta:
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels")
        ordering = ["-cree_le"]

    def __str__(self):
        return f"{self.sujet} → {', '.join(self.destinataires)}"

    def attempt(self):
        """Try to send now, once even if two workers try together; record the outcome.
        Returns True once sent."""
        with transaction.atomic():
            locked = Courriel.objects.select_for_update(skip_locked=True).filter(pk=self.pk).first()
            if locked is None:  # another worker is sending it right now
                return False
            if locked.envoye_le:
                return True
            locked.tentatives += 1
            try:
                EmailMessage(locked.sujet, locked.corps, None, locked.destinataires,
                             headers=locked.entetes or None).send(fail_silently=False)
            except Exception as exc:  # noqa: BLE001 - any transport failure is retried later
                locked.derniere_erreur = f"{type(exc).__name__}: {exc}"[:500]
                locked.save(update_fields=["tentatives", "derniere_erreur"])
                sent = False
            else:
                locked.envoye_le = timezone.now()
                locked.derniere_erreur = ""
                locked.save(update_fields=["tentatives", "derniere_erreur", "envoye_le"])
                sent = True
        self.tentatives, self.derniere_erreur = locked.tentatives, locked.derniere_erreur
        self.envoye_le = locked.envoye_le
        return sent


class Rappel(models.Model):
    """A reminder or an alert already sent, by its key ("retard-signalement:42"): a periodic
    job that runs twice, or two workers at once, never send the same one twice."""

    cle = models.CharField(_("clé"), max_length=200, unique=True)
    cree_le = models.DateTimeField(_("envoyé le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("rappel envoyé")
        verbose_name_plural = _("rappels envoyés")
        ordering = ["-cree_le"]

    def __str__(self):
        return self.cle


class CompteurEchecs(models.Model):
    """Wrong guesses (of a walk's or a workshop's code) per key and time window, counted
    by PostgreSQL in one `INSERT … ON CONFLICT DO UPDATE` (commun.codes.GuessLimit): two
    wrong guesses at the same instant, from two workers, both count."""

    cle = models.CharField(_("clé"), max_length=200)
    fenetre = models.BigIntegerField(_("fenêtre"), help_text=_("Numéro de la fenêtre de temps (secondes / durée)."))
    nombre = models.PositiveIntegerField(_("nombre"), default=0)

    class Meta:
        verbose_name = _("compteur d'échecs")
        verbose_name_plural = _("compteurs d'échecs")
        constraints = [models.UniqueConstraint(fields=["cle", "fenetre"], name="compteur_echecs_unique")]

    def __str__(self):
        return f"{self.cle} #{self.fenetre} : {self.nombre}"


# Users' roles: the account's flags (not its password nor its identity) and its groups
# ("pilote", "agent") are in the audit trail; the acteurs' members in territoire. The auth
# tables belong to Django, so their triggers hang on proxies of this app (its migrations).
class Compte(User):
    class Meta:
        proxy = True
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")


class Groupe(Group):
    class Meta:
        proxy = True
        verbose_name = _("groupe")
        verbose_name_plural = _("groupes")


class CompteGroupe(User.groups.through):
    class Meta:
        proxy = True
        verbose_name = _("appartenance à un groupe")
        verbose_name_plural = _("appartenances aux groupes")


class ComptePermission(User.user_permissions.through):
    class Meta:
        proxy = True
        verbose_name = _("permission d'un compte")
        verbose_name_plural = _("permissions des comptes")


class GroupePermission(Group.permissions.through):
    class Meta:
        proxy = True
        verbose_name = _("permission d'un groupe")
        verbose_name_plural = _("permissions des groupes")


suivi(fields=["username", "is_active", "is_staff", "is_superuser"], model_name="CompteEvent")(Compte)
suivi(model_name="GroupeEvent")(Groupe)
suivre_liens(CompteGroupe, "CompteGroupe", "appartenance à un groupe")
suivre_liens(ComptePermission, "ComptePermission", "permission d'un compte")
suivre_liens(GroupePermission, "GroupePermission", "permission d'un groupe")

class Modification(MiddlewareEvents):
    """Every tracked change, of every table, for the admin's "Journal des modifications"."""

    class Meta:
        proxy = True
        verbose_name = _("modification")
        verbose_name_plural = _("journal des modifications")

    def __str__(self):
        return f"{self.pgh_label} · {self.pgh_obj_model} n° {self.pgh_obj_id}"


class JetonApi(TokenProxy):
    """An API token as the admin shows it: never its whole key (the list shows its first
    characters, enough to recognise it in a log)."""

    class Meta:
        proxy = True
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    @property
    def prefixe(self):
        return f"{self.key[:6]}…" if self.key else "—"

    def __str__(self):
        return f"jeton de {self.user} ({self.prefixe})"
