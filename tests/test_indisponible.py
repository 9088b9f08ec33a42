"""The database goes away: every page and API answers 503 in French with Retry-After,
and everything works again once it is back."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_down():
    """Point the connection at a closed port for the duration of the test."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", "1"
    yield
    connection.close()
    connection.settings_dict.update(saved)


@pytest.mark.parametrize("path", ["/carte/", "/chantiers/", "/signalements/", "/comptes/connexion/",
                                  "/api/v1/chantiers/", "/api/v1/signalements/", "/api/v1/categories/"])
def test_every_page_and_api_answers_503_then_recovers(client, users, path):
    client.raise_request_exception = False  # answer as a server would, not re-raise
    client.force_login(users["pilote.demo"])  # its session lives in the database
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", "1"
    try:
        response = client.get(path)
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "indisponible" in body
    if path.startswith("/api/"):
        assert response.json()["detail"].startswith("Service momentanément indisponible")
    assert client.get(path).status_code in (200, 302, 401, 403)


def test_a_report_posted_while_the_database_is_down_gets_a_503(users, database_down):
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(users["agent.demo"])
    response = api.post("/api/v1/signalements/", {"type": "Feature"}, format="json")
    assert response.status_code == 503 and response["Retry-After"] == "30"


def test_health_check_says_so(client, database_down):
    response = client.get("/sante/")
    assert response.status_code == 503
