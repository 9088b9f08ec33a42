from django import forms
from django.core.exceptions import ValidationError

from territoire.models import Acteur


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
