"""Forms of walks: planning (route and stops drawn on the map), joining, follow-up."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from commun.geometry import GeometrieRefusee
from signalements.models import Categorie
from territoire.models import Acteur, Territoire
from territoire.services import take_geometry

from .models import Etape, MarcheExploratoire, Participant, Priorite, Score, StatutPreconisation
from .services import ETAPE_RULES, ROUTE_RULES

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MAX_CRITERES = 20
MAX_ETAPES = 30


class MarcheForm(forms.ModelForm):
    """Title, time, organiser, theme, audit grid, and the route and stops drawn on the map
    (sent as GeoJSON in WGS84 by marche-plan.js, stored in Lambert-93 by PostGIS)."""

    criteres_texte = forms.CharField(
        label="Grille d'audit (un critère par ligne, noté de 0 à 3)", widget=forms.Textarea(attrs={"rows": 11}),
    )
    trace_geojson = forms.CharField(widget=forms.HiddenInput, required=False)
    etapes_json = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MarcheExploratoire
        fields = ["titre", "debut", "fin", "moment", "organisateur", "theme", "description"]
        widgets = {"debut": DATETIME_WIDGET, "fin": DATETIME_WIDGET,
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("debut", "fin"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
        self.fields["organisateur"].queryset = Acteur.objects.order_by("nom")
        self.fields["organisateur"].required = True
        self.fields["organisateur"].error_messages["required"] = "Indiquez l'acteur qui organise la marche."
        self.initial.setdefault("criteres_texte", "\n".join(c["nom"] for c in self.instance.criteres))
        if self.instance.pk:
            from commun.geometry import with_api_geom

            marche = with_api_geom(MarcheExploratoire.objects.filter(pk=self.instance.pk), "trace").get()
            if marche.geom_api:
                self.initial.setdefault("trace_geojson", marche.geom_api.geojson)
            etapes = with_api_geom(self.instance.etapes.order_by("ordre"))
            self.initial.setdefault("etapes_json", json.dumps([
                {"id": e.pk, "nom": e.nom, "lon": round(e.geom_api.x, 7), "lat": round(e.geom_api.y, 7)}
                for e in etapes]))

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin") and data["fin"] <= data["debut"]:
            self.add_error("fin", "La fin doit être après le début.")
        return data

    def clean_criteres_texte(self):
        names = [line.strip() for line in self.cleaned_data["criteres_texte"].splitlines() if line.strip()]
        if not names:
            raise ValidationError("La grille doit compter au moins un critère.")
        if len(names) > MAX_CRITERES:
            raise ValidationError(f"{MAX_CRITERES} critères au plus.")
        known = {c["nom"]: c["slug"] for c in self.instance.criteres}
        criteres, seen = [], set()
        for name in names:
            slug = known.get(name) or slugify(name)[:60]
            if not slug:
                raise ValidationError(f"Critère illisible : « {name} ».")
            if slug in seen:
                raise ValidationError(f"Critère en double : « {name} ».")
            seen.add(slug)
            criteres.append({"slug": slug, "nom": name[:120]})
        if self.instance.pk:
            scored = set(Score.objects.filter(marche=self.instance).values_list("critere", flat=True))
            removed = scored - seen
            if removed:
                raise ValidationError(
                    "Impossible de retirer un critère déjà noté : "
                    + ", ".join(self.instance.critere_nom(s) for s in sorted(removed)) + ".")
        return criteres

    def clean_trace_geojson(self):
        raw = self.cleaned_data.get("trace_geojson")
        if not raw:
            return None
        try:
            return take_geometry(raw, ROUTE_RULES).geom
        except GeometrieRefusee as exc:
            raise ValidationError(f"Parcours : {exc}") from None

    def clean_etapes_json(self):
        raw = self.cleaned_data.get("etapes_json") or "[]"
        try:
            rows = json.loads(raw)
        except ValueError:
            raise ValidationError("Étapes illisibles : replacez-les sur la carte.") from None
        if not isinstance(rows, list) or len(rows) > MAX_ETAPES:
            raise ValidationError(f"Liste d'étapes invalide ({MAX_ETAPES} au plus).")
        etapes = []
        for rank, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                raise ValidationError("Étape illisible.")
            nom = str(row.get("nom") or "").strip()[:200] or f"Étape {rank}"
            try:
                point = take_geometry({"type": "Point", "coordinates": [row.get("lon"), row.get("lat")]},
                                      ETAPE_RULES).geom
            except GeometrieRefusee as exc:
                raise ValidationError(f"Étape {rank} ({nom}) : {exc}") from None
            etapes.append({"id": row.get("id"), "ordre": rank, "nom": nom, "point": point})
        if self.instance.pk:
            kept = [row["id"] for row in etapes if isinstance(row["id"], int)]
            blocked = (self.instance.etapes.exclude(pk__in=kept)
                       .filter(Q(scores__isnull=False) | Q(annotations__isnull=False)).distinct())
            if blocked:
                raise ValidationError("Étape déjà notée ou annotée, impossible de la retirer : "
                                      + ", ".join(e.nom for e in blocked) + ".")
        return etapes

    @transaction.atomic
    def save(self, commit=True, user=None):
        marche = super().save(commit=False)
        marche.criteres = self.cleaned_data["criteres_texte"]
        marche.trace = self.cleaned_data.get("trace_geojson")
        if not marche.territoire_id:
            point = marche.trace or (self.cleaned_data["etapes_json"][0]["point"]
                                     if self.cleaned_data["etapes_json"] else None)
            territoire = Territoire.objects.filter(geom__intersects=point).first() if point else None
            marche.territoire = territoire or Territoire.objects.order_by("id").first()
        if user and not marche.cree_par_id:
            marche.cree_par = user
        marche.save()
        self._save_etapes(marche)
        return marche

    def _save_etapes(self, marche):
        existing = {e.pk: e for e in marche.etapes.all()}
        kept = set()
        for row in self.cleaned_data["etapes_json"]:
            etape = existing.get(row["id"]) if isinstance(row["id"], int) else None
            if etape is None:
                etape = Etape(marche=marche)
            etape.ordre, etape.nom, etape.geom = row["ordre"], row["nom"], row["point"]
            etape.save()
            kept.add(etape.pk)
        # clean_etapes_json refused removing a stop that already has scores or annotations.
        marche.etapes.exclude(pk__in=kept).delete()


class JoinForm(forms.Form):
    code = forms.CharField(label="Code de la marche", max_length=20, error_messages={
        "required": "Saisissez le code de la marche (obligatoire) : 6 caractères, sur l'affiche ou le QR code."},
        widget=forms.TextInput(attrs={
        "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "inputmode": "text",
        "placeholder": "ex. CSC 3MR"}))
    pseudo = forms.CharField(label="Pseudonyme (facultatif)", max_length=40, required=False,
                             help_text="Jamais publié : seule l'animation le voit pendant la marche.")
    genre = forms.ChoiceField(label="Vous êtes (facultatif)", required=False,
                              choices=Participant.Genre.choices, widget=forms.RadioSelect)
    tranche_age = forms.ChoiceField(label="Votre âge (facultatif)", required=False,
                                    choices=Participant.TrancheAge.choices)


class PromotionPreconisationForm(forms.Form):
    proposition = forms.CharField(label="Préconisation", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    acteur = forms.ModelChoiceField(label="Acteur responsable", queryset=Acteur.objects.order_by("nom"),
                                    error_messages={"required": "Choisissez l'acteur responsable."})
    priorite = forms.ChoiceField(label="Priorité", choices=Priorite.choices, initial=Priorite.MOYENNE)
    echeance = forms.DateField(label="Échéance", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"invalid": "Échéance illisible."})


class PromotionSignalementForm(forms.Form):
    categorie = forms.ModelChoiceField(
        label="Catégorie du signalement", queryset=Categorie.objects.filter(actif=True).select_related("parent"),
        error_messages={"required": "Choisissez une catégorie."})
    description = forms.CharField(label="Description", max_length=900, required=False)


class ReponseForm(forms.Form):
    statut = forms.ChoiceField(label="Statut", choices=StatutPreconisation.choices)
    reponse = forms.CharField(label="Réponse", max_length=3000, widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "Écrivez la réponse."})
