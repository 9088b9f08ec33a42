"""The contract's instances (article 6 of the avenant) and the conseil citoyen (article 5).

An instance has members (acteurs and people), meetings (date, place, agenda), decisions
(the relevé de décisions) that concern engagements, chantiers and préconisations, and
actions with an owner and a due date. The conseil citoyen is an instance too (its
meetings with the services and with residents make its calendar); its avis on chantiers,
friches and préconisations are `Avis`, asked for by a `Saisine`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chantiers.models import Chantier
from commun.historique import suivi, suivre_liens
from marches.models import Preconisation
from territoire.models import Acteur, Engagement, Territoire


@suivi()
class Instance(models.Model):
    class Type(models.TextChoices):
        COMITE_PILOTAGE = "comite_pilotage", _("Comité de pilotage")
        COMITE_TECHNIQUE = "comite_technique", _("Comité technique")
        GROUPE_TRAVAIL = "groupe_travail", _("Groupe de travail")
        CONSEIL_CITOYEN = "conseil_citoyen", _("Conseil citoyen")

    territoire = models.ForeignKey(Territoire, on_delete=models.CASCADE, related_name="instances")
    nom = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    role = models.TextField(_("rôle"), blank=True, help_text=_("Ce que l'instance décide ou prépare."))
    acteur = models.ForeignKey(Acteur, verbose_name=_("acteur correspondant"), on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="+",
                               help_text=_("Pour le conseil citoyen : l'acteur dont les membres forment le conseil."))
    friches = models.ManyToManyField(Chantier, verbose_name=_("friches suivies"), blank=True, related_name="+",
                                     limit_choices_to={"type": "friche"})

    class Meta:
        verbose_name = _("instance")
        verbose_name_plural = _("instances")
        ordering = ["type", "nom"]

    def __str__(self):
        return self.nom

    def get_absolute_url(self):
        return reverse("instance-detail", args=[self.slug])


@suivi()
class Membre(models.Model):
    """A member: an acteur (represented by whoever it sends) or a named person."""

    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="membres")
    acteur = models.ForeignKey(Acteur, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    personne = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="instances")
    qualite = models.CharField(_("qualité"), max_length=200, blank=True, help_text=_("Présidence, animation…"))

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["instance", "id"]
        constraints = [models.CheckConstraint(
            condition=Q(acteur__isnull=False) | Q(personne__isnull=False), name="membre_acteur_ou_personne")]

    def __str__(self):
        return str(self.acteur or self.personne)


@suivi()
class Reunion(models.Model):
    instance = models.ForeignKey(Instance, on_delete=models.CASCADE, related_name="reunions")
    titre = models.CharField(_("titre"), max_length=200)
    debut = models.DateTimeField(_("début"), db_index=True)
    fin = models.DateTimeField(_("fin"))
    lieu = models.CharField(_("lieu"), max_length=200)
    ordre_du_jour = models.TextField(_("ordre du jour"), max_length=5000, blank=True)
    avec_habitants = models.BooleanField(_("ouverte aux habitants"), default=False,
                                         help_text=_("Publiée dans l'agenda public."))
    compte_rendu = models.TextField(_("compte rendu"), max_length=10000, blank=True)
    demonstration = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")
        ordering = ["-debut"]
        constraints = [models.CheckConstraint(condition=Q(fin__gt=models.F("debut")), name="reunion_fin_apres_debut")]

    def __str__(self):
        return f"{self.instance} — {timezone.localtime(self.debut):%d/%m/%Y}"

    @property
    def a_venir(self):
        return self.debut > timezone.now()


@suivi()
class Decision(models.Model):
    """One line of a meeting's relevé de décisions (or a decision still to take)."""

    class Statut(models.TextChoices):
        A_PRENDRE = "a_prendre", _("À prendre")
        PRISE = "prise", _("Prise")
        AJOURNEE = "ajournee", _("Ajournée")

    reunion = models.ForeignKey(Reunion, verbose_name=_("réunion"), on_delete=models.CASCADE, related_name="decisions")
    texte = models.TextField(_("décision"), max_length=3000)
    statut = models.CharField(_("statut"), max_length=10, choices=Statut.choices, default=Statut.PRISE)
    engagements = models.ManyToManyField(Engagement, blank=True, related_name="decisions")
    chantiers = models.ManyToManyField(Chantier, blank=True, related_name="decisions")
    preconisations = models.ManyToManyField(Preconisation, verbose_name=_("préconisations"),
                                            blank=True, related_name="decisions")

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["reunion__debut", "id"]

    def __str__(self):
        return self.texte[:80]


