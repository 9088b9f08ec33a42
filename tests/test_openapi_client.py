"""A truthful OpenAPI: a Python client generated from `/api/v1/schema/` by
openapi-python-client gets a token, creates a report, uploads its photo, reads it back
(and the photo behind its URL) and lists every report by following `next`, each answer
parsed by the generated models. The schema itself validates with no warning, and Swagger
UI and Redoc are served by the application."""

import importlib
import io
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from signalements.models import Photo, Signalement

pytestmark = pytest.mark.django_db(transaction=True)
BIN = Path(sys.executable).parent


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (180, 60, 20)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def generated(live_server, demo_reports, tmp_path, monkeypatch):
    import requests

    schema = requests.get(f"{live_server.url}/api/v1/schema/", params={"format": "json"}, timeout=30)
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_bytes(schema.content)
    (tmp_path / "config.yaml").write_text("post_hooks: []\n")
    result = subprocess.run(
        [str(BIN / "openapi-python-client"), "generate", "--path", str(tmp_path / "schema.json"), "--meta", "none",
         "--config", str(tmp_path / "config.yaml"), "--output-path", str(tmp_path / "quartier_client")],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout  # every operation was generated
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("quartier_client")]:
        del sys.modules[name]
    return importlib.import_module("quartier_client")


def test_generated_client_reports_with_a_photo_and_lists_every_report(live_server, generated):
    from quartier_client import AuthenticatedClient, Client
    from quartier_client.api.auth import auth_token_create
    from quartier_client.api.signalements import (
        signalements_create,
        signalements_list,
        signalements_photos_update,
        signalements_retrieve,
    )
    from quartier_client.models import (
        DemandeJeton,
        ErreurApi,
        PaginatedSignalementListList,
        ProprietesSignalement,
        SignalementFeatureInput,
    )
    from quartier_client.models import Signalement as SignalementModel
    from quartier_client.types import File

    anonymous = Client(base_url=live_server.url)
    refused = auth_token_create.sync(client=anonymous, body=DemandeJeton(username="agent.demo", password="faux"))
    assert isinstance(refused, ErreurApi) and refused.detail
    token = auth_token_create.sync(client=anonymous, body=DemandeJeton(username="agent.demo", password="demo")).token
    api = AuthenticatedClient(base_url=live_server.url, token=token, prefix="Token")

    report_uuid, photo_uuid = uuid.uuid4(), uuid.uuid4()
    body = SignalementFeatureInput.from_dict({
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [5.1702, 48.7781]},
        "properties": ProprietesSignalement(
            uuid=report_uuid, categorie="proprete-dechets", description="Sacs éventrés",
            observe_le=datetime.now(UTC) - timedelta(minutes=5), photos=[photo_uuid]).to_dict()})
    created = signalements_create.sync_detailed(client=api, body=body)
    assert created.status_code == 201, created.content
    assert isinstance(created.parsed, SignalementModel)
    assert created.parsed.properties.doublon_de is None
    assert created.parsed.properties.photos_manquantes == [str(photo_uuid)]
    replay = signalements_create.sync_detailed(client=api, body=body)
    assert replay.status_code == 200 and replay.parsed.id == created.parsed.id

    upload = signalements_photos_update.sync_detailed(
        str(report_uuid), photo_uuid, client=api,
        body=File(payload=io.BytesIO(jpeg_bytes()), file_name="photo.jpg", mime_type="image/jpeg"))
    assert upload.status_code == 201, upload.content
    assert upload.parsed.largeur == 800 and upload.parsed.exif_distance_m is None

    read = signalements_retrieve.sync(str(report_uuid), client=api)
    assert read.properties.photos_manquantes == [] and len(read.properties.photos) == 1
    photo = api.get_httpx_client().get(read.properties.photos[0].url)
    assert photo.status_code == 200 and photo.content[:2] == b"\xff\xd8"
    assert Photo.objects.filter(signalement__uuid=report_uuid).count() == 1

    missing = signalements_retrieve.sync_detailed(str(uuid.uuid4()), client=api)
    assert missing.status_code == 404 and isinstance(missing.parsed, ErreurApi)

    seen, page = [], signalements_list.sync(client=api, page_size=40)
    while True:
        assert isinstance(page, PaginatedSignalementListList)
        seen += [feature.id for feature in page.features]
        if not page.next_:
            break
        page = PaginatedSignalementListList.from_dict(api.get_httpx_client().get(page.next_).json())
    from signalements.permissions import visible_signalements

    expected = visible_signalements(Signalement.objects.get(uuid=report_uuid).auteur).count()
    assert len(seen) == len(set(seen)) == expected > 40


@pytest.fixture
def demo_reports(users):
    from commun import courriels
    from signalements import demo as signalements_demo

    with courriels.paused():
        signalements_demo.load()


def test_schema_has_no_warning(demo_reports, capsys):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    captured = capsys.readouterr()
    assert "Warning" not in captured.err and "Error" not in captured.err


def test_swagger_ui_and_redoc_are_served_locally(client):
    for url in ("/api/v1/schema/swagger-ui/", "/api/v1/schema/redoc/"):
        html = client.get(url).content.decode()
        assert "cdn." not in html and "unpkg" not in html, url
        assert "/static/drf_spectacular_sidecar/" in html or "/api/v1/schema/redoc/redoc.standalone.js" in html, url
        assert "<script>" not in html and "fonts.googleapis" not in html, url
    # Redoc's bundle, from the sidecar, without its vendor's logo URL (commun.schema.redoc_bundle).
    bundle = client.get("/api/v1/schema/redoc/redoc.standalone.js")
    assert bundle.status_code == 200 and len(bundle.content) > 500_000
    assert b"cdn.redoc.ly" not in bundle.content
