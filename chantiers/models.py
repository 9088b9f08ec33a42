"""The urban-renewal programme: operations (chantiers), their milestones and photos,
and residents' proposals for the reuse of friches.

Field names `geom`, `maitre_ouvrage` and `statut` are a contract: the reports app routes
a "chantier" report to the maître d'ouvrage of the nearest operation.
"""

import datetime

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commun.codes import display_code, new_code
from commun.historique import suivi, suivre_liens
from territoire.models import Acteur, Territoire

SRID = settings.STORAGE_SRID


class Type(models.TextChoices):
    DEMOLITION = "demolition", _("Démolition")
    REHABILITATION = "rehabilitation", _("Réhabilitation")
    CONSTRUCTION = "construction", _("Construction")
    ESPACE_PUBLIC = "espace_public", _("Aménagement d'espace public")
    FRICHE = "friche", _("Friche")
    EQUIPEMENT = "equipement", _("Équipement")
    RESEAU = "reseau", _("Réseau")


class Statut(models.TextChoices):
    PROGRAMME = "programme", _("Programmé")
    ETUDES = "etudes", _("Études")
    TRAVAUX = "travaux", _("Travaux")
    LIVRE = "livre", _("Livré")
    SUSPENDU = "suspendu", _("Suspendu")
    ABANDONNE = "abandonne", _("Abandonné")


TERMINES = (Statut.LIVRE, Statut.ABANDONNE)


def today():
    return timezone.localdate()


class ChantierQuerySet(models.QuerySet):
    def during(self, start=None, end=None):
        """Operations whose span (actual dates, else planned) meets [start, end].

        An operation with no date at all is kept: nothing says it is outside.
        """
        qs = self
        if start:
            qs = qs.exclude(Q(fin_reelle__lt=start) | Q(fin_reelle__isnull=True, fin_prevue__lt=start))
        if end:
            qs = qs.exclude(Q(debut_reel__gt=end) | Q(debut_reel__isnull=True, debut_prevu__gt=end))
        return qs

    def friches(self):
        return self.filter(type=Type.FRICHE)


@suivi()
class Chantier(models.Model):
    """An operation of the renewal programme."""

    Type = Type
    Statut = Statut

    territoire = models.ForeignKey(
        Territoire, verbose_name=_("territoire"), on_delete=models.PROTECT, related_name="chantiers",
        null=True, blank=True,
    )
    nom = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    type = models.CharField(_("nature"), max_length=20, choices=Type.choices, db_index=True)
    statut = models.CharField(
        _("statut"), max_length=12, choices=Statut.choices, default=Statut.PROGRAMME, db_index=True
    )
    description = models.TextField(_("description"), blank=True)
    adresse = models.CharField(_("adresse ou lieu-dit"), max_length=300, blank=True)
    geom = models.GeometryField(_("emprise"), srid=SRID)
    maitre_ouvrage = models.ForeignKey(
        Acteur, verbose_name=_("maître d'ouvrage"), on_delete=models.PROTECT, related_name="chantiers"
    )
    financeurs = models.ManyToManyField(
        Acteur, verbose_name=_("financeurs"), related_name="chantiers_finances", blank=True
    )
    plan_financement = models.TextField(
        _("plan de financement"), blank=True, help_text=_("Montants par financeur, conditions.")
    )
    budget = models.DecimalField(
        _("budget (€ HT)"), max_digits=12, decimal_places=0, null=True, blank=True
    )

    debut_prevu = models.DateField(_("début prévu"), null=True, blank=True)
    fin_prevue = models.DateField(_("fin prévue"), null=True, blank=True)
    debut_reel = models.DateField(_("début réel"), null=True, blank=True)
    fin_reelle = models.DateField(_("fin réelle"), null=True, blank=True)

    logements_demolis = models.PositiveIntegerField(_("logements démolis"), default=0)
    logements_rehabilites = models.PositiveIntegerField(_("logements réhabilités"), default=0)
    logements_construits = models.PositiveIntegerField(_("logements construits"), default=0)

    heures_insertion_prevues = models.PositiveIntegerField(_("heures d'insertion prévues"), default=0)
    heures_insertion_realisees = models.PositiveIntegerField(_("heures d'insertion réalisées"), default=0)
    beneficiaires_qpv = models.PositiveIntegerField(
        _("habitants du QPV bénéficiaires de la clause"), default=0
    )

    demonstration = models.BooleanField(
        _("donnée de démonstration"), default=False,
        help_text=_("Dates, chiffres et emprise plausibles mais fictifs."),
    )
    cree_le = models.DateTimeField(_("créé le"), auto_now_add=True)
    mis_a_jour_le = models.DateTimeField(_("mis à jour le"), auto_now=True)

    objects = ChantierQuerySet.as_manager()

    class Meta:
        verbose_name = _("chantier")
        verbose_name_plural = _("chantiers")
        ordering = ["debut_prevu", "nom"]
        indexes = [models.Index(fields=["type", "statut"])]

    def __str__(self):
        return self.nom

    def get_absolute_url(self):
        return reverse("chantiers:detail", args=[self.pk])

    @property
    def debut(self):
        return self.debut_reel or self.debut_prevu

    @property
    def fin(self):
        return self.fin_reelle or self.fin_prevue

    @property
    def en_retard(self):
        """Planned end passed and the operation neither delivered nor abandoned."""
        if self.statut in TERMINES or self.fin_reelle or not self.fin_prevue:
            return False
        return self.fin_prevue < today()

    @property
    def est_friche(self):
        return self.type == Type.FRICHE

    @property
    def taux_insertion(self):
        if not self.heures_insertion_prevues:
            return None
        return round(100 * self.heures_insertion_realisees / self.heures_insertion_prevues)


