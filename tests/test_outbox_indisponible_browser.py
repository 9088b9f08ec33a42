"""The phone's outbox against a server whose database is gone: the real 503 (with
Retry-After) of commun's middleware, not a mocked answer. The report waits on the phone,
the banner says so, and it is sent exactly once when the server answers again."""

import pytest
from django.conf import settings
from django.db import connection, connections

from signalements.models import Signalement
from tests.browser import PHONE, login, new_page
from tests.test_signaler_browser import IN_QPV, choose_category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settings_dicts():
    return {id(d): d for d in (connection.settings_dict, connections.settings["default"],
                               settings.DATABASES["default"])}.values()


@pytest.fixture
def connection_per_request():
    """The live server answers a keep-alive connection in one thread, which keeps its
    database connection for CONN_MAX_AGE: with 0, each request connects anew, as a
    gunicorn worker does once its connection is broken."""
    saved = [(d, d.get("CONN_MAX_AGE")) for d in settings_dicts()]
    for d, _ in saved:
        d["CONN_MAX_AGE"] = 0
    yield
    for d, value in saved:
        d["CONN_MAX_AGE"] = value


def test_a_report_sent_during_a_503_waits_and_arrives_once(browser, live_server, users, connection_per_request):
    context, page, watch = new_page(browser, live_server, PHONE, geolocation=IN_QPV,
                                    permissions=["geolocation"], service_workers="block")
    login(page, "agent.demo", "demo")
    page.goto("/signaler/")
    page.wait_for_selector("#gps-etat:has-text('précision ± 12 m')")
    answers = []
    page.on("response", lambda r: r.request.method == "POST" and "/api/v1/signalements/" in r.url
            and answers.append((r.status, r.headers.get("retry-after"))))

    # The database becomes unreachable for every new connection, the live server's
    # request threads included (they connect per request, from the handler's settings).
    dicts = settings_dicts()
    saved = [(d, dict(d)) for d in dicts]
    connection.close()
    for d in dicts:
        d["HOST"], d["PORT"] = "127.0.0.1", "1"
    try:
        choose_category(page, "eclairage", "eclairage-eteint")
        page.fill("#description", "Lampadaire éteint pendant la panne")
        page.click("#envoyer")
        page.wait_for_function("() => document.querySelector('#outbox-count').dataset.count === '1'")
        page.click("#outbox-voir")
        page.wait_for_selector("#outbox-liste li:has-text('Serveur indisponible (503)')")
        assert page.locator("#outbox-liste li").first.get_attribute("data-state") == "attente"
        page.screenshot(path="test-artifacts/signaler-503.png", full_page=True)
        # Another try while it is still down: still waiting, nothing doubled on the phone.
        page.evaluate("window.Outbox.flush()")
        page.wait_for_function("() => document.querySelector('#outbox-count').dataset.count === '1'")
    finally:
        connection.close()
        for d, values in saved:
            d.update(values)
    assert answers and all(status == 503 and retry == "30" for status, retry in answers), answers
    assert len(answers) >= 2
    assert Signalement.objects.count() == 0
    key = page.evaluate("window.Outbox.list().then(items => items[0].key)")

    # The server answers again: the next flush (a timer, the network coming back, the
    # page shown again) sends it; more flushes create nothing more.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => document.querySelector('#outbox-count').dataset.count === '0'", timeout=20000)
    page.evaluate("window.Outbox.flush()")
    page.evaluate("window.Outbox.flush()")
    assert answers[-1][0] in (200, 201)
    assert Signalement.objects.count() == 1
    assert Signalement.objects.filter(uuid=key).count() == 1
    assert Signalement.objects.get().description == "Lampadaire éteint pendant la panne"
    context.close()
