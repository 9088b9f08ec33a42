"""The phone's outbox against a server whose database is gone: the real 503 (with
Retry-After) of commun's middleware, not a mocked answer. The report waits on the phone,
the banner says so, and it is sent exactly once when the server answers again."""

import pytest
from django.db import connection

from signalements.models import Signalement
from tests.browser import PHONE, login, new_page
from tests.test_signaler_browser import IN_QPV, choose_category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_report_sent_during_a_503_waits_and_arrives_once(browser, live_server, users):
    context, page, watch = new_page(browser, live_server, PHONE, geolocation=IN_QPV,
                                    permissions=["geolocation"], service_workers="block")
    login(page, "agent.demo", "demo")
    page.goto("/signaler/")
    page.wait_for_selector("#gps-etat:has-text('précision ± 12 m')")
    answers = []
    page.on("response", lambda r: r.request.method == "POST" and "/api/v1/signalements/" in r.url
            and answers.append((r.status, r.headers.get("retry-after"))))

    # The database becomes unreachable for every new connection, the live server's
    # request threads included (they share this settings dict and connect per request).
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", "1"
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
        connection.settings_dict.update(saved)
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
