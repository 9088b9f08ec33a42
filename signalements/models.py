import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commun.historique import suivi
from territoire.models import Acteur, Secteur, Territoire

SRID = settings.STORAGE_SRID


@suivi()
class Categorie(models.Model):
    """Two-level report category; the default acteur is the routing fallback."""

    parent = models.ForeignKey(
        "self", verbose_name=_("catégorie parente"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="sous_categories",
    )
    nom = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    icone = models.CharField(_("icône"), max_length=8, blank=True)
    acteur_defaut = models.ForeignKey(
        Acteur, verbose_name=_("acteur par défaut"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    delai_jours = models.PositiveSmallIntegerField(_("délai cible (jours)"), default=7)
    sensible = models.BooleanField(
        _("sensible"), default=False,
        help_text=_("Tranquillité, sécurité : jamais public, vu par les pilotes et la police seulement."),
    )
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)
    actif = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["ordre", "nom"]

    def __str__(self):
        return f"{self.parent.nom} › {self.nom}" if self.parent_id else self.nom

    @property
    def racine(self):
        return self.parent if self.parent_id else self

    def est_sensible(self):
        return self.sensible or bool(self.parent_id and self.parent.sensible)


@suivi()
class RegleRoutage(models.Model):
    """Category × sector → acteur (FixMyStreet's category × body). No sector: any sector."""

    categorie = models.ForeignKey(Categorie, verbose_name=_("catégorie"),
                                  on_delete=models.CASCADE, related_name="regles")
    secteur = models.ForeignKey(
        Secteur, on_delete=models.CASCADE, null=True, blank=True, related_name="regles",
        help_text=_("Vide : s'applique à tous les secteurs."),
    )
    acteur = models.ForeignKey(Acteur, on_delete=models.CASCADE, related_name="regles")

    class Meta:
        verbose_name = _("règle de routage")
        verbose_name_plural = _("règles de routage")
        constraints = [
            models.UniqueConstraint(fields=["categorie", "secteur"], name="regle_unique"),
            models.UniqueConstraint(
                fields=["categorie"], condition=models.Q(secteur__isnull=True),
                name="regle_tous_secteurs_unique",
            ),
        ]

    def __str__(self):
        return f"{self.categorie} / {self.secteur or 'tous secteurs'} → {self.acteur}"


class Statut(models.TextChoices):
    NOUVEAU = "nouveau", _("Nouveau")
    TRANSMIS = "transmis", _("Transmis")
    EN_COURS = "en_cours", _("En cours")
    RESOLU = "resolu", _("Résolu")
    REJETE = "rejete", _("Rejeté")
    DOUBLON = "doublon", _("Doublon")


OUVERTS = (Statut.NOUVEAU, Statut.TRANSMIS, Statut.EN_COURS)
# Allowed manual transitions; "transmis" is also reached by routing and reassignment.
TRANSITIONS = {
    Statut.NOUVEAU: {Statut.TRANSMIS, Statut.EN_COURS, Statut.REJETE, Statut.DOUBLON},
    Statut.TRANSMIS: {Statut.EN_COURS, Statut.RESOLU, Statut.REJETE, Statut.DOUBLON},
    Statut.EN_COURS: {Statut.RESOLU, Statut.REJETE, Statut.DOUBLON},
    Statut.RESOLU: {Statut.EN_COURS},  # rouvrir
    Statut.REJETE: set(),
    Statut.DOUBLON: set(),
}


class Source(models.TextChoices):
    AGENT = "agent", _("Agent de terrain")
    MARCHE = "marche", _("Marche exploratoire")
    SERVICE = "service", _("Service")
    HABITANT = "habitant", _("Habitant")


class Signalement(models.Model):
    """A field report. Its client-made UUID is the idempotency key of every submission."""

    uuid = models.UUIDField(_("identifiant"), unique=True, default=uuid.uuid4, editable=False)
    geom = models.PointField(_("position"), srid=SRID)
    territoire = models.ForeignKey(Territoire, on_delete=models.PROTECT, related_name="signalements")
    secteur = models.ForeignKey(
        Secteur, on_delete=models.SET_NULL, null=True, blank=True, related_name="signalements"
    )
    categorie = models.ForeignKey(Categorie, verbose_name=_("catégorie"),
                                  on_delete=models.PROTECT, related_name="signalements")
    description = models.TextField(_("description"), blank=True, max_length=1000)
    precision_m = models.FloatField(_("précision GPS (m)"), null=True, blank=True)
    observe_le = models.DateTimeField(_("observé le"))
    cree_le = models.DateTimeField(_("reçu le"), auto_now_add=True, db_index=True)
    mis_a_jour_le = models.DateTimeField(_("mis à jour le"), auto_now=True)
    statut = models.CharField(
        _("statut"), max_length=12, choices=Statut.choices, default=Statut.NOUVEAU, db_index=True
    )
    acteur = models.ForeignKey(
        Acteur, verbose_name=_("acteur en charge"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="signalements",
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signalé par"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="signalements",
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.AGENT)
    sensible = models.BooleanField(_("sensible"), default=False, db_index=True)
    doublon_de = models.ForeignKey(
        "self", verbose_name=_("doublon de"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="doublons",
    )
    photos_attendues = models.JSONField(_("photos annoncées"), default=list, blank=True)
    empreinte = models.CharField(_("empreinte du contenu"), max_length=64, editable=False)
    resolu_le = models.DateTimeField(_("résolu le"), null=True, blank=True)
    echeance = models.DateTimeField(_("échéance"), null=True, blank=True)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["-cree_le"]
        indexes = [
            models.Index(fields=["categorie", "statut"]),
            models.Index(fields=["acteur", "statut"]),
            # Keyset pages walk (cree_le, id) from the cursor (commun.pagination); the
            # bbox is transformed once and tested on the native geometry's GiST index.
            models.Index(fields=["-cree_le", "-id"], name="signalement_keyset"),
            # The version of the reports' tiles (max(mis_a_jour_le)) in one index probe.
            models.Index(fields=["mis_a_jour_le"], name="signalement_maj"),
            # The public per-sector figure counts only these rows.
            models.Index(fields=["secteur", "resolu_le"], name="signalement_resolus_publics",
                         condition=models.Q(statut="resolu", sensible=False)),
        ]

    def __str__(self):
        return f"{self.categorie} — {self.get_statut_display()} ({str(self.uuid)[:8]})"

    @property
    def ouvert(self):
        return self.statut in OUVERTS

    def statuts_possibles(self):
        """The statuses a person may move this report to, in the workflow's order."""
        return [s for s in Statut if s in TRANSITIONS[Statut(self.statut)]]

    def peut_passer_a(self, statut):
        return statut in TRANSITIONS[Statut(self.statut)]


class Photo(models.Model):
    """A photo, re-encoded without metadata; its EXIF position is kept apart."""

    uuid = models.UUIDField(_("identifiant (UUID)"), unique=True)
    signalement = models.ForeignKey(Signalement, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="signalements/")
    miniature = models.ImageField(upload_to="signalements/")
    largeur = models.PositiveIntegerField()
    hauteur = models.PositiveIntegerField()
    empreinte = models.CharField(max_length=64, help_text=_("SHA-256 du fichier reçu"))
    exif_geom = models.PointField(_("position EXIF"), srid=SRID, null=True, blank=True)
    exif_distance_m = models.FloatField(_("écart EXIF (m)"), null=True, blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    cree_le = models.DateTimeField(_("date de création"), auto_now_add=True)

    EXIF_FAR_M = 100

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["cree_le"]

    def __str__(self):
        return f"photo {str(self.uuid)[:8]} ({self.largeur} × {self.hauteur} px)"

    @property
    def exif_loin(self):
        return self.exif_distance_m is not None and self.exif_distance_m > self.EXIF_FAR_M


class Evenement(models.Model):
    """One row of a report's history: who did what, when (FixMyStreet's updates)."""

    class Type(models.TextChoices):
        CREATION = "creation", _("Création")
        TRANSMISSION = "transmission", _("Transmission")
        STATUT = "statut", _("Changement de statut")
        REASSIGNATION = "reassignation", _("Réaffectation")
        COMMENTAIRE = "commentaire", _("Commentaire")
        PHOTO = "photo", _("Photo")
        CONFIRMATION = "confirmation", _("Confirmation")
        DOUBLON = "doublon", _("Doublon")

    signalement = models.ForeignKey(Signalement, on_delete=models.CASCADE, related_name="evenements")
    type = models.CharField(max_length=15, choices=Type.choices)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    cree_le = models.DateTimeField(_("date de création"), auto_now_add=True, db_index=True)
    ancien_statut = models.CharField(max_length=12, choices=Statut.choices, blank=True)
    nouveau_statut = models.CharField(max_length=12, choices=Statut.choices, blank=True)
    ancien_acteur = models.ForeignKey(Acteur, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    nouvel_acteur = models.ForeignKey(Acteur, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    commentaire = models.TextField(blank=True, max_length=2000)
    photo = models.ForeignKey(Photo, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("historique")
        ordering = ["cree_le", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["signalement", "auteur"], condition=models.Q(type="confirmation"),
                name="une_confirmation_par_personne",
            )
        ]

    def __str__(self):
        quand = timezone.localtime(self.cree_le).strftime("%d/%m/%Y %H:%M") if self.cree_le else "à venir"
        return f"{self.get_type_display()} — {quand}"


class Abonnement(models.Model):
    """A pilot's or a conseil citoyen member's subscription to the new and resolved reports
    of an area (a sector, or a zone drawn on the map) and of some categories."""

    class Frequence(models.TextChoices):
        IMMEDIATE = "immediate", _("Dès qu'il y a du nouveau")
        QUOTIDIENNE = "quotidienne", _("Un résumé par jour")

    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="abonnements")
    nom = models.CharField(_("nom"), max_length=120)
    secteur = models.ForeignKey(Secteur, verbose_name=_("secteur"), on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+")
    zone = models.PolygonField(_("zone dessinée"), srid=SRID, null=True, blank=True)
    categories = models.ManyToManyField(Categorie, verbose_name=_("catégories"), blank=True, related_name="+",
                                        help_text=_("Aucune : toutes les catégories."))
    frequence = models.CharField(_("fréquence"), max_length=12, choices=Frequence.choices,
                                 default=Frequence.QUOTIDIENNE)
    actif = models.BooleanField(_("actif"), default=True)
    cree_le = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        ordering = ["utilisateur", "nom"]
        constraints = [models.CheckConstraint(
            condition=models.Q(secteur__isnull=False) | models.Q(zone__isnull=False), name="abonnement_une_zone")]

    def __str__(self):
        return self.nom


class Alerte(models.Model):
    """One report a subscription must tell about (new, or resolved): detected once, sent once."""

    class Type(models.TextChoices):
        NOUVEAU = "nouveau", _("Nouveau")
        RESOLU = "resolu", _("Résolu")

    abonnement = models.ForeignKey(Abonnement, on_delete=models.CASCADE, related_name="alertes")
    signalement = models.ForeignKey(Signalement, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=8, choices=Type.choices)
    detectee_le = models.DateTimeField(_("détectée le"), auto_now_add=True)
    envoyee_le = models.DateTimeField(_("envoyée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("alerte")
        verbose_name_plural = _("alertes")
        constraints = [models.UniqueConstraint(fields=["abonnement", "signalement", "type"], name="alerte_unique")]
        indexes = [models.Index(fields=["abonnement"], condition=models.Q(envoyee_le__isnull=True),
                                name="alerte_a_envoyer")]

    def __str__(self):
        return f"alerte « {self.get_type_display()} » (signalement n° {self.signalement_id})"
