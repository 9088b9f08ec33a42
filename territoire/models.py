from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commun.historique import suivi, suivre_liens

SRID = settings.STORAGE_SRID


@suivi()
class Territoire(models.Model):
    """A QPV: its official code, name, commune and perimeter."""

    code = models.CharField(_("code QPV"), max_length=20, unique=True)
    nom = models.CharField(_("nom"), max_length=200)
    commune = models.CharField(_("commune"), max_length=200)
    code_insee = models.CharField(_("code INSEE"), max_length=5, blank=True)
    geom = models.MultiPolygonField(_("périmètre"), srid=SRID)
    demonstration = models.BooleanField(
        _("géométrie de démonstration"),
        default=False,
        help_text=_("Vrai tant que le périmètre officiel n'a pas été importé."),
    )
    source = models.CharField(_("source du périmètre"), max_length=300, blank=True)
    importe_le = models.DateTimeField(_("importé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("territoire (QPV)")
        verbose_name_plural = _("territoires (QPV)")
        ordering = ["nom"]

    def __str__(self):
        return f"{self.nom} ({self.code})"

    @property
    def attribution(self):
        if self.demonstration:
            return "Périmètre de démonstration, non officiel"
        return self.source or "Périmètre officiel"


@suivi()
class Secteur(models.Model):
    """A GUSP sector inside a territory (the unit of day-to-day management)."""

    territoire = models.ForeignKey(Territoire, on_delete=models.CASCADE, related_name="secteurs")
    nom = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80)
    geom = models.MultiPolygonField(_("emprise"), srid=SRID)
    demonstration = models.BooleanField(_("géométrie de démonstration"), default=False)

    class Meta:
        verbose_name = _("secteur")
        verbose_name_plural = _("secteurs")
        ordering = ["territoire", "nom"]
        constraints = [
            models.UniqueConstraint(fields=["territoire", "slug"], name="secteur_slug_unique")
        ]

    def __str__(self):
        return self.nom


@suivi()
class Acteur(models.Model):
    """A signatory or a service; routed reports go to its e-mail address."""

    class Type(models.TextChoices):
        ETAT = "etat", _("Service de l'État")
        COLLECTIVITE = "collectivite", _("Collectivité")
        BAILLEUR = "bailleur", _("Bailleur social")
        ORGANISME = "organisme", _("Organisme (CAF, CPAM, ARS…)")
        POLICE = "police", _("Police, sécurité")
        ASSOCIATION = "association", _("Association")
        HABITANTS = "habitants", _("Habitants, conseil citoyen")
        ENTREPRISE = "entreprise", _("Entreprise, chambre consulaire")

    nom = models.CharField(_("nom"), max_length=200, unique=True)
    sigle = models.CharField(_("sigle"), max_length=40, blank=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("rattaché à"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
    )
    email = models.EmailField(
        _("adresse de routage"),
        blank=True,
        help_text=_("Les signalements transmis à cet acteur sont envoyés à cette adresse."),
    )
    signataire = models.BooleanField(_("signataire du protocole"), default=False)
    acces_sensible = models.BooleanField(
        _("voit les signalements sensibles"),
        default=False,
        help_text=_("Réservé à la police : tranquillité et sécurité."),
    )
    membres = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("membres"), related_name="acteurs", blank=True
    )

    class Meta:
        verbose_name = _("acteur")
        verbose_name_plural = _("acteurs")
        ordering = ["nom"]

    def __str__(self):
        return self.sigle or self.nom


@suivi()
class Equipement(models.Model):
    """An existing facility of the neighbourhood."""

    territoire = models.ForeignKey(
        Territoire, on_delete=models.CASCADE, related_name="equipements"
    )
    nom = models.CharField(_("nom"), max_length=200)
    type = models.CharField(_("type"), max_length=100)
    adresse = models.CharField(_("adresse"), max_length=300, blank=True)
    gestionnaire = models.ForeignKey(
        Acteur, verbose_name=_("gestionnaire"), on_delete=models.SET_NULL, null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    geom = models.PointField(_("position"), srid=SRID)
    demonstration = models.BooleanField(_("position de démonstration"), default=False)

    class Meta:
        verbose_name = _("équipement")
        verbose_name_plural = _("équipements")
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(fields=["territoire", "nom"], name="equipement_nom_unique")
        ]

    def __str__(self):
        return self.nom


@suivi()
class Engagement(models.Model):
    """An action line of article 4 of the protocol, with its follow-up."""

    class Axe(models.TextChoices):
        LIEN_SOCIAL = "lien_social", _("Consolider le lien social")
        PREVENTION = "prevention", _("Conduire des actions de prévention")
        SANTE = "sante", _("Renforcer l'accès à la prévention et aux soins")
        DEVELOPPEMENT_DURABLE = "developpement_durable", _("Poursuivre le développement durable")
        EMPLOI_INSERTION = "emploi_insertion", _("Tirer parti des grands projets pour l'emploi")

    class Statut(models.TextChoices):
        A_LANCER = "a_lancer", _("À lancer")
        EN_COURS = "en_cours", _("En cours")
        REALISE = "realise", _("Réalisé")
        SUSPENDU = "suspendu", _("Suspendu")

    territoire = models.ForeignKey(
        Territoire, on_delete=models.CASCADE, related_name="engagements"
    )
    numero = models.PositiveSmallIntegerField(_("numéro"))
    axe = models.CharField(_("axe"), max_length=30, choices=Axe.choices)
    texte = models.TextField(_("engagement"))
    acteurs = models.ManyToManyField(Acteur, verbose_name=_("acteurs"), related_name="engagements")
    attendu_des_autres = models.BooleanField(
        _("orientation attendue des autres signataires"), default=False
    )
    statut = models.CharField(_("statut"), max_length=20, choices=Statut.choices, default=Statut.EN_COURS)
    suivi = models.TextField(_("notes de suivi"), blank=True)
    prochaine_etape = models.CharField(_("prochaine étape"), max_length=300, blank=True)
    echeance = models.DateField(_("échéance"), null=True, blank=True)
    mis_a_jour_le = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["territoire", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["territoire", "numero"], name="engagement_numero_unique")
        ]

    def __str__(self):
        return f"{self.numero}. {self.texte[:80]}"

    @property
    def en_retard(self):
        return bool(self.echeance and self.echeance < timezone.localdate() and self.statut != self.Statut.REALISE)


# Who belongs to which acteur decides what a service sees: each link is in the audit trail.
MembreActeur = suivre_liens(Acteur.membres.through, "MembreActeur", "membre d'un acteur", "membres des acteurs")
ActeurEngagement = suivre_liens(Engagement.acteurs.through, "ActeurEngagement", "acteur d'un engagement",
                                "acteurs des engagements")