@suivi()
class Action(models.Model):
    class Statut(models.TextChoices):
        A_FAIRE = "a_faire", _("À faire")
        EN_COURS = "en_cours", _("En cours")
        FAITE = "faite", _("Faite")
        ABANDONNEE = "abandonnee", _("Abandonnée")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="actions")
    libelle = models.CharField(_("action"), max_length=300)
    porteur = models.ForeignKey(Acteur, verbose_name=_("porteur"), on_delete=models.PROTECT, related_name="+")
    responsable = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsable"),
                                    on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    echeance = models.DateField(_("échéance"), db_index=True)
    statut = models.CharField(_("statut"), max_length=10, choices=Statut.choices, default=Statut.A_FAIRE)
    fait_le = models.DateField(_("faite le"), null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["echeance", "id"]

    def __str__(self):
        return self.libelle

    @property
    def en_retard(self):
        return self.statut in (self.Statut.A_FAIRE, self.Statut.EN_COURS) and self.echeance < timezone.localdate()


@suivi()
class Saisine(models.Model):
    """A project submitted to the conseil citoyen for its opinion."""

    chantier = models.ForeignKey(Chantier, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    preconisation = models.ForeignKey(Preconisation, verbose_name=_("préconisation"),
                                      on_delete=models.CASCADE, null=True, blank=True,
                                      related_name="+")
    question = models.TextField(_("question posée"), max_length=2000)
    date_limite = models.DateField(_("avis attendu avant le"))
    demandee_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("demandée par"),
                                     on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    cree_le = models.DateTimeField(_("date de création"), auto_now_add=True)

    class Meta:
        verbose_name = _("saisine du conseil citoyen")
        verbose_name_plural = _("saisines du conseil citoyen")
        ordering = ["date_limite", "id"]
        constraints = [models.CheckConstraint(
            condition=Q(chantier__isnull=False, preconisation__isnull=True)
            | Q(chantier__isnull=True, preconisation__isnull=False), name="saisine_un_objet")]

    def __str__(self):
        return self.question[:80]

    @property
    def objet(self):
        return self.chantier or self.preconisation


@suivi()
class Avis(models.Model):
    """The conseil citoyen's opinion on a chantier (a friche is one) or a préconisation,
    recorded by one of its members; public, signed by the conseil, not by the person."""

    class Sens(models.TextChoices):
        FAVORABLE = "favorable", _("Favorable")
        RESERVES = "reserves", _("Favorable avec réserves")
        DEFAVORABLE = "defavorable", _("Défavorable")
        OBSERVATIONS = "observations", _("Observations")

    saisine = models.ForeignKey(Saisine, on_delete=models.SET_NULL, null=True, blank=True, related_name="avis")
    chantier = models.ForeignKey(Chantier, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    preconisation = models.ForeignKey(Preconisation, verbose_name=_("préconisation"),
                                      on_delete=models.CASCADE, null=True, blank=True,
                                      related_name="+")
    sens = models.CharField(_("sens de l'avis"), max_length=12, choices=Sens.choices)
    texte = models.TextField(_("avis"), max_length=4000)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    demonstration = models.BooleanField(_("donnée de démonstration"), default=False)
    rendu_le = models.DateTimeField(_("rendu le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("avis du conseil citoyen")
        verbose_name_plural = _("avis du conseil citoyen")
        ordering = ["-rendu_le"]
        constraints = [models.CheckConstraint(
            condition=Q(chantier__isnull=False, preconisation__isnull=True)
            | Q(chantier__isnull=True, preconisation__isnull=False), name="avis_un_objet")]

    def __str__(self):
        return f"{self.get_sens_display()} — {self.texte[:60]}"


FricheSuivie = suivre_liens(Instance.friches.through, "FricheSuivie", "friche suivie", "friches suivies")
DecisionEngagement = suivre_liens(Decision.engagements.through, "DecisionEngagement", "engagement d'une décision",
                                  "engagements des décisions")
DecisionChantier = suivre_liens(Decision.chantiers.through, "DecisionChantier", "chantier d'une décision",
                                "chantiers des décisions")
DecisionPreconisation = suivre_liens(Decision.preconisations.through, "DecisionPreconisation",
                                     "préconisation d'une décision",
                                     "préconisations des décisions")
