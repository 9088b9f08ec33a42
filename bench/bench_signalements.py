"""Benchmark of field reporting under gunicorn on this machine. Prints numbers.

1. Reports created per second, and p50/p95 latency, with 20 concurrent clients
   posting new reports (JSON GeoJSON Feature, token auth, routing and history included).
2. p50/p95 of a bbox list (`GET /api/v1/signalements/?bbox=…`) over 100,000 reports.

Uses a throwaway database (qpv_bench by default) so the demo database is untouched:
    .venv/bin/python bench/bench_signalements.py [--clients 20] [--reports 2000]
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PORT = 8765


def env(db_url):
    return {
        **os.environ,
        "DATABASE_URL": db_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }


def manage(e, *args):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=e, check=True, stdout=subprocess.DEVNULL)


def django_shell(e, code):
    return subprocess.run([PY, "manage.py", "shell", "-c", code], cwd=ROOT, env=e, check=True,
                          capture_output=True, text=True).stdout.strip().splitlines()[-1]


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def request(conn, method, path, token, body=None):
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    payload = response.read()
    return response.status, time.perf_counter() - start, len(payload)


def feature(i):
    # Spread over the demo perimeter (about 5.161–5.179 E, 48.774–48.782 N), inside it.
    lon = 5.1650 + (i * 7919 % 1000) / 1000 * 0.0100
    lat = 48.7755 + (i * 104729 % 1000) / 1000 * 0.0050
    cats = ["proprete-dechets", "depots-sauvage", "eclairage-eteint", "parties-communes-hall", "voirie-trottoir"]
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
        "properties": {"uuid": str(uuid.uuid4()), "categorie": cats[i % len(cats)],
                       "description": f"Bench {i}", "precision_m": 10,
                       "observe_le": datetime.now(UTC).isoformat()},
    }


def bench_create(token, clients, total):
    latencies, statuses = [], []
    lock = threading.Lock()
    counter = iter(range(total))

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            code, seconds, _ = request(conn, "POST", "/api/v1/signalements/", token, feature(i))
            with lock:
                latencies.append(seconds)
                statuses.append(code)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return elapsed, latencies, statuses


def bench_list(token, clients, rounds, bboxes):
    results = {}
    for name, bbox in bboxes.items():
        latencies, sizes, counts = [], [], []
        lock = threading.Lock()
        todo = iter(range(rounds))

        def worker(bbox=bbox, latencies=latencies, sizes=sizes, lock=lock, todo=todo):
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            while True:
                with lock:
                    if next(todo, None) is None:
                        break
                code, seconds, size = request(conn, "GET", f"/api/v1/signalements/?bbox={bbox}", token)
                assert code == 200, code
                with lock:
                    latencies.append(seconds)
                    sizes.append(size)
            conn.close()

        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        conn.request("GET", f"/api/v1/signalements/?bbox={bbox}&page_size=1",
                     headers={"Authorization": f"Token {token}"})
        counts.append(json.loads(conn.getresponse().read())["count"])
        threads = [threading.Thread(target=worker) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        results[name] = (counts[0], latencies, statistics.mean(sizes))
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="postgis://postgres@127.0.0.1:5432/qpv_bench")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--bulk", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    args = parser.parse_args()
    e = env(args.db)

    print(f"Préparation de la base {args.db.rsplit('/', 1)[-1]} …", flush=True)
    subprocess.run([PY, "scripts/ensure_db.py"], cwd=ROOT, env=e, check=True, stdout=subprocess.DEVNULL)
    manage(e, "migrate", "--no-input", "-v0")
    django_shell(e, "from django.db import connection; c = connection.cursor();"
                    " c.execute('TRUNCATE signalements_signalement CASCADE'); print(0)")
    django_shell(e, "from territoire import demo; demo.load(); from signalements import demo as d;"
                    " d.configure_routing(); print(0)")
    token = django_shell(e, "from rest_framework.authtoken.models import Token;"
                            " from django.contrib.auth.models import User;"
                            " print(Token.objects.get_or_create(user=User.objects.get(username='agent.demo'))[0].key)")
    pilot = django_shell(e, "from rest_framework.authtoken.models import Token;"
                            " from django.contrib.auth.models import User;"
                            " print(Token.objects.get_or_create(user=User.objects.get(username='pilote.demo'))[0].key)")
    manage(e, "collectstatic", "--no-input", "-v0")

    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=e,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/sante/")
                break
            except OSError:
                time.sleep(0.2)
        cpu = os.cpu_count()
        print(f"gunicorn : {args.workers} workers sync, machine : {cpu} cœurs")

        request(http.client.HTTPConnection("127.0.0.1", PORT), "POST", "/api/v1/signalements/", token, feature(10**6))
        elapsed, latencies, statuses = bench_create(token, args.clients, args.reports)
        ok = statuses.count(201)
        print(f"\n1. Création : {args.reports} signalements, {args.clients} clients simultanés")
        print(f"   {ok} créés (201), autres statuts : {sorted(set(statuses) - {201}) or 'aucun'}")
        print(f"   débit : {ok / elapsed:.0f} signalements/s  (durée {elapsed:.1f} s)")
        print(f"   latence p50 : {percentile(latencies, 50) * 1000:.0f} ms   "
              f"p95 : {percentile(latencies, 95) * 1000:.0f} ms   max : {max(latencies) * 1000:.0f} ms")

        print(f"\nInsertion SQL de {args.bulk} signalements supplémentaires …", flush=True)
        django_shell(e, f"""
