"""Settings beyond one machine, read from the environment: a read replica for tiles and
lists, photos on S3. The single machine stays the default."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def settings_with(**env):
    code = ("from django.conf import settings; import json; print(json.dumps({'dbs': sorted(settings.DATABASES), "
            "'routers': settings.DATABASE_ROUTERS, 'storage': settings.STORAGES['default']['BACKEND'], "
            "'static': settings.STORAGES['staticfiles']['BACKEND']}))")
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    out = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT, env=environ,
                         capture_output=True, text=True, check=True)
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


def test_single_machine_is_the_default():
    found = settings_with(DEBUG="1", DATABASE_REPLICA_URL="", AWS_STORAGE_BUCKET_NAME="")
    assert found["dbs"] == ["default"]
    assert found["storage"] == "django.core.files.storage.FileSystemStorage"


def test_replica_and_object_storage_from_the_environment():
    found = settings_with(DEBUG="0", SECRET_KEY="x" * 50, DATABASE_REPLICA_URL="postgis://lecteur@replique:5432/qpv",
                          AWS_STORAGE_BUCKET_NAME="photos-gusp", AWS_S3_ENDPOINT_URL="https://s3.example.org")
    assert found["dbs"] == ["default", "replica"]
    assert found["routers"] == ["commun.routeurs.ReplicaRouter"]
    assert found["storage"] == "storages.backends.s3.S3Storage"
    assert found["static"] == "commun.storage.StaticStorage"


def test_router_sends_only_tiles_and_lists_to_the_replica(monkeypatch):
    from types import SimpleNamespace

    from commun import routeurs
    from commun.routeurs import ReplicaRouter, replica_reads
    from signalements.models import Signalement

    monkeypatch.setattr(routeurs, "settings", SimpleNamespace(DATABASES={"default": {}, "replica": {}}))
    router = ReplicaRouter()
    assert router.db_for_read(Signalement) is None
    with replica_reads():
        assert router.db_for_read(Signalement) == "replica"
        assert router.db_for_write(Signalement) == "default"
    assert router.allow_migrate("replica", "signalements") is False
