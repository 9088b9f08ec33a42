"""Backup, wipe, restore into a fresh database: same rows, same photo."""

import io
import time
import uuid

import dj_database_url
import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image
from rest_framework.test import APIClient

from commun import sauvegarde
from signalements.models import Photo
from tests.test_signalements_api import feature, post

pytestmark = pytest.mark.django_db(transaction=True)


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 80, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def fresh_database():
    """An empty PostgreSQL database beside the test one, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restaure"
    params = {k: v for k, v in {"host": connection.settings_dict["HOST"], "port": connection.settings_dict["PORT"],
                                "user": connection.settings_dict["USER"], "dbname": "postgres"}.items() if v}
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield {**connection.settings_dict, "NAME": name}, {**params, "dbname": name}
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_then_restore_into_a_fresh_database(users, tmp_path, settings, fresh_database, capsys):
    settings.MEDIA_ROOT = tmp_path / "media"
    api = APIClient()
    api.force_authenticate(users["agent.demo"])
    data = feature()
    response = post(api, data)
    assert response.status_code == 201, response.json()
    photo_uuid = uuid.uuid4()
    upload = api.put(f"/api/v1/signalements/{data['properties']['uuid']}/photos/{photo_uuid}", jpeg(),
                     content_type="image/jpeg", HTTP_CONTENT_DISPOSITION=f"attachment; filename={photo_uuid}.jpg")
    assert upload.status_code == 201
    photo = Photo.objects.get(uuid=photo_uuid)
    photo_hash = sauvegarde.sha256(photo.image.path)
    before = sauvegarde.row_counts()

    started = time.perf_counter()
    call_command("sauvegarder", str(tmp_path / "sauvegardes"))
    backed_up = time.perf_counter()
    folder = next((tmp_path / "sauvegardes").iterdir())
    manifest = sauvegarde.read_manifest(folder)
    assert manifest["lignes"] == before and manifest["version"]

    db, params = fresh_database
    url = f"postgis://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    restored_media = tmp_path / "media-restauree"  # the photos' folder, wiped
    call_command("restaurer", str(folder), "--vers", url, "--media", str(restored_media))
    restored = time.perf_counter()

    with psycopg.connect(**params) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        after = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        stored_name = conn.execute("SELECT image FROM signalements_photo WHERE uuid = %s", [photo_uuid]).fetchone()[0]
    assert after == before
    assert sauvegarde.sha256(restored_media / stored_name) == photo_hash
    with capsys.disabled():
        print(f"\nsauvegarde {backed_up - started:.2f} s, restauration {restored - backed_up:.2f} s, "
              f"{sum(before.values())} lignes dans {len(before)} tables")


def test_restore_refuses_a_tampered_backup_and_a_non_empty_database(users, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("sauvegarder", str(tmp_path))
    folder = next(p for p in tmp_path.iterdir() if p.name.startswith("sauvegarde-"))
    url = dj_database_url.parse(f"postgis://{settings.DATABASES['default']['USER']}@127.0.0.1:5432/"
                                f"{settings.DATABASES['default']['NAME']}")
    with pytest.raises(CommandError, match="contient déjà des tables"):
        call_command("restaurer", str(folder), "--vers",
                     f"postgis://{url['USER']}@{url['HOST']}:{url['PORT']}/{url['NAME']}",
                     "--media", str(tmp_path / "m"))
    (folder / sauvegarde.MEDIA).write_bytes(b"autre chose")
    with pytest.raises(CommandError, match="altérée"):
        call_command("restaurer", str(folder), "--media", str(tmp_path / "m"))
