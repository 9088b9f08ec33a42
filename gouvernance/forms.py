from django import forms

from chantiers.forms import DateInput, DateTimeInput
from chantiers.models import Chantier
from marches.models import Preconisation
from territoire.models import Acteur, Engagement

from .models import Action, Avis, Decision, Reunion, Saisine


class ReunionForm(forms.ModelForm):
    class Meta:
        model = Reunion
        fields = ["titre", "debut", "fin", "lieu", "ordre_du_jour", "avec_habitants", "compte_rendu"]
        widgets = {"debut": DateTimeInput(), "fin": DateTimeInput(),
                   "ordre_du_jour": forms.Textarea(attrs={"rows": 4}),
                   "compte_rendu": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin") and data["fin"] <= data["debut"]:
            self.add_error("fin", "La fin doit suivre le début.")
        return data


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["texte", "statut", "engagements", "chantiers", "preconisations"]
        widgets = {"texte": forms.Textarea(attrs={"rows": 3}),
                   **{name: forms.SelectMultiple(attrs={"size": 4}) for name in
                      ["engagements", "chantiers", "preconisations"]}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engagements"].queryset = Engagement.objects.order_by("numero")
        self.fields["chantiers"].queryset = Chantier.objects.order_by("nom")
        self.fields["preconisations"].queryset = Preconisation.objects.select_related("marche").order_by("id")
        self.fields["preconisations"].label_from_instance = lambda p: p.proposition[:90]
        self.fields["engagements"].label_from_instance = lambda e: f"{e.numero}. {e.texte[:80]}"


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["libelle", "porteur", "echeance"]
        widgets = {"echeance": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["porteur"].queryset = Acteur.objects.order_by("nom")


class ActionStatutForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["statut"]


class SaisineForm(forms.ModelForm):
    class Meta:
        model = Saisine
        fields = ["chantier", "preconisation", "question", "date_limite"]
        widgets = {"date_limite": DateInput(), "question": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chantier"].queryset = Chantier.objects.order_by("nom")
        self.fields["preconisation"].queryset = Preconisation.objects.order_by("id")
        self.fields["preconisation"].label_from_instance = lambda p: p.proposition[:90]

    def clean(self):
        data = super().clean()
        if bool(data.get("chantier")) == bool(data.get("preconisation")):
            raise forms.ValidationError("Choisissez un chantier (ou une friche) ou une préconisation, un seul.")
        return data


class AvisForm(forms.ModelForm):
    """The conseil citoyen's avis on one object: the page that shows the form says which."""

    class Meta:
        model = Avis
        fields = ["sens", "texte"]
        widgets = {"texte": forms.Textarea(attrs={"rows": 4, "maxlength": 4000})}
