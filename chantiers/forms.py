import uuid

from django import forms
from django.contrib.gis.geos import GEOSGeometry
from django.core.files.base import ContentFile
from django.utils.text import slugify

from commun import photos
from commun.geometry import GeometrieRefusee, Rules
from territoire.models import Acteur, Territoire
from territoire.services import take_geometry

from .models import AtelierFriche, Chantier, Jalon, PhotoChantier, Proposition

# An operation is a point, a line (the heat network) or a surface, possibly in several
# parts; it may lie up to 2 km from the QPV (a heating plant, a car park).
CHANTIER_RULES = Rules(
    types=("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon"),
    max_outside_m=2000, max_vertices=20000, require_territory=False,
)


class GeoJSONField(forms.CharField):
    """A hidden field holding a GeoJSON geometry in WGS84, filled by the map editor."""

    widget = forms.HiddenInput

    def __init__(self, *args, required_geometry=True, **kwargs):
        self.required_geometry = required_geometry
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, GEOSGeometry):
            return value.transform(4326, clone=True).geojson
        return value

    def clean(self, value):
        value = super().clean(value)
        if not (value or "").strip():
            if self.required_geometry:
                raise forms.ValidationError("Dessinez l'emprise sur la carte.", code="geometrie")
            return None
        try:
            return take_geometry(value, CHANTIER_RULES).geom
        except GeometrieRefusee as exc:
            raise forms.ValidationError(str(exc), code="geometrie") from None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


DATE_FIELDS = ["debut_prevu", "fin_prevue", "debut_reel", "fin_reelle"]


class ChantierForm(forms.ModelForm):
    geom = GeoJSONField(label="Emprise")

    class Meta:
        model = Chantier
        fields = [
            "nom", "type", "statut", "maitre_ouvrage", "adresse", "description", "geom",
            *DATE_FIELDS,
            "logements_demolis", "logements_rehabilites", "logements_construits",
            "budget", "financeurs", "plan_financement",
            "heures_insertion_prevues", "heures_insertion_realisees", "beneficiaires_qpv",
            "demonstration",
        ]
        widgets = {name: DateInput() for name in DATE_FIELDS} | {
            "description": forms.Textarea(attrs={"rows": 4}),
            "plan_financement": forms.Textarea(attrs={"rows": 3}),
            "financeurs": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["maitre_ouvrage"].queryset = Acteur.objects.order_by("nom")
        self.fields["financeurs"].queryset = Acteur.objects.order_by("nom")

    def clean(self):
        data = super().clean()
        for start, end, label in (("debut_prevu", "fin_prevue", "prévue"), ("debut_reel", "fin_reelle", "réelle")):
            if data.get(start) and data.get(end) and data[end] < data[start]:
                self.add_error(end, f"La fin {label} précède le début.")
        return data

    def save(self, commit=True):
        chantier = super().save(commit=False)
        if not chantier.slug:
            chantier.slug = unique_slug(chantier.nom)
        if chantier.territoire_id is None:
            chantier.territoire = Territoire.objects.filter(geom__intersects=chantier.geom).first()
        if commit:
            chantier.save()
            self.save_m2m()
        return chantier


def unique_slug(nom):
    base = slugify(nom)[:90] or "chantier"
    slug, n = base, 2
    while Chantier.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


JalonFormSet = forms.inlineformset_factory(
    Chantier, Jalon, fields=["libelle", "date_prevue", "date_reelle", "ordre"],
    widgets={"date_prevue": DateInput(), "date_reelle": DateInput()},
    extra=2, can_delete=True,
)


class PhotoField(forms.FileField):
    """An uploaded photo, re-encoded (upright, ≤ 2048 px, JPEG without EXIF)."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return upload
        try:
            processed = photos.process(photos.read_upload(upload))
        except photos.PhotoRefusee as exc:
            raise forms.ValidationError(str(exc), code="photo") from None
        content = ContentFile(processed.image, name=f"{uuid.uuid4().hex}.jpg")
        content.largeur, content.hauteur = processed.largeur, processed.hauteur
        return content


class PhotoChantierForm(forms.ModelForm):
    image = PhotoField(label="Photo")

    class Meta:
        model = PhotoChantier
        fields = ["image", "legende", "prise_le"]
        widgets = {"prise_le": DateInput()}

    def save(self, commit=True):
        photo = super().save(commit=False)
        content = self.cleaned_data["image"]
        photo.largeur, photo.hauteur = content.largeur, content.hauteur
        if commit:
            photo.save()
        return photo


class PropositionForm(forms.ModelForm):
    geom = GeoJSONField(label="Croquis (facultatif)", required_geometry=False)
    photo = PhotoField(label="Photo (facultative)", required=False)

    class Meta:
        model = Proposition
        fields = ["titre", "texte", "geom", "photo"]
        widgets = {"texte": forms.Textarea(attrs={"rows": 5, "maxlength": 3000})}


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("publiee", "Publier"), ("refusee", "Refuser")])
    motif = forms.CharField(max_length=300, required=False, label="Motif du refus")

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refusee" and not data.get("motif", "").strip():
            self.add_error("motif", "Indiquez le motif du refus : il est montré à l'auteur.")
        return data


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class AtelierForm(forms.ModelForm):
    class Meta:
        model = AtelierFriche
        fields = ["titre", "lieu", "debut", "fin"]
        widgets = {"debut": DateTimeInput(), "fin": DateTimeInput()}

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin") and data["fin"] <= data["debut"]:
            self.add_error("fin", "La fin doit suivre le début.")
        return data


class JoinAtelierForm(forms.Form):
    code = forms.CharField(label="Code de l'atelier", max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "inputmode": "text", "class": "code-saisie"}))
