"""Brute force: 10 wrong passwords lock the account and, separately, the address, on the
login form and on the token endpoint, whatever X-Forwarded-For says (no proxy declared)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

LIMIT = 10


def login_form(client, username, password, ip, forwarded=None):
    extra = {"REMOTE_ADDR": ip}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/comptes/connexion/", {"username": username, "password": password}, **extra)


def token(client, username, password, ip, forwarded=None):
    extra = {"REMOTE_ADDR": ip}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json", **extra)


def test_the_login_form_locks_an_account_after_ten_failures(users):
    client = Client()
    for i in range(LIMIT - 1):
        response = login_form(client, "pilote.demo", "mauvais", "203.0.113.5", forwarded=f"198.51.100.{i}")
        assert response.status_code == 200  # the form again, with its error
    assert login_form(client, "pilote.demo", "mauvais", "203.0.113.5").status_code == 429  # the 10th
    locked = login_form(client, "pilote.demo", "demo", "203.0.113.5")
    assert locked.status_code == 429
    assert "bloqué pendant 15 minutes" in locked.content.decode()
    # The account stays locked from another address, even with the right password.
    assert login_form(Client(), "pilote.demo", "demo", "192.0.2.77").status_code == 429
    # Another account from another address is not affected.
    assert login_form(Client(), "agent.demo", "demo", "192.0.2.78").status_code == 302


def test_an_address_is_locked_whatever_accounts_it_tries(users):
    for i in range(LIMIT):
        login_form(Client(), f"inconnu{i}", "x", "203.0.113.9", forwarded=f"10.0.0.{i}")
    response = login_form(Client(), "agent.demo", "demo", "203.0.113.9", forwarded="10.9.9.9")
    assert response.status_code == 429


def test_the_token_endpoint_locks_too_in_french_json(users):
    api = APIClient()
    for i in range(LIMIT - 1):
        response = token(api, "oph.demo", "mauvais", "203.0.113.20", forwarded=f"198.51.100.{i}")
        assert response.status_code == 400
    assert token(api, "oph.demo", "mauvais", "203.0.113.20").status_code == 429  # the 10th
    locked = token(api, "oph.demo", "demo", "203.0.113.20")
    assert locked.status_code == 429
    assert locked.json()["detail"].startswith("Trop d'essais de connexion")
    assert token(APIClient(), "oph.demo", "demo", "192.0.2.30").status_code == 429
    assert token(APIClient(), "ville.demo", "demo", "192.0.2.31").status_code == 200


def test_a_success_before_the_limit_resets_the_count(users):
    client = Client()
    for _ in range(LIMIT - 1):
        login_form(client, "ville.demo", "mauvais", "203.0.113.40")
    assert login_form(client, "ville.demo", "demo", "203.0.113.40").status_code == 302
    assert login_form(Client(), "ville.demo", "mauvais", "203.0.113.40").status_code == 200


@pytest.mark.parametrize("proxies, expected", [(0, "203.0.113.50"), (1, "198.51.100.7")])
def test_the_client_address_trusts_x_forwarded_for_only_behind_declared_proxies(rf, settings, proxies, expected):
    from commun.api import client_ip

    settings.NUM_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_FOR="10.1.1.1, 198.51.100.7")
    assert client_ip(request) == expected
