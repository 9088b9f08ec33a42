"""Open311 GeoReport v2 at /open311/v2/, driven by Open311 client libraries this project
does not write: civicbot's Open311Client (JSON, the only maintained Python client that
can POST) and georeport (read-only, used for the XML answers)."""

import http.server
import io
import threading
import uuid

import pytest
import xmltodict
from civicbot.http import HttpTransport, RateLimiter
from civicbot.open311 import Open311Client
from civicbot.registry import Endpoint
from georeport import GeoReport
from PIL import Image
from rest_framework.authtoken.models import Token

from signalements.models import Photo, Signalement

IN_QPV = {"lat": 48.7781, "lng": 5.1702}


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


class TokenTransport(HttpTransport):
    """civicbot's transport (its documented extension point) with our token on reads."""

    def __init__(self, token):
        super().__init__(rate_limiter=RateLimiter(min_interval=0))
        self.token = token

    def _open(self, req):
        req.add_header("Authorization", f"Token {self.token}")
        return super()._open(req)


def client_for(live_server, token=None):
    endpoint = Endpoint(id="quartier", name="Quartier", base_url=f"{live_server.url}/open311/v2", write=True)
    transport = TokenTransport(token) if token else HttpTransport(rate_limiter=RateLimiter(min_interval=0))
    return Open311Client(endpoint, transport=transport)


@pytest.mark.django_db(transaction=True)
def test_a_civic_app_reads_services_and_files_a_routed_report_once(live_server, users, jobs):
    agent = users["agent.demo"]
    key = Token.objects.create(user=agent).key
    client = client_for(live_server, key)
    services = client.list_services()
    codes = {s["service_code"]: s for s in services}
    assert codes["proprete-dechets"]["group"] == "Propreté"
    assert client.get_service_definition("proprete-dechets") == {"service_code": "proprete-dechets", "attributes": []}

    sent = client.create_request("proprete-dechets", dry_run=False, confirm="SEND", api_key=key,
                                 validate_remote=True, description="Sacs au pied du bâtiment", **IN_QPV)
    request_id = sent.response[0]["service_request_id"]
    report = Signalement.objects.get(uuid=request_id)
    assert report.auteur == agent and report.acteur is not None and report.statut == "transmis"
    assert report.description == "Sacs au pied du bâtiment"

    # Our idempotency key, a documented extension: a replay creates nothing.
    prepared = client.build_request("proprete-dechets", api_key=key, description="Tag", **IN_QPV)
    prepared.form["uuid"] = key_uuid = str(uuid.uuid4())
    first = client.http.post_form(prepared.url, prepared.form)
    again = client.http.post_form(prepared.url, prepared.form)
    assert first[0]["service_request_id"] == again[0]["service_request_id"] == key_uuid
    assert Signalement.objects.filter(uuid=key_uuid).count() == 1
    assert Signalement.objects.count() == 2

    mine = client.get_request(request_id)
    assert mine["status"] == "open" and mine["service_code"] == "proprete-dechets"
    assert mine["lat"] == pytest.approx(IN_QPV["lat"]) and mine["long"] == pytest.approx(IN_QPV["lng"])
    listed = client.list_requests(service_code="proprete-dechets", status="open")
    assert {r["service_request_id"] for r in listed} == {request_id, key_uuid}
    assert client.get_token(key_uuid)[0]["service_request_id"] == key_uuid


@pytest.mark.django_db(transaction=True)
def test_xml_answers_as_the_spec_says(live_server, users):
    georeport = GeoReport(f"{live_server.url}/open311/v2", output_format="xml")
    services = georeport.get_service_list()
    assert any(s["service_code"] == "proprete-dechets" and s["metadata"] == "false" for s in services)
    definition = georeport.get_service_definition("proprete-dechets")
    assert definition["service_code"] == "proprete-dechets"
    as_json = GeoReport(f"{live_server.url}/open311/v2").get_service_list()
    assert [s["service_code"] for s in as_json] == [s["service_code"] for s in services]
    # Reports are never public: without a key, the spec's error list, in XML too.
    import requests

    denied = requests.get(f"{live_server.url}/open311/v2/requests.xml", timeout=10)
    assert denied.status_code == 401
    assert "api_key" in xmltodict.parse(denied.content)["errors"]["error"]["description"]


