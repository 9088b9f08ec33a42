"""The docker-compose deployment, as `docker-compose config` reads it (no engine needed)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SMTP = ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
        "EMAIL_USE_SSL", "DEFAULT_FROM_EMAIL"]


def compose_config(**env):
    tool = shutil.which("docker-compose")
    command = [tool, "config"] if tool else ["docker", "compose", "config"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": os.environ["PATH"], **env})


@pytest.fixture(scope="module")
def config():
    if not shutil.which("docker-compose") and not shutil.which("docker"):
        pytest.fail("docker-compose manquant : make test l'installe (paquet Debian docker-compose).")
    result = compose_config(SECRET_KEY="cle-de-test", POSTGRES_PASSWORD="mdp", EMAIL_HOST_USER="robot",
                            EMAIL_HOST_PASSWORD="secret", EMAIL_USE_TLS="1")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_the_file_is_valid_and_demands_a_secret_key():
    result = compose_config(POSTGRES_PASSWORD="mdp")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_processes_run_under_an_init_in_exec_form_as_a_non_root_user(config):
    for name in ("web", "worker"):
        service = config["services"][name]
        assert service["init"] is True
        assert isinstance(service["command"], list)
        assert service["user"] == "10001:10001"
    assert config["services"]["worker"]["command"] == ["python", "manage.py", "procrastinate", "worker"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "USER web" in dockerfile and 'ENTRYPOINT ["/app/scripts/docker-entrypoint.sh"]' in dockerfile
    assert 'exec "$@"' in (ROOT / "scripts" / "docker-entrypoint.sh").read_text()


def test_every_smtp_setting_reaches_both_app_containers(config):
    for name in ("web", "worker"):
        environment = config["services"][name]["environment"]
        assert set(SMTP) <= set(environment)
        assert environment["EMAIL_HOST_PASSWORD"] == "secret" and environment["EMAIL_USE_TLS"] == "1"


def test_postgis_is_the_version_the_tests_run_on(config, django_db_blocker):
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int / 10000, PostGIS_Lib_Version()")
        major, postgis = cursor.fetchone()
    image = config["services"]["db"]["image"]
    assert image == f"postgis/postgis:{major}-{'.'.join(postgis.split('.')[:2])}"
