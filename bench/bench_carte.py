"""Benchmark of the layered map: server time and bytes of /carte/, of each layer request
(every page followed, as carte.js does), of the exports and of the downloaded map, with
200 chantiers and 5,000 reports. Prints numbers.

Uses a throwaway database (qpv_bench_carte by default) and Django's test client in this
process (no network): the times are the application's and the database's.
    .venv/bin/python bench/bench_carte.py [--chantiers 200] [--reports 5000] [--runs 5]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(db_url):
    os.environ.update({
        "DATABASE_URL": db_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "LOG_LEVEL": "WARNING",
    })
    for script in (["scripts/ensure_db.py"], ["manage.py", "migrate", "--no-input", "-v0"]):
        subprocess.run([sys.executable, *script], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def seed(n_chantiers, n_reports):
    import random
    from datetime import timedelta

    from django.contrib.gis.geos import Point, Polygon
    from django.utils import timezone

    from chantiers import demo as chantiers_demo
    from chantiers.models import Chantier, Type
    from signalements.models import Categorie, Signalement, Statut
    from territoire import demo as territoire_demo
    from territoire.models import Acteur, Secteur

    territoire = territoire_demo.load()
    chantiers_demo.load()
    rng = random.Random(4)
    minx, miny, maxx, maxy = territoire.geom.extent
    acteurs = list(Acteur.objects.filter(slug__in=["oph", "ville", "agglo"]))
    missing = n_chantiers - Chantier.objects.count()
    kinds = [t for t in Type if t != Type.FRICHE]
    new = []
    for i in range(max(missing, 0)):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        new.append(Chantier(
            nom=f"Chantier de banc d'essai {i}", slug=f"bench-{i}", type=rng.choice(kinds),
            statut=rng.choice(["programme", "etudes", "travaux", "livre"]),
            geom=Polygon.from_bbox((x, y, x + 40, y + 30)),
            maitre_ouvrage=rng.choice(acteurs), territoire=territoire, demonstration=True,
        ))
        new[-1].geom.srid = territoire.geom.srid
    Chantier.objects.bulk_create(new)

    existing = Signalement.objects.count()
    categories = list(Categorie.objects.filter(parent__isnull=False)) or list(Categorie.objects.all())
    if not categories:
        categories = [Categorie.objects.create(slug="bench", nom="Banc d'essai")]
    secteurs = list(Secteur.objects.all())
    now = timezone.now()
    rows = []
    for _ in range(max(n_reports - existing, 0)):
        statut = rng.choice(list(Statut))
        categorie = rng.choice(categories)
        rows.append(Signalement(
            geom=Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy), srid=territoire.geom.srid),
            territoire=territoire, secteur=rng.choice(secteurs), categorie=categorie,
            observe_le=now - timedelta(days=rng.randint(0, 365)), statut=statut,
            sensible=categorie.est_sensible(), description="Banc d'essai",
            resolu_le=now - timedelta(days=rng.randint(0, 365)) if statut == Statut.RESOLU else None,
        ))
    Signalement.objects.bulk_create(rows, batch_size=1000)
    return Chantier.objects.count(), Signalement.objects.count()


def timed(client, url, runs):
    """Median server time (ms) and total bytes, following `next` pages like carte.js."""
    times, size = [], 0
    for run in range(runs):
        start = time.perf_counter()
        total, target, pages = 0, url, 0
        while target:
            response = client.get(target)
            assert response.status_code == 200, (target, response.status_code, response.content[:300])
            body = b"".join(response.streaming_content) if response.streaming else response.content
            total += len(body)
            pages += 1
            target = None
            if response.get("Content-Type", "").startswith("application/json"):
                nxt = response.json().get("next")
                if nxt:
                    parts = urlsplit(nxt)
                    target = f"{parts.path}?{parts.query}"
        times.append((time.perf_counter() - start) * 1000)
        if run == 0:
            size = total
    return statistics.median(times), size, pages


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="postgis://postgres@127.0.0.1:5432/qpv_bench_carte")
    parser.add_argument("--chantiers", type=int, default=200)
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    configure(args.db)

    from django.http import HttpRequest
    from django.test import Client

    from carte.pages import layer_url
    from commun.carte import registered_layers as layers_for

    n_chantiers, n_reports = seed(args.chantiers, args.reports)
    print(f"Base {args.db.rsplit('/', 1)[-1]} : {n_chantiers} chantiers, {n_reports} signalements ; "
          f"médiane de {args.runs} passages, client de test Django (sans réseau)\n")

    for who in ("anonyme", "pilote.demo"):
        client = Client()
        if who != "anonyme":
            assert client.login(request=HttpRequest(), username=who, password="demo")
        request = client.get("/carte/").wsgi_request
        print(f"— {who}")
        rows = [("/carte/ (page)", "/carte/")]
        for layer in layers_for(request):
            if layer.config.get("source"):
                continue  # drawn from another layer's features, no request
            rows.append((f"couche {layer.config['key']}", layer_url(layer.config, {})))
        rows += [
            ("export chantiers.geojson", "/api/v1/exports/chantiers.geojson"),
            ("export chantiers.gpkg", "/api/v1/exports/chantiers.gpkg"),
        ]
        if who != "anonyme":
            rows += [("export signalements.csv", "/api/v1/exports/signalements.csv"),
                     ("export signalements.gpkg", "/api/v1/exports/signalements.gpkg")]
        rows.append(("carte téléchargée (HTML autonome)", "/carte/telecharger/"))
        print(f"  {'requête':42} {'ms (médiane)':>13} {'octets':>11} {'pages':>6}")
        for label, url in rows:
            ms, size, pages = timed(client, url, args.runs)
            print(f"  {label:42} {ms:13.1f} {size:11,d} {pages:6d}".replace(",", " "))
        print()


if __name__ == "__main__":
    main()