@pytest.mark.django_db(transaction=True)
def test_media_url_and_multipart_photos(live_server, users, settings):
    settings.OPEN311_MEDIA_PRIVATE_OK = True  # the test's image server is on this machine
    image = jpeg_bytes()

    class Images(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.end_headers()
            self.wfile.write(image)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Images)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        key = Token.objects.create(user=users["agent.demo"]).key
        client = client_for(live_server, key)
        sent = client.create_request("proprete-dechets", dry_run=False, confirm="SEND", api_key=key,
                                     media_url=f"http://127.0.0.1:{server.server_port}/photo.jpg", **IN_QPV)
        assert "avec sa photo" in sent.response[0]["service_notice"]
        report = Signalement.objects.get(uuid=sent.response[0]["service_request_id"])
        assert Photo.objects.filter(signalement=report).count() == 1
        media_url = client.get_request(str(report.uuid))["media_url"]
        # The photo URL answered to a token is served to that token.
        photo = client.http.get_bytes(media_url)
        assert photo[:2] == b"\xff\xd8"
    finally:
        server.shutdown()
    import requests

    with_file = requests.post(f"{live_server.url}/open311/v2/requests.json", timeout=10, data={
        "api_key": key, "service_code": "proprete-dechets", "lat": IN_QPV["lat"], "long": IN_QPV["lng"]},
        files={"media": ("p.jpg", image, "image/jpeg")})
    assert with_file.status_code == 201
    report = Signalement.objects.get(uuid=with_file.json()[0]["service_request_id"])
    assert report.photos.count() == 1


@pytest.fixture
def key(users):
    return Token.objects.create(user=users["agent.demo"]).key


@pytest.mark.django_db
@pytest.mark.parametrize("data, status, fragment", [
    ({"service_code": "piscine", "lat": 48.7781, "long": 5.1702}, 400, "Service inconnu"),
    ({"service_code": "proprete-dechets"}, 400, "Position manquante"),
    ({"service_code": "proprete-dechets", "lat": "nord", "long": 5.17}, 400, "lat"),
    ({"service_code": "proprete-dechets", "lat": 5.1702, "long": 48.7781}, 400, "inversées"),
    ({"service_code": "proprete-dechets", "lat": 48.9, "long": 5.17}, 400, "Hors du quartier"),
    ({"service_code": "proprete-dechets", "address_string": "rue inconnue"}, 400, "non localisée"),
    ({"service_code": "proprete-dechets", "lat": 48.7781, "long": 5.1702, "uuid": "x"}, 400, "UUID"),
    ({"service_code": "proprete-dechets", "lat": 48.7781, "long": 5.1702, "description": "a" * 1001}, 400,
     "trop longue"),
    ({"service_code": "proprete-dechets", "lat": 48.7781, "long": 5.1702,
      "media_url": "http://127.0.0.1:1/x.jpg"}, 201, "photo non reçue"),
])
def test_bad_posts_get_the_specs_error_list_in_french(client, key, data, status, fragment):
    response = client.post("/open311/v2/requests.json", {"api_key": key, **data})
    assert response.status_code == status, response.content
    body = response.json()
    text = body[0].get("description") or body[0].get("service_notice")
    assert fragment in text
    if status >= 400:
        assert body[0]["code"] == status