from django.db import connection
with connection.cursor() as c:
    c.execute('''
    INSERT INTO signalements_signalement (uuid, geom, territoire_id, secteur_id, categorie_id, description,
        observe_le, cree_le, mis_a_jour_le, statut, acteur_id, source, sensible, photos_attendues, empreinte)
    SELECT md5(random()::text || g.i)::uuid, g.pt, t.id, NULL,
           (SELECT id FROM signalements_categorie WHERE slug = 'depots-sauvage'), 'Bench SQL',
           now() - (random() * interval '365 days'), now() - (random() * interval '365 days'), now(),
           (ARRAY['transmis','en_cours','resolu'])[1 + (g.i % 3)], NULL, 'agent', false, '[]', 'bench'
    FROM territoire_territoire t,
         LATERAL (SELECT row_number() OVER () AS i, d.geom AS pt
                  FROM ST_Dump(ST_GeneratePoints(t.geom, {args.bulk}, 55029)) d) g
    ''')
    c.execute('ANALYZE signalements_signalement')
    c.execute('SELECT count(*) FROM signalements_signalement')
    print(c.fetchone()[0])
""")
        total = django_shell(e, "from signalements.models import Signalement; print(Signalement.objects.count())")
        print(f"   {total} signalements en base")
        bboxes = {
            "petite emprise (~100 m)": "5.1695,48.7776,5.1709,48.7785",
            "un secteur (~400 m)": "5.1660,48.7760,5.1715,48.7795",
            "tout le quartier": "5.160,48.773,5.180,48.783",
        }
        print(f"\n2. Liste par bbox (page de 100 entités GeoJSON), {args.clients} clients, 200 requêtes par emprise")
        for name, (count, lat, size) in bench_list(pilot, args.clients, 200, bboxes).items():
            print(f"   {name:26s} {count:6d} correspondants  p50 {percentile(lat, 50) * 1000:5.0f} ms  "
                  f"p95 {percentile(lat, 95) * 1000:5.0f} ms  ({size / 1024:.0f} Ko par page)")
        print("\n   même chose, un seul client (latence sans file d'attente) :")
        for name, (_count, lat, _size) in bench_list(pilot, 1, 50, bboxes).items():
            print(f"   {name:26s} p50 {percentile(lat, 50) * 1000:5.0f} ms  p95 {percentile(lat, 95) * 1000:5.0f} ms")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
