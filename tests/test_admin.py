"""The admin for pilots: every changelist and change page opens, names rows in words (never
"Evenement object (…)"), keeps secrets (API token keys) and shows JSON read only."""

import io
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from commun import roles
from signalements.models import Evenement, Signalement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chef(db):
    call_command("charger_demo", stdout=io.StringIO())
    user = UserFactory(username="chef.pilote", is_superuser=True, is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=roles.PILOTE)[0])
    client = Client()
    client.force_login(user)
    return client


def _text(response):
    return response.content.decode()


def test_every_changelist_and_change_page_opens_and_names_rows_in_words(chef):
    token = Token.objects.create(user=UserFactory(username="phone.agent"))
    walked = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = chef.get(url)
        assert response.status_code == 200, url
        assert "object (" not in _text(response), url
        obj = model_admin.get_queryset(response.wsgi_request).first()
        if obj is not None:
            from django.contrib.admin.utils import quote

            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
            page = chef.get(change)
            assert page.status_code == 200, change
            assert "object (" not in _text(page), change
            assert token.key not in _text(page), change
            walked.append(change)
        if model_admin.has_add_permission(response.wsgi_request):
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert chef.get(add).status_code == 200, add
        assert token.key not in _text(response), url
    assert len(walked) >= 25, walked


def test_reports_history_rows_are_named_in_the_inline(chef):
    signalement = Signalement.objects.filter(evenements__isnull=False).first()
    assert signalement is not None
    page = _text(chef.get(reverse("admin:signalements_signalement_change", args=[signalement.pk])))
    evenement = Evenement.objects.filter(signalement=signalement).first()
    assert str(evenement) in page.replace("&#x27;", "'")
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", str(evenement))


def test_token_keys_never_show_whole(chef):
    token = Token.objects.create(user=UserFactory(username="tablette"))
    listing = _text(chef.get(reverse("admin:commun_jetonapi_changelist")))
    assert token.key[:6] in listing and token.key not in listing
    page = _text(chef.get(reverse("admin:commun_jetonapi_change", args=[token.user_id])))
    assert "tablette" in page and token.key not in page
    # DRF's own page, which lists whole keys, is gone.
    assert chef.get("/admin/authtoken/tokenproxy/").status_code == 404


def test_json_is_shown_read_only_and_indented(chef):
    from marches.models import MarcheExploratoire

    marche = MarcheExploratoire.objects.first()
    page = _text(chef.get(reverse("admin:marches_marcheexploratoire_change", args=[marche.pk])))
    assert 'class="json-lisible"' in page and 'name="criteres"' not in page
    # Geometries are edited on a map served by the app (OpenLayers from node_modules).
    assert "vendor/ol/dist/ol.js" in page and "cdn" not in page.lower()


def test_a_non_staff_pilot_is_sent_to_the_admin_login(client):
    pilote = UserFactory(username="pilote.simple", groups=[roles.PILOTE])
    client.force_login(pilote)
    response = client.get("/admin/commun/modification/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
