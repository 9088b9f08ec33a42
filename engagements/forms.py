import uuid

from django import forms

from chantiers.forms import DateInput
from chantiers.models import Chantier
from marches.models import Preconisation
from signalements.permissions import visible_signalements
from territoire.models import Engagement

from .models import Indicateur, Preuve


class MiseAJourForm(forms.Form):
    """A partner's update of one engagement, with the evidence that goes with it."""

    statut = forms.ChoiceField(label="Statut", choices=Engagement.Statut.choices)
    note = forms.CharField(label="Où en est-on ?", max_length=3000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))
    prochaine_etape = forms.CharField(label="Prochaine étape", max_length=300, required=False)
    echeance = forms.DateField(label="Échéance", required=False, widget=DateInput(),
                               error_messages={"invalid": "Date illisible : format attendu AAAA-MM-JJ."})
    chantiers = forms.ModelMultipleChoiceField(
        label="Chantiers liés", required=False, queryset=Chantier.objects.order_by("nom"),
        widget=forms.SelectMultiple(attrs={"size": 4}))
    preconisations = forms.ModelMultipleChoiceField(
        label="Préconisations des marches liées", required=False,
        queryset=Preconisation.objects.select_related("marche").order_by("-marche__debut", "id"),
        widget=forms.SelectMultiple(attrs={"size": 4}))
    signalement = forms.CharField(label="Signalement lié (identifiant)", required=False, max_length=40,
                                  help_text="L'identifiant affiché sur la fiche du signalement.")
    indicateur = forms.ChoiceField(label="Indicateur", required=False,
                                   choices=[("", "—")] + list(Indicateur.choices))
    lien = forms.URLField(label="Lien (compte rendu, article…)", required=False, max_length=200,
                          assume_scheme="https")
    libelle_lien = forms.CharField(label="Titre du lien", required=False, max_length=200)

    def __init__(self, *args, user=None, engagement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if engagement is not None and not self.is_bound:
            self.initial.update({"statut": engagement.statut, "prochaine_etape": engagement.prochaine_etape,
                                 "echeance": engagement.echeance})

    def clean_signalement(self):
        raw = self.cleaned_data["signalement"].strip()
        if not raw:
            return None
        try:
            key = uuid.UUID(raw)
        except ValueError:
            raise forms.ValidationError("Identifiant de signalement illisible.") from None
        found = visible_signalements(self.user).filter(uuid=key).first()
        if found is None:
            raise forms.ValidationError("Aucun signalement que vous pouvez voir ne porte cet identifiant.")
        return found

    def preuves(self):
        data = self.cleaned_data
        found = [Preuve(chantier=c, libelle=c.nom) for c in data["chantiers"]]
        found += [Preuve(preconisation=p, libelle=p.proposition[:200]) for p in data["preconisations"]]
        if data["signalement"]:
            found.append(Preuve(signalement=data["signalement"], libelle=str(data["signalement"].categorie)))
        if data["indicateur"]:
            found.append(Preuve(indicateur=data["indicateur"]))
        if data["lien"]:
            found.append(Preuve(lien=data["lien"], libelle=data["libelle_lien"] or data["lien"]))
        return found


class ValidationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("valider", "Valider"), ("refuser", "Refuser")],
                                 error_messages={"invalid_choice": "Décision attendue : valider ou refuser."})
    motif = forms.CharField(max_length=300, required=False, label="Motif du refus")

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuser" and not data.get("motif", "").strip():
            self.add_error("motif", "Indiquez le motif du refus : il est montré au partenaire.")
        return data
