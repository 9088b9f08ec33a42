import os

import pytest
from rest_framework.test import APIClient

from commun import roles
from tests.factories import ActeurFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses
# that unless told it is safe (test processes only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
