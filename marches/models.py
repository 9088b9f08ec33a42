"""Marches exploratoires: a planned route, participants' scores and annotations, the
recommendations (préconisations) drawn from them and the answers of each acteur.

Participants have no account: a `Participant` row is created when someone joins with
the walk's code, and its id lives in the Django session (see `participation.py`).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commun.codes import CODE_ALPHABET, CODE_LENGTH, display_code, new_code, normalize_code  # noqa: F401
from commun.historique import suivi
from territoire.models import Acteur, Territoire

SRID = settings.STORAGE_SRID

# Joining closes this long after the announced end (a walk often runs late)...
JOIN_GRACE = timedelta(hours=1)
# ...but a participant who already joined may still send what waited in the outbox.
SEND_GRACE = timedelta(hours=48)

# The audit grid: Montréal's principles and Safetipin's parameters, scored 0 to 3.
CRITERES_DEFAUT = [
    ("eclairage", "Éclairage"),
    ("visibilite", "Visibilité"),
    ("champ-de-vision", "Ouverture du champ de vision"),
    ("presence-humaine", "Présence humaine"),
    ("surveillance-aide", "Surveillance et possibilité d'aide"),
    ("cheminement", "Cheminement"),
    ("signaletique", "Signalétique"),
    ("proprete-entretien", "Propreté et entretien"),
    ("transports", "Transports"),
    ("mixite-usage", "Mixité d'usage"),
    ("sentiment-securite", "Sentiment de sécurité"),
]
SCORE_LIBELLES = {0: "Très insatisfaisant", 1: "Insatisfaisant", 2: "Satisfaisant", 3: "Très satisfaisant"}


def criteres_defaut():
    return [{"slug": slug, "nom": nom} for slug, nom in CRITERES_DEFAUT]


class Moment(models.TextChoices):
    JOUR = "jour", _("De jour")
    NUIT = "nuit", _("De nuit")


@suivi()
class MarcheExploratoire(models.Model):
    titre = models.CharField(_("titre"), max_length=200)
    territoire = models.ForeignKey(Territoire, verbose_name=_("territoire"), on_delete=models.PROTECT,
                                   related_name="marches")
    debut = models.DateTimeField(_("début"))
    fin = models.DateTimeField(_("fin prévue"))
    moment = models.CharField(_("moment"), max_length=4, choices=Moment.choices, default=Moment.JOUR)
    organisateur = models.ForeignKey(
        Acteur, verbose_name=_("acteur organisateur"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="marches_organisees",
    )
    theme = models.CharField(_("thème"), max_length=200, blank=True)
    description = models.TextField(_("présentation"), blank=True, max_length=3000)
    trace = models.LineStringField(_("parcours"), srid=SRID, null=True, blank=True)
    criteres = models.JSONField(_("grille d'audit"), default=criteres_defaut,
                                help_text=_("Liste de {slug, nom} ; chaque critère est noté de 0 à 3."))
    code = models.CharField(_("code pour rejoindre"), max_length=12, unique=True, default=new_code)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("créé par"),
                                 on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    cree_le = models.DateTimeField(_("date de création"), auto_now_add=True)
    mis_a_jour_le = models.DateTimeField(_("dernière modification"), auto_now=True)

    class Meta:
        verbose_name = _("marche exploratoire")
        verbose_name_plural = _("marches exploratoires")
        ordering = ["-debut"]
        constraints = [
            models.CheckConstraint(condition=models.Q(fin__gt=models.F("debut")), name="marche_fin_apres_debut"),
        ]

    def __str__(self):
        return f"{self.titre} ({timezone.localtime(self.debut):%d/%m/%Y})"

    @property
    def code_expire_le(self):
        return self.fin + JOIN_GRACE

    def code_valide(self, now=None):
        return (now or timezone.now()) <= self.code_expire_le

    @property
    def envoi_ouvre_le(self):
        """Annotations and scores are accepted from this moment (settings: minutes before the start)."""
        return self.debut - timedelta(minutes=settings.MARCHE_ANNOTATIONS_AVANT_MINUTES)

    @property
    def envoi_ferme_le(self):
        return self.fin + SEND_GRACE

    def envoi_ouvert(self, now=None):
        return self.envoi_ouvre_le <= (now or timezone.now()) <= self.envoi_ferme_le

    def envoi_refuse(self, now=None):
        """Why sending is refused now, in French; "" while the window is open."""
        now = now or timezone.now()
        if now < self.envoi_ouvre_le:
            ouvre = timezone.localtime(self.envoi_ouvre_le)
            debut = timezone.localtime(self.debut)
            return (f"La marche n'a pas commencé : elle part le {debut:%d/%m/%Y} à {debut:%H:%M}. "
                    f"Les annotations et les notes seront acceptées à partir du {ouvre:%d/%m/%Y} à "
                    f"{ouvre:%H:%M}. Revenez à ce moment-là.")
        if now > self.envoi_ferme_le:
            return ("La marche est close depuis plus de 48 heures : l'envoi n'est plus possible. "
                    "Adressez vos remarques à l'animatrice ou l'animateur de la marche.")
        return ""

    @property
    def a_venir(self):
        return timezone.now() < self.debut

    @property
    def terminee(self):
        return timezone.now() > self.fin

    @property
    def etat(self):
        if self.a_venir:
            return "à venir"
        return "terminée" if self.terminee else "en cours"

    def critere_slugs(self):
        return [c["slug"] for c in self.criteres]

    def critere_nom(self, slug):
        return next((c["nom"] for c in self.criteres if c["slug"] == slug), slug)

    @property
    def code_affiche(self):
        return display_code(self.code)


@suivi()
class Etape(models.Model):
    """A stop of the route, where the group fills the audit grid."""

    marche = models.ForeignKey(MarcheExploratoire, on_delete=models.CASCADE, related_name="etapes")
    ordre = models.PositiveSmallIntegerField(_("ordre"))
    nom = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("consignes"), blank=True, max_length=1000)
    geom = models.PointField(_("position"), srid=SRID)

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["marche", "ordre", "id"]

    def __str__(self):
        return f"{self.ordre}. {self.nom}"


class Participant(models.Model):
    """Someone who joined with the code. No account, no name: an optional pseudonym and
    optional self-declared gender and age bracket, used only in aggregated figures."""

    class Genre(models.TextChoices):
        FEMME = "femme", _("Femme")
        HOMME = "homme", _("Homme")
        AUTRE = "autre", _("Autre")
        NON_DIT = "", _("Non précisé")

    class TrancheAge(models.TextChoices):
        MOINS_18 = "moins-18", _("Moins de 18 ans")
        DE_18_25 = "18-25", _("18 à 25 ans")
        DE_26_40 = "26-40", _("26 à 40 ans")
        DE_41_60 = "41-60", _("41 à 60 ans")
        PLUS_60 = "plus-60", _("Plus de 60 ans")
        NON_DIT = "", _("Non précisée")

    marche = models.ForeignKey(MarcheExploratoire, on_delete=models.CASCADE, related_name="participants")
    pseudo = models.CharField(_("pseudonyme"), max_length=40, blank=True)
    genre = models.CharField(_("genre"), max_length=8, choices=Genre.choices, blank=True, default="")
    tranche_age = models.CharField(_("tranche d'âge"), max_length=8, choices=TrancheAge.choices, blank=True,
                                   default="")
    rejoint_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant·e")
        verbose_name_plural = _("participant·es")
        ordering = ["marche", "rejoint_le"]

    def __str__(self):
        return f"Participant·e n° {self.pk}"


class Score(models.Model):
    """One criterion scored 0–3 at one stop by one participant.

    Rows are never edited: scoring again supersedes the previous row (`actif=False`), so a
    replayed submission always finds the row it created.
    """

    uuid = models.UUIDField(_("identifiant (UUID)"), unique=True)
    marche = models.ForeignKey(MarcheExploratoire, on_delete=models.CASCADE, related_name="scores")
    etape = models.ForeignKey(Etape, on_delete=models.CASCADE, related_name="scores")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="scores")
    critere = models.SlugField(_("critère"), max_length=60)
    valeur = models.PositiveSmallIntegerField(_("note"))
    commentaire = models.TextField(_("commentaire"), blank=True, max_length=1000)
    actif = models.BooleanField(default=True)
    empreinte = models.CharField(max_length=64, editable=False)
    cree_le = models.DateTimeField(_("date de création"), auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["etape", "critere", "cree_le"]
        constraints = [
            models.CheckConstraint(condition=models.Q(valeur__lte=3), name="score_0_a_3"),
            models.UniqueConstraint(fields=["participant", "etape", "critere"], condition=models.Q(actif=True),
                                    name="un_score_actif_par_critere"),
        ]

    def __str__(self):
        return f"note {self.valeur}/3 · {self.critere}"


class Annotation(models.Model):
    """What a participant saw: a point, line or polygon, a text, a photo, a criterion."""

    uuid = models.UUIDField(_("identifiant (UUID)"), unique=True)
    marche = models.ForeignKey(MarcheExploratoire, on_delete=models.CASCADE, related_name="annotations")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="annotations")
    etape = models.ForeignKey(Etape, verbose_name=_("étape"), on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="annotations")
    geom = models.GeometryField(_("géométrie"), srid=SRID)
    geometrie_reparee = models.BooleanField(_("géométrie réparée"), default=False)
    texte = models.TextField(_("texte"), blank=True, max_length=2000)
    critere = models.SlugField(_("critère"), max_length=60, blank=True)
    observe_le = models.DateTimeField(_("observé le"))
    photo_uuid = models.UUIDField(_("photo annoncée"), null=True, blank=True, unique=True)
    photo = models.ImageField(upload_to="marches/", blank=True)
    miniature = models.ImageField(upload_to="marches/", blank=True)
    photo_empreinte = models.CharField(max_length=64, blank=True)
    signalement = models.ForeignKey("signalements.Signalement", verbose_name=_("signalement créé"),
                                    on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    empreinte = models.CharField(max_length=64, editable=False)
    cree_le = models.DateTimeField(_("date de création"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")
        ordering = ["cree_le", "id"]

    def __str__(self):
        return f"{self.geom.geom_type} — {self.texte[:60]}"

    @property
    def photo_manquante(self):
        return bool(self.photo_uuid) and not self.photo


class Priorite(models.TextChoices):
    HAUTE = "haute", _("Haute")
    MOYENNE = "moyenne", _("Moyenne")
    BASSE = "basse", _("Basse")


class StatutPreconisation(models.TextChoices):
    PROPOSEE = "proposee", _("Proposée")
    ACCEPTEE = "acceptee", _("Acceptée")
    EN_COURS = "en_cours", _("En cours")
    REALISEE = "realisee", _("Réalisée")
    REFUSEE = "refusee", _("Refusée")


@suivi()
class Preconisation(models.Model):
    """A recommendation: a place, a problem, a proposal, a responsible acteur, a follow-up."""

    marche = models.ForeignKey(MarcheExploratoire, on_delete=models.CASCADE, related_name="preconisations")
    annotation = models.OneToOneField(Annotation, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="preconisation")
    etape = models.ForeignKey(Etape, verbose_name=_("étape"), on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="preconisations")
    geom = models.GeometryField(_("lieu"), srid=SRID, null=True, blank=True)
    probleme = models.TextField(_("constat"), max_length=2000)
    proposition = models.TextField(_("préconisation"), max_length=2000)
    acteur = models.ForeignKey(Acteur, verbose_name=_("acteur responsable"), on_delete=models.PROTECT,
                               related_name="preconisations")
    priorite = models.CharField(_("priorité"), max_length=8, choices=Priorite.choices, default=Priorite.MOYENNE)
    echeance = models.DateField(_("échéance"), null=True, blank=True)
    statut = models.CharField(_("statut"), max_length=10, choices=StatutPreconisation.choices,
                              default=StatutPreconisation.PROPOSEE, db_index=True)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("créé par"),
                                 on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    cree_le = models.DateTimeField(_("date de création"), auto_now_add=True)
    mis_a_jour_le = models.DateTimeField(_("dernière modification"), auto_now=True)

    class Meta:
        verbose_name = _("préconisation")
        verbose_name_plural = _("préconisations")
        ordering = ["marche", "etape__ordre", "id"]

    def __str__(self):
        return self.proposition[:80]

    @property
    def en_retard(self):
        return bool(self.echeance and self.echeance < timezone.localdate()
                    and self.statut not in (StatutPreconisation.REALISEE, StatutPreconisation.REFUSEE))


@suivi()
class Reponse(models.Model):
    """An acteur's formal answer or update on a préconisation (the follow-up history)."""

    preconisation = models.ForeignKey(Preconisation, verbose_name=_("préconisation"),
                                      on_delete=models.CASCADE, related_name="reponses")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    acteur = models.ForeignKey(Acteur, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    ancien_statut = models.CharField(max_length=10, choices=StatutPreconisation.choices, blank=True)
    statut = models.CharField(max_length=10, choices=StatutPreconisation.choices)
    texte = models.TextField(_("réponse"), max_length=3000)
    cree_le = models.DateTimeField(_("date de création"), auto_now_add=True)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        ordering = ["cree_le", "id"]

    def __str__(self):
        texte = self.texte if len(self.texte) <= 60 else self.texte[:59] + "…"
        return f"{self.get_statut_display()} : {texte}"
