"""Friches: residents' proposals, moderation, photos (re-encoded, bombs refused)."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chantiers.models import PhotoChantier, Proposition
from territoire.models import Acteur
from tests.factories import ActeurFactory, ChantierFactory, PropositionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def friche(demo):
    return ChantierFactory(nom="Friche des Ardennes", type="friche", statut="programme",
                           maitre_ouvrage=Acteur.objects.get(slug="ville"))


@pytest.fixture
def habitant(db):
    return UserFactory(username="habitant", first_name="Awa", last_name="Diallo")


def jpeg_with_exif(size=(3000, 1500), orientation=6):
    image = Image.new("RGB", size, "red")
    exif = Image.Exif()
    exif[0x0112] = orientation  # rotated 90°: the upright picture is taller than wide
    exif[0x010F] = "Appareil secret"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_signed_in_resident_proposes_then_pilot_publishes(client, friche, habitant, pilote):
    client.force_login(habitant)
    sketch = {"type": "Point", "coordinates": [5.164, 48.778]}
    response = client.post(f"/chantiers/{friche.pk}/propositions/", {
        "titre": "Jardin partagé", "texte": "Des potagers pour les familles.", "geom": json.dumps(sketch),
        "photo": upload(jpeg_with_exif()),
    })
    assert response.status_code == 302
    proposition = Proposition.objects.get()
    assert proposition.statut == "en_attente" and proposition.auteur == habitant
    assert proposition.conseil_citoyen is False
    assert proposition.geom.srid == 2154 and proposition.geom.geom_type == "Point"

    # Anonymous visitors do not see it yet; its author does.
    client.logout()
    assert "Jardin partagé" not in client.get(f"/chantiers/{friche.pk}/").content.decode()
    client.force_login(habitant)
    assert "En attente de modération" in client.get(f"/chantiers/{friche.pk}/").content.decode()

    # Only a pilot moderates.
    response = client.post(f"/chantiers/propositions/{proposition.pk}/moderer/", {"decision": "publiee"})
    assert response.status_code == 403
    client.force_login(pilote)
    response = client.post(f"/chantiers/propositions/{proposition.pk}/moderer/", {"decision": "publiee"})
    assert response.status_code == 302
    proposition.refresh_from_db()
    assert proposition.statut == "publiee" and proposition.modere_par == pilote

    client.logout()
    html = client.get(f"/chantiers/{friche.pk}/").content.decode()
    assert "Jardin partagé" in html and "Des potagers" in html
    assert "Diallo" not in html and "Awa" not in html  # no author names for the public


def test_refusal_needs_a_reason(client, friche, pilote):
    proposition = PropositionFactory(friche=friche, statut="en_attente")
    client.force_login(pilote)
    response = client.post(f"/chantiers/propositions/{proposition.pk}/moderer/", {"decision": "refusee"})
    assert response.status_code == 400
    assert "motif du refus" in response.content.decode()
    response = client.post(f"/chantiers/propositions/{proposition.pk}/moderer/",
                           {"decision": "refusee", "motif": "Hors du périmètre de la friche."})
    assert response.status_code == 302
    proposition.refresh_from_db()
    assert proposition.statut == "refusee" and proposition.motif_refus.startswith("Hors")


def test_conseil_citoyen_member_is_flagged(client, friche):
    member = UserFactory(username="conseiller")
    Acteur.objects.get(slug="conseil-citoyen").membres.add(member)
    client.force_login(member)
    client.post(f"/chantiers/{friche.pk}/propositions/", {"titre": "Verger", "texte": "Des arbres fruitiers."})
    assert Proposition.objects.get().conseil_citoyen is True


def test_anonymous_cannot_propose_and_proposals_only_on_friches(client, friche, habitant):
    response = client.post(f"/chantiers/{friche.pk}/propositions/", {"titre": "X", "texte": "Y"})
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    other = ChantierFactory(type="demolition")
    client.force_login(habitant)
    assert client.post(f"/chantiers/{other.pk}/propositions/", {"titre": "X", "texte": "Y"}).status_code == 404
    assert not Proposition.objects.exists()


def test_photo_is_reencoded_upright_small_and_without_exif(client, friche, pilote, media):
    client.force_login(pilote)
    response = client.post(f"/chantiers/{friche.pk}/photos/", {
        "image": upload(jpeg_with_exif()), "legende": "Vue depuis la rue", "prise_le": "2025-05-01",
    })
    assert response.status_code == 302
    photo = PhotoChantier.objects.get()
    stored = Image.open(photo.image.path)
    assert stored.format == "JPEG"
    # 3000×1500 turned upright by its EXIF orientation, then shrunk to 2048 px at most.
    assert stored.size == (1024, 2048) == (photo.largeur, photo.hauteur)
    assert not stored.getexif()
    assert b"Appareil secret" not in open(photo.image.path, "rb").read()


@pytest.mark.parametrize("data, name, fragment", [
    (b"%PDF-1.4 not an image", "doc.jpg", "pas une image"),
    (b"", "vide.jpg", "vide"),
])
def test_non_images_are_refused_with_a_clear_400(client, friche, habitant, data, name, fragment):
    client.force_login(habitant)
    response = client.post(f"/chantiers/{friche.pk}/propositions/",
                           {"titre": "X", "texte": "Y", "photo": upload(data, name)})
    assert response.status_code == 400
    assert fragment in response.content.decode()
    assert not Proposition.objects.exists()


def test_oversized_file_is_refused(client, friche, pilote):
    client.force_login(pilote)
    heavy = jpeg_with_exif() + b"\0" * (15 * 1024 * 1024)
    response = client.post(f"/chantiers/{friche.pk}/photos/", {"image": upload(heavy),
                                                               "prise_le": "2025-05-01"})
    assert response.status_code == 400
    assert "15 Mo au maximum" in response.content.decode()


def test_decompression_bomb_is_refused(client, friche, pilote):
    # A 20000×20000 PNG compresses to a few hundred kilobytes: 400 megapixels once decoded.
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")
    client.force_login(pilote)
    response = client.post(f"/chantiers/{friche.pk}/photos/", {
        "image": upload(buffer.getvalue(), "bombe.png", "image/png"), "prise_le": "2025-05-01"})
    assert response.status_code == 400
    assert "démesurée" in response.content.decode()
    assert not PhotoChantier.objects.exists()


def test_only_pilots_add_photos(client, friche, habitant):
    client.force_login(habitant)
    response = client.post(f"/chantiers/{friche.pk}/photos/", {"image": upload(jpeg_with_exif())})
    assert response.status_code == 403


def test_api_visibility_of_proposals(api, friche, habitant, pilote):
    PropositionFactory(friche=friche, titre="Publiée", auteur=habitant)
    PropositionFactory(friche=friche, titre="Mienne", auteur=habitant, statut="en_attente")
    PropositionFactory(friche=friche, titre="Autre", statut="en_attente")
    PropositionFactory(friche=friche, titre="Refusée", statut="refusee")

    def titles():
        return sorted(f["properties"]["titre"] for f in api.get("/api/v1/propositions/").json()["features"])

    assert titles() == ["Publiée"]
    api.force_authenticate(habitant)
    assert titles() == ["Mienne", "Publiée"]
    api.force_authenticate(pilote)
    assert titles() == ["Autre", "Mienne", "Publiée", "Refusée"]
    features = api.get("/api/v1/propositions/", {"statut": "publiee"}).json()["features"]
    assert features[0]["properties"]["auteur"] == "Awa Diallo"


def test_friche_page_offers_a_sketch_map_to_signed_in_users(client, friche, habitant):
    html = client.get(f"/chantiers/{friche.pk}/").content.decode()
    assert "Connectez-vous" in html and 'data-mode="sketch"' not in html
    client.force_login(habitant)
    html = client.get(f"/chantiers/{friche.pk}/").content.decode()
    assert 'data-mode="sketch"' in html and "leaflet-geoman" in html


def test_other_acteur_cannot_moderate(client, friche):
    service = UserFactory(username="service-x")
    ActeurFactory().membres.add(service)
    proposition = PropositionFactory(friche=friche, statut="en_attente")
    client.force_login(service)
    client.post(f"/chantiers/propositions/{proposition.pk}/moderer/", {"decision": "publiee"})
    assert Proposition.objects.get().statut == "en_attente"
