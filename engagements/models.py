"""The follow-up of an engagement: every update is a row, never edited but to record the
pilot's validation, so the dated history of an engagement is its rows."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chantiers.models import Chantier
from commun.historique import suivi
from marches.models import Preconisation
from signalements.models import Signalement
from territoire.models import Acteur, Engagement

Statut = Engagement.Statut


class Validation(models.TextChoices):
    EN_ATTENTE = "en_attente", _("En attente de validation")
    VALIDEE = "validee", _("Validée")
    REFUSEE = "refusee", _("Refusée")


@suivi()
class MiseAJour(models.Model):
    """A partner's (or the pilot's) update: status, note, next step, due date; the pilot
    validates it before it becomes the engagement's state."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="mises_a_jour")
    date = models.DateField(_("date"), default=timezone.localdate,
                            help_text=_("Date à laquelle la situation décrite est constatée."))
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="+")
    acteur = models.ForeignKey(Acteur, verbose_name=_("au nom de"), on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    ancien_statut = models.CharField(_("statut précédent"), max_length=20, choices=Statut.choices, blank=True)
    statut = models.CharField(_("statut"), max_length=20, choices=Statut.choices)
    note = models.TextField(_("note"), max_length=3000, blank=True)
    prochaine_etape = models.CharField(_("prochaine étape"), max_length=300, blank=True)
    echeance = models.DateField(_("échéance"), null=True, blank=True)
    validation = models.CharField(_("validation"), max_length=12, choices=Validation.choices,
                                  default=Validation.EN_ATTENTE, db_index=True)
    valide_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("validée par"),
                                   on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    valide_le = models.DateTimeField(_("validée le"), null=True, blank=True)
    motif_refus = models.CharField(_("motif du refus"), max_length=300, blank=True)
    demonstration = models.BooleanField(_("donnée de démonstration"), default=False)
    cree_le = models.DateTimeField(_("saisie le"), auto_now_add=True)

    class Meta:
        verbose_name = _("mise à jour d'engagement")
        verbose_name_plural = _("mises à jour d'engagements")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["engagement", "validation", "date"])]

    def __str__(self):
        return f"{self.engagement.numero} — {self.get_statut_display()} ({self.date:%d/%m/%Y})"

    @property
    def change_statut(self):
        return bool(self.ancien_statut) and self.ancien_statut != self.statut


class Indicateur(models.TextChoices):
    """Figures that may stand as evidence of an engagement (computed, never typed)."""

    SIGNALEMENTS_RESOLUS = "signalements_resolus", _("Signalements résolus (12 mois)")
    DELAI_CIBLE = "delai_cible", _("Part des signalements résolus dans le délai cible (12 mois)")
    HEURES_INSERTION = "heures_insertion", _("Heures d'insertion réalisées")
    LOGEMENTS_REHABILITES = "logements_rehabilites", _("Logements réhabilités")
    PRECONISATIONS_REALISEES = "preconisations_realisees", _("Préconisations des marches réalisées")


@suivi()
class Preuve(models.Model):
    """Evidence of an engagement's progress: one object of another app, a figure or a link."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="preuves")
    mise_a_jour = models.ForeignKey(MiseAJour, verbose_name=_("mise à jour"),
                                    on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="preuves")
    chantier = models.ForeignKey(Chantier, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    signalement = models.ForeignKey(Signalement, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    preconisation = models.ForeignKey(Preconisation, verbose_name=_("préconisation"),
                                      on_delete=models.CASCADE, null=True, blank=True,
                                      related_name="+")
    indicateur = models.CharField(_("indicateur"), max_length=30, choices=Indicateur.choices, blank=True)
    lien = models.URLField(_("lien"), blank=True)
    libelle = models.CharField(_("libellé"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("preuve")
        verbose_name_plural = _("preuves")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="preuve_un_seul_objet",
                condition=(
                    Q(chantier__isnull=False, signalement__isnull=True, preconisation__isnull=True, indicateur="",
                      lien="")
                    | Q(chantier__isnull=True, signalement__isnull=False, preconisation__isnull=True, indicateur="",
                        lien="")
                    | Q(chantier__isnull=True, signalement__isnull=True, preconisation__isnull=False, indicateur="",
                        lien="")
                    | Q(chantier__isnull=True, signalement__isnull=True, preconisation__isnull=True)
                    & (Q(indicateur="") ^ Q(lien=""))
                ),
            ),
        ]

    def __str__(self):
        return self.libelle or self.get_indicateur_display() or self.lien
