from django import forms
from django.core.exceptions import ValidationError

from commun.geometry import GeometrieRefusee, Rules
from territoire.models import Acteur, Secteur
from territoire.services import take_geometry

from .models import Abonnement, Categorie


class StatutForm(forms.Form):
    statut = forms.ChoiceField(label="Nouveau statut")
    commentaire = forms.CharField(label="Commentaire", required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label="Photo (facultative)", required=False)

    def __init__(self, *args, signalement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statut"].choices = [(s.value, s.label) for s in signalement.statuts_possibles()]


class ReaffectationForm(forms.Form):
    acteur = forms.ModelChoiceField(label="Confier à", queryset=Acteur.objects.none())
    raison = forms.CharField(label="Raison", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acteur"].queryset = Acteur.objects.exclude(email="").order_by("nom")


class DoublonForm(forms.Form):
    original = forms.UUIDField(label="Doublon du signalement (identifiant)",
                               error_messages={"invalid": "Identifiant de signalement invalide."})
    commentaire = forms.CharField(label="Commentaire", required=False, max_length=1000)

    def __init__(self, *args, visibles, **kwargs):
        super().__init__(*args, **kwargs)
        self.visibles = visibles

    def clean_original(self):
        value = self.cleaned_data["original"]
        original = self.visibles.filter(uuid=value).first()
        if original is None:
            raise ValidationError("Signalement introuvable parmi ceux que vous pouvez voir.")
        return original


class CommentaireForm(forms.Form):
    commentaire = forms.CharField(label="Commentaire", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


ZONE_RULES = Rules(types=("Polygon",), max_outside_m=500, max_vertices=500)


class AbonnementForm(forms.ModelForm):
    """A subscription: a sector, or a zone drawn on the map (GeoJSON in WGS84)."""

    zone = forms.CharField(required=False, widget=forms.HiddenInput, label="Zone dessinée")

    class Meta:
        model = Abonnement
        fields = ["nom", "secteur", "zone", "categories", "frequence"]
        widgets = {"categories": forms.CheckboxSelectMultiple, "frequence": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secteur"].queryset = Secteur.objects.order_by("nom")
        self.fields["secteur"].empty_label = "— ou dessinez une zone sur la carte —"
        self.fields["categories"].queryset = Categorie.objects.filter(parent__isnull=True, actif=True)
        self.fields["categories"].help_text = "Aucune case cochée : toutes les catégories."

    def clean_zone(self):
        value = (self.cleaned_data.get("zone") or "").strip()
        if not value:
            return None
        try:
            return take_geometry(value, ZONE_RULES).geom
        except GeometrieRefusee as exc:
            raise ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        if not data.get("secteur") and not data.get("zone") and "zone" not in self.errors:
            raise ValidationError("Choisissez un secteur ou dessinez une zone sur la carte.")
        if data.get("secteur") and data.get("zone"):
            raise ValidationError("Choisissez un secteur ou une zone dessinée, pas les deux.")
        return data


class StatutGroupeForm(forms.Form):
    """The triage list's bulk action: one status for the checked reports (at most a page)."""

    MAX = 50

    statut = forms.ChoiceField(label="Nouveau statut des signalements cochés",
                               error_messages={"invalid_choice": "Statut inconnu : choisissez-en un dans la liste."})
    commentaire = forms.CharField(label="Commentaire (obligatoire pour un rejet)", required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        from .models import Statut

        super().__init__(*args, **kwargs)
        self.fields["statut"].choices = [("", "—")] + [(s.value, s.label) for s in Statut
                                                        if s != Statut.DOUBLON]

    def clean(self):
        import uuid as uuidlib

        cleaned = super().clean()
        raw = self.data.getlist("uuid") if hasattr(self.data, "getlist") else []  # the checked rows
        if not raw:
            raise ValidationError("Cochez au moins un signalement.")
        if len(raw) > self.MAX:
            raise ValidationError(f"Au plus {self.MAX} signalements à la fois.")
        try:
            cleaned["uuids"] = [uuidlib.UUID(value) for value in raw]
        except ValueError:
            raise ValidationError("Identifiant de signalement invalide : rechargez la liste.") from None
        return cleaned
