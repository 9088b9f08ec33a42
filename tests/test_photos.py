import io
import uuid
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from signalements import services
from signalements.models import Categorie, Evenement, Photo

pytestmark = pytest.mark.django_db


def exif_jpeg(size=(3000, 1500), lonlat=(5.1702, 48.7781), orientation=None, color=(10, 120, 200)):
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    if lonlat:
        lon, lat = lonlat

        def dms(value):
            d = int(value)
            m = int((value - d) * 60)
            s = round(((value - d) * 60 - m) * 60, 3)
            return (float(d), float(m), s)

        exif[0x8825] = {1: "N", 2: dms(lat), 3: "E", 4: dms(lon)}
    if orientation:
        exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment=b"secret comment")
    return buffer.getvalue()


@pytest.fixture
def setup(users):
    s = services.create_signalement(
        auteur=users["agent.demo"], point=Point(5.170, 48.778, srid=4326),
        categorie=Categorie.objects.get(slug="depots-sauvage"), observe_le=timezone.now() - timedelta(minutes=1),
    )
    api = APIClient()
    api.force_authenticate(users["agent.demo"])
    return s, api, users


def put(api, s, photo_uuid, data, content_type="image/jpeg"):
    return api.put(f"/api/v1/signalements/{s.uuid}/photos/{photo_uuid}", data, content_type=content_type,
                   HTTP_CONTENT_DISPOSITION=f"attachment; filename={photo_uuid}.jpg")


def test_photo_is_resized_stripped_and_its_exif_position_kept(setup):
    s, api, _ = setup
    pid = uuid.uuid4()
    response = put(api, s, pid, exif_jpeg())
    assert response.status_code == 201, response.content
    assert response.json()["uuid"] == str(pid)
    photo = Photo.objects.get(uuid=pid)
    assert (photo.largeur, photo.hauteur) == (2048, 1024)
    stored = Image.open(photo.image.path)
    assert stored.size == (2048, 1024)
    assert not stored.getexif()  # no EXIF at all: no GPS, no maker
    assert "comment" not in stored.info and "xmp" not in stored.info and "exif" not in stored.info
    assert b"PhoneMaker" not in open(photo.image.path, "rb").read()
    assert max(Image.open(photo.miniature.path).size) == 400
    assert photo.exif_geom is not None
    assert photo.exif_distance_m == pytest.approx(18, abs=4)  # (5.1702, 48.7781) vs (5.170, 48.778)
    assert not photo.exif_loin
    assert s.evenements.filter(type=Evenement.Type.PHOTO, photo=photo).exists()


def test_far_exif_position_is_flagged(setup):
    s, api, _ = setup
    put(api, s, uuid.uuid4(), exif_jpeg(lonlat=(5.1800, 48.7781)))
    photo = Photo.objects.get()
    assert photo.exif_distance_m == pytest.approx(733, rel=0.05)
    assert photo.exif_loin


def test_orientation_is_applied(setup):
    s, api, _ = setup
    put(api, s, uuid.uuid4(), exif_jpeg(size=(1200, 600), orientation=6, lonlat=None))
    photo = Photo.objects.get()
    assert (photo.largeur, photo.hauteur) == (600, 1200)  # rotated upright, then tagless


def test_photo_put_is_idempotent(setup):
    s, api, _ = setup
    pid = uuid.uuid4()
    data = exif_jpeg()
    assert put(api, s, pid, data).status_code == 201
    assert put(api, s, pid, data).status_code == 200
    conflict = put(api, s, pid, exif_jpeg(color=(1, 2, 3)))
    assert conflict.status_code == 409
    assert "photo_uuid" in conflict.json()["errors"]
    assert Photo.objects.count() == 1


def test_multipart_upload_works_too(setup):
    s, api, _ = setup
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("p.jpg", exif_jpeg(), content_type="image/jpeg")
    response = api.put(f"/api/v1/signalements/{s.uuid}/photos/{uuid.uuid4()}", {"photo": upload},
                       format="multipart")
    assert response.status_code == 201


@pytest.mark.parametrize(
    "payload, fragment",
    [
        (b"%PDF-1.4 not an image at all", "pas une image"),
        (b"", "Aucune photo"),
    ],
)
def test_bad_files_are_refused(setup, payload, fragment):
    s, api, _ = setup
    response = put(api, s, uuid.uuid4(), payload, content_type="application/octet-stream")
    assert response.status_code == 400
    assert fragment in " ".join(response.json()["errors"]["photo"])
    assert Photo.objects.count() == 0


def test_too_large_file_is_refused(setup):
    s, api, _ = setup
    big = exif_jpeg(lonlat=None) + b"\0" * (15 * 1024 * 1024)
    response = put(api, s, uuid.uuid4(), big)
    assert response.status_code == 400
    assert "15 Mo" in response.json()["detail"]


def test_decompression_bomb_is_refused(setup):
    s, api, _ = setup
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")  # 400 Mpx in ~50 kB
    assert len(buffer.getvalue()) < 200_000
    response = put(api, s, uuid.uuid4(), buffer.getvalue(), content_type="image/png")
    assert response.status_code == 400
    assert "démesurée" in response.json()["detail"]


def test_only_author_or_service_may_add_photos_and_view_them(setup):
    s, api, users = setup
    pid = uuid.uuid4()
    put(api, s, pid, exif_jpeg())
    oph = APIClient()
    oph.force_authenticate(users["oph.demo"])
    assert put(oph, s, uuid.uuid4(), exif_jpeg()).status_code == 404
    agglo_page = Client()
    agglo_page.force_login(users["oph.demo"])
    assert agglo_page.get(f"/signalements/{s.uuid}/photos/{pid}.jpg").status_code == 404
    agent_page = Client()
    agent_page.force_login(users["agent.demo"])
    response = agent_page.get(f"/signalements/{s.uuid}/photos/{pid}-mini.jpg")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]


def test_status_change_can_carry_a_photo(setup):
    s, api, users = setup
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = Client()
    page.force_login(users["pilote.demo"])
    photo = SimpleUploadedFile("fait.jpg", exif_jpeg(lonlat=None), content_type="image/jpeg")
    page.post(f"/signalements/{s.uuid}/statut/", {"statut": "resolu", "commentaire": "Fait", "photo": photo})
    event = s.evenements.get(type=Evenement.Type.STATUT)
    assert event.photo is not None and event.nouveau_statut == "resolu"
    bad = SimpleUploadedFile("x.jpg", b"nope", content_type="image/jpeg")
    response = page.post(f"/signalements/{s.uuid}/statut/", {"statut": "en_cours", "photo": bad}, follow=True)
    assert "pas une image" in response.content.decode()
    s.refresh_from_db()
    assert s.statut == "resolu"  # nothing half-saved