@pytest.mark.django_db
def test_keys_and_permissions_are_the_apis(client, users):
    no_key = client.post("/open311/v2/requests.json", {"service_code": "proprete-dechets", **IN_QPV})
    assert no_key.status_code == 401
    wrong = client.post("/open311/v2/requests.json", {"api_key": "faux", "service_code": "proprete-dechets"})
    assert wrong.status_code == 401 and "refusée" in wrong.json()[0]["description"]
    from tests.factories import UserFactory

    nobody = Token.objects.create(user=UserFactory(username="habitant")).key
    refused = client.post("/open311/v2/requests.json", {"api_key": nobody, "service_code": "proprete-dechets",
                                                        "lat": 48.7781, "long": 5.1702})
    assert refused.status_code == 403
    agent = Token.objects.create(user=users["agent.demo"]).key
    for url, fragment in [("/open311/v2/requests.json?start_date=hier", "start_date"),
                          ("/open311/v2/requests.json?status=fini", "status"),
                          ("/open311/v2/requests.json?bbox=1,2", "bbox"),
                          ("/open311/v2/requests.json?service_request_id=abc", "service_request_id"),
                          ("/open311/v2/services.csv", "Format inconnu"),
                          ("/open311/v2/services/piscine.json", "Service inconnu"),
                          ("/open311/v2/requests/00000000-0000-4000-8000-000000000000.json", "introuvable")]:
        response = client.get(url, HTTP_AUTHORIZATION=f"Token {agent}")
        assert 400 <= response.status_code < 500 and fragment in response.json()[0]["description"], url


@pytest.mark.django_db
def test_sensitive_reports_stay_hidden_from_agents(client, users):
    from django.contrib.gis.geos import Point

    from signalements.models import Categorie
    from territoire.models import Territoire

    rixe = Categorie.objects.create(slug="rixe-311", nom="Rixe", sensible=True)
    hidden = Signalement.objects.create(categorie=rixe, sensible=True, territoire=Territoire.objects.get(),
                                        geom=Point(5.1702, 48.7781, srid=4326), observe_le="2026-11-20T10:00:00Z")
    agent = Token.objects.create(user=users["agent.demo"]).key
    listed = client.get("/open311/v2/requests.json", HTTP_AUTHORIZATION=f"Token {agent}").json()
    assert str(hidden.uuid) not in {r["service_request_id"] for r in listed}
    one = client.get(f"/open311/v2/requests/{hidden.uuid}.json", HTTP_AUTHORIZATION=f"Token {agent}")
    assert one.status_code == 404
    police = Token.objects.create(user=users["police.demo"]).key
    seen = client.get(f"/open311/v2/requests/{hidden.uuid}.xml", HTTP_AUTHORIZATION=f"Token {police}")
    assert xmltodict.parse(seen.content)["service_requests"]["request"]["status"] == "open"


@pytest.mark.django_db
def test_photo_urls_take_the_api_token_never_a_login_redirect(client, users):
    from django.contrib.gis.geos import Point

    from signalements import services as signalements_services
    from signalements.models import Categorie
    from territoire.models import Territoire

    report = Signalement.objects.create(categorie=Categorie.objects.get(slug="proprete-dechets"),
                                        territoire=Territoire.objects.get(), geom=Point(5.1702, 48.7781, srid=4326),
                                        observe_le="2026-11-20T10:00:00Z", auteur=users["agent.demo"])
    photo_uuid = uuid.uuid4()
    signalements_services.receive_photo(users["agent.demo"], report, photo_uuid, jpeg_bytes())
    url = f"/signalements/{report.uuid}/photos/{photo_uuid}.jpg"
    assert client.get(url).status_code == 302  # a browser without session: the login page
    wrong = client.get(url, HTTP_AUTHORIZATION="Token faux")
    assert wrong.status_code == 401 and "Jeton refusé" in wrong.json()["detail"]
    agent = Token.objects.create(user=users["agent.demo"]).key
    served = client.get(url, HTTP_AUTHORIZATION=f"Token {agent}")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    outsider = Token.objects.create(user=users["oph.demo"]).key
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {outsider}").status_code == 404
