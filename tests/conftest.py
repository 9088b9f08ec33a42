import io
import json
import os
from contextlib import contextmanager

import pytest
from rest_framework.test import APIClient

from commun import roles
from tests.factories import ActeurFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses
# that unless told it is safe (test processes only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    """Test-only settings: a fast password hasher (every demo account is hashed again in
    every test that loads the demo) and a local memory cache (no cache table to fill)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "tests"}}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (rate limits, cached figures)."""
    from django.core.cache import cache

    from commun.memo import clear_all

    cache.clear()
    clear_all()  # per-process copies of the configuration (a rolled-back test leaves none)
    yield


@contextmanager
def demo_for_the_module(django_db_blocker):
    """The whole demo, loaded once for a module inside one transaction that is rolled back
    at its end (the bad-input and fuzzing modules: hundreds of cases on the same data).
    `charger_demo` seeds the categories a transactional test may have truncated."""
    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("charger_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="session")
def browser():
    from tests.browser import launch_browser

    yield from launch_browser()


class QueuedJobs:
    """Runs the jobs a test queued, inside the test's transaction, as the worker would
    (the test that proves the real worker runs them is test_jobs.py)."""

    def run(self):
        from django.db import connection
        from procrastinate.contrib.django import app

        done = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute("SELECT id, task_name, args FROM procrastinate_jobs WHERE status = 'todo' "
                               "AND (scheduled_at IS NULL OR scheduled_at <= now()) ORDER BY id")
                batch = cursor.fetchall()
            if not batch:
                return done
            for job_id, task_name, args in batch:
                with connection.cursor() as cursor:
                    cursor.execute("DELETE FROM procrastinate_jobs WHERE id = %s", [job_id])
                # The body without commun.tasks.job's wrapper, which would close this
                # test's connection (and its transaction).
                func = app.tasks[task_name].func
                func = getattr(func, "__wrapped__", func)
                func(**(json.loads(args) if isinstance(args, str) else args))
                done += 1

    def waiting(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT task_name FROM procrastinate_jobs WHERE status = 'todo' ORDER BY id")
            return [row[0] for row in cursor.fetchall()]


def forget_jobs():
    """Procrastinate's tables are not Django's to flush: transactional tests leave jobs."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs")


@pytest.fixture
def jobs(db):
    forget_jobs()
    return QueuedJobs()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def pilote(db):
    return UserFactory(username="pilote", groups=[roles.PILOTE])


@pytest.fixture
def agent(db):
    return UserFactory(username="agent", groups=[roles.AGENT])


@pytest.fixture
def service_user(db):
    user = UserFactory(username="service")
    ActeurFactory(slug="ville-proprete", nom="Ville — propreté").membres.add(user)
    return user


@pytest.fixture
def demo(db):
    from territoire import demo as territoire_demo

    return territoire_demo.load()


@pytest.fixture
def routed(demo):
    """Demo territory and acteurs, categories routed as in the demo (no reports)."""
    from signalements import demo as signalements_demo

    # It seeds the categories again when a transactional test truncated them.
    signalements_demo.configure_routing()
    return demo


@pytest.fixture
def users(routed):
    from django.contrib.auth import get_user_model

    from territoire.models import Acteur

    User = get_user_model()
    found = {u.username: u for u in User.objects.filter(username__endswith=".demo")}
    police = UserFactory(username="police.demo")
    Acteur.objects.get(slug="ddsp").membres.add(police)
    found["police.demo"] = police
    return found