@suivi()
class Jalon(models.Model):
    """A milestone: planned date against actual date."""

    chantier = models.ForeignKey(Chantier, on_delete=models.CASCADE, related_name="jalons")
    libelle = models.CharField(_("libellé"), max_length=200)
    date_prevue = models.DateField(_("date prévue"))
    date_reelle = models.DateField(_("date réelle"), null=True, blank=True)
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("jalon")
        verbose_name_plural = _("jalons")
        ordering = ["chantier", "ordre", "date_prevue"]
        constraints = [
            models.UniqueConstraint(fields=["chantier", "libelle"], name="jalon_libelle_unique")
        ]

    def __str__(self):
        return self.libelle

    @property
    def retard_jours(self):
        """Days late: reached after the planned date, or not reached and the date passed."""
        reference = self.date_reelle or today()
        delta = (reference - self.date_prevue).days
        return max(delta, 0)

    @property
    def en_retard(self):
        return self.retard_jours > 0

    @property
    def atteint(self):
        return self.date_reelle is not None


def photo_path(instance, filename):
    return f"chantiers/{instance.chantier_id}/{filename}"


@suivi()
class PhotoChantier(models.Model):
    """A photo of an operation, re-encoded without metadata."""

    chantier = models.ForeignKey(Chantier, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("image"), upload_to=photo_path)
    legende = models.CharField(_("légende"), max_length=300, blank=True)
    prise_le = models.DateField(_("prise le"), default=datetime.date.today)
    largeur = models.PositiveIntegerField(default=0)
    hauteur = models.PositiveIntegerField(default=0)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    cree_le = models.DateTimeField(_("date de création"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo de chantier")
        verbose_name_plural = _("photos de chantier")
        ordering = ["-prise_le", "-cree_le"]

    def __str__(self):
        return self.legende or f"Photo {self.pk}"


@suivi()
class AtelierFriche(models.Model):
    """A time when residents propose a reuse of a friche without an account (article 5's
    working group): the facilitator shows its code or QR code, on a screen or a poster in
    the hall; proposals sent with it wait for moderation."""

    # Joining closes this long after the announced end (a workshop often runs late).
    GRACE = datetime.timedelta(hours=1)

    friche = models.ForeignKey(
        Chantier, verbose_name=_("friche"), on_delete=models.CASCADE, related_name="ateliers",
        limit_choices_to={"type": Type.FRICHE},
    )
    titre = models.CharField(_("titre"), max_length=200)
    lieu = models.CharField(_("lieu"), max_length=200, blank=True)
    debut = models.DateTimeField(_("début"))
    fin = models.DateTimeField(_("fin"))
    code = models.CharField(_("code pour proposer"), max_length=12, unique=True, default=new_code)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("créé par"),
                                 on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    cree_le = models.DateTimeField(_("date de création"), auto_now_add=True)

    class Meta:
        verbose_name = _("atelier sur une friche")
        verbose_name_plural = _("ateliers sur les friches")
        ordering = ["-debut"]
        constraints = [
            models.CheckConstraint(condition=Q(fin__gt=models.F("debut")), name="atelier_fin_apres_debut"),
        ]

    def __str__(self):
        return f"{self.titre} ({timezone.localtime(self.debut):%d/%m/%Y})"

    def code_valide(self, now=None):
        return (now or timezone.now()) <= self.fin + self.GRACE

    @property
    def code_affiche(self):
        return display_code(self.code)


def proposition_photo_path(instance, filename):
    return f"friches/{instance.friche_id}/{filename}"


@suivi()
class Proposition(models.Model):
    """A resident's proposal for the reuse of a friche, moderated before it is shown."""

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", _("En attente de modération")
        PUBLIEE = "publiee", _("Publiée")
        REFUSEE = "refusee", _("Refusée")

    friche = models.ForeignKey(
        Chantier, verbose_name=_("friche"), on_delete=models.CASCADE, related_name="propositions",
        limit_choices_to={"type": Type.FRICHE},
    )
    titre = models.CharField(_("titre"), max_length=120)
    texte = models.TextField(_("proposition"), max_length=3000)
    geom = models.GeometryField(_("croquis"), srid=SRID, null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to=proposition_photo_path, null=True, blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.SET_NULL,
        null=True, related_name="propositions_friches",
    )
    atelier = models.ForeignKey(
        AtelierFriche, verbose_name=_("atelier"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="propositions", help_text=_("Déposée sans compte, avec le code de cet atelier."),
    )
    conseil_citoyen = models.BooleanField(
        _("au nom du conseil citoyen"), default=False,
        help_text=_("L'auteur était membre du conseil citoyen lors du dépôt."),
    )
    statut = models.CharField(
        _("statut"), max_length=12, choices=Statut.choices, default=Statut.EN_ATTENTE, db_index=True
    )
    motif_refus = models.CharField(_("motif du refus"), max_length=300, blank=True)
    modere_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("modéré par"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    modere_le = models.DateTimeField(_("modéré le"), null=True, blank=True)
    demonstration = models.BooleanField(_("donnée de démonstration"), default=False)
    cree_le = models.DateTimeField(_("déposée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposition pour une friche")
        verbose_name_plural = _("propositions pour les friches")
        ordering = ["-cree_le"]

    def __str__(self):
        return self.titre


FinanceurChantier = suivre_liens(Chantier.financeurs.through, "FinanceurChantier", "financeur d'un chantier",
                                 "financeurs des chantiers")
