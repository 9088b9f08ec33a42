"""Load test (issue 11, item 12): 50 clients for 60 s against gunicorn with production settings.

    .venv/bin/python bench/charge.py [--clients 50] [--duree 60] [--workers 4] [--rebuild]

A throwaway database `qpv_charge` (migrations and the demo; kept for the next run unless
`--rebuild`), the app under gunicorn (DEBUG=0, bench/run_all.py's environment). Each client
loops until the end: posts a new report (its `uuid` is the idempotency key), replays a
report already sent (the same body again: 200, nothing created), reads the reports list
around a point, or a vector tile. Then it counts, in the database, what was acknowledged:

    requests, errors (5xx, refused connections, unexpected statuses), p50/p95 per kind,
    lost (acknowledged but not in the database), doubled (one key stored twice).

It exits 1 unless errors, lost and doubled are all 0. Not part of `make test`.
"""

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run_all import BASE_DB, PORT, PY, call, environment, feature, manage, ms, pct, start_server, tile_of  # noqa: E402

# What a client does at each turn, with its weight.
MIX = [("creation", 35), ("rejeu", 15), ("liste", 30), ("tuile", 20)]
CENTER = (5.1700, 48.7780)


def build_database(env, rebuild):
    import psycopg

    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    with psycopg.connect(f"{BASE_DB}/postgres".replace("postgis://", "postgresql://"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not rebuild:
            print(f"Base {name} réutilisée (migrée à jour).")
            manage(env, "migrate", "--no-input", "-v0")  # the code may have moved on since
            return
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    subprocess.run([PY, "scripts/ensure_db.py"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "createcachetable")
    manage(env, "charger_demo")


class Run:
    """What the clients did, shared between their threads."""

    def __init__(self, tag):
        self.tag = tag
        self.lock = threading.Lock()
        self.latencies = {kind: [] for kind, _ in MIX}
        self.errors = []
        self.acknowledged = set()  # uuids the server answered 201 or 200 for
        self.sent = []  # bodies already sent, for replays

    def record(self, kind, seconds, error=None):
        with self.lock:
            self.latencies[kind].append(seconds)
            if error:
                self.errors.append(f"{kind}: {error}")


def client(run, deadline, seed, auth_post, auth_get):
    rnd = random.Random(seed)
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    i = 0
    while time.monotonic() < deadline:
        i += 1
        kind = rnd.choices(kinds, weights)[0]
        with run.lock:
            replayable = run.sent[rnd.randrange(len(run.sent))] if run.sent else None
        if kind == "rejeu" and replayable is None:
            kind = "creation"
        try:
            if kind in ("creation", "rejeu"):
                if kind == "creation":
                    body = feature(seed * 100_000 + i)
                    body["properties"]["description"] = run.tag
                else:
                    body = replayable
                status, seconds, payload, _ = call(conn, "POST", "/api/v1/signalements/", auth_post, json.dumps(body))
                expected = (201,) if kind == "creation" else (200, 201)
                error = None if status in expected else f"{status} {payload[:120]!r}"
                if status in (200, 201):
                    with run.lock:
                        run.acknowledged.add(body["properties"]["uuid"])
                        if kind == "creation":
                            run.sent.append(body)
            elif kind == "liste":
                lon = CENTER[0] + rnd.uniform(-0.004, 0.004)
                lat = CENTER[1] + rnd.uniform(-0.002, 0.002)
                bbox = f"{lon - 0.002:.6f},{lat - 0.001:.6f},{lon + 0.002:.6f},{lat + 0.001:.6f}"
                status, seconds, payload, _ = call(conn, "GET", f"/api/v1/signalements/?bbox={bbox}&page_size=100",
                                                   auth_get)
                error = None if status == 200 else f"{status} {payload[:120]!r}"
            else:
                z = rnd.choice([14, 15, 16, 17])
                x, y = tile_of(CENTER[0] + rnd.uniform(-0.004, 0.004), CENTER[1] + rnd.uniform(-0.002, 0.002), z)
                status, seconds, payload, _ = call(conn, "GET", f"/api/v1/tuiles/signalements/{z}/{x}/{y}.mvt",
                                                   auth_get)
                error = None if status in (200, 204) else f"{status} {payload[:120]!r}"
            run.record(kind, seconds, error)
        except (OSError, http.client.HTTPException) as exc:
            run.record(kind, 0.0, f"connexion : {exc!r}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duree", type=float, default=60, help="secondes (60 par défaut)")
    parser.add_argument("--workers", type=int, default=4, help="workers gunicorn")
    parser.add_argument("--rebuild", action="store_true", help="reconstruire la base même si elle existe")
    args = parser.parse_args()
    env = environment(f"{BASE_DB}/qpv_charge")
    print(f"Charge : {args.clients} clients pendant {args.duree:.0f} s, gunicorn {args.workers} workers, "
          f"charge machine au départ {os.getloadavg()[0]:.2f} ({os.cpu_count()} cœurs)")
    build_database(env, args.rebuild)
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework.authtoken.models import Token

    User = get_user_model()
    agent, pilot = User.objects.get(username="agent.demo"), User.objects.get(username="pilote.demo")
    auth_post = {"Authorization": f"Token {Token.objects.get_or_create(user=agent)[0].key}",
                 "Content-Type": "application/json", "Accept": "application/json"}
    auth_get = {"Authorization": f"Token {Token.objects.get_or_create(user=pilot)[0].key}",
                "Accept": "application/json"}
    connection.close()

    run = Run(tag=f"charge-{uuid.uuid4().hex[:12]}")
    server = start_server(env, args.workers)
    try:
        deadline = time.monotonic() + args.duree
        threads = [threading.Thread(target=client, args=(run, deadline, n + 1, auth_post, auth_get))
                   for n in range(args.clients)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - start
    finally:
        server.terminate()
        server.wait(timeout=30)

    with connection.cursor() as cursor:
        cursor.execute("SELECT uuid::text FROM signalements_signalement WHERE description = %s", [run.tag])
        stored = [row[0] for row in cursor.fetchall()]
    stored_set = set(stored)
    lost = len(run.acknowledged - stored_set)
    doubled = len(stored) - len(stored_set)
    total = sum(len(v) for v in run.latencies.values())
    everything = [s for v in run.latencies.values() for s in v]
    print(f"\nRequêtes : {total} en {elapsed:.1f} s ({total / elapsed:.0f} req/s) ; "
          f"p50 {ms(pct(everything, 50))} / p95 {ms(pct(everything, 95))}")
    for kind, _ in MIX:
        values = run.latencies[kind]
        print(f"  {kind:<9} {len(values):>6} requêtes ; p50 {ms(pct(values, 50)):>7} / p95 {ms(pct(values, 95)):>7}")
    print(f"Signalements acquittés : {len(run.acknowledged)} ; en base : {len(stored)}")
    print(f"Erreurs : {len(run.errors)} ; perdus : {lost} ; doublés : {doubled}")
    for error in run.errors[:10]:
        print(f"  {error}")
    print(f"Charge de la machine à la fin : {os.getloadavg()[0]:.2f}")
    sys.exit(0 if not run.errors and not lost and not doubled else 1)


if __name__ == "__main__":
    main()
