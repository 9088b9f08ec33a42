"""The whole benchmark, side by side in one run (`make bench`, issue 9). Prints numbers.

    .venv/bin/python bench/run_all.py [--size 1000000] [--clients 20] [--rebuild]

1. A throwaway database `qpv_scale_bench_<size>` (kept for the next run unless
   `--rebuild`): migrations, the demo, then `generer_volume` with `--size` reports.
2. The app under gunicorn (DEBUG=0, whitenoise, 127.0.0.1:8191), with a naive DRF-gis
   list beside ours (bench/naive.py, bench/settings.py) for comparison.
3. p50/p95 of: the reports list (page of 500) at bboxes of ~100 m, ~500 m and the whole
   area, one client and 20, beside the single SQL statement that builds the same page
   and the naive serializer; the tiles at zooms 13–18 (size, time, 304) beside their
   raw ST_AsMVT statement; the public indicator, cold and cached; the map's first view
   in Chromium (time until every layer is drawn, bytes transferred, empty cache); report
   creation with 20 clients (reports/s, p95, errors, nothing lost or doubled, SQL
   statements per POST).
The numbers land in bench/out/run-<size>.json too.
"""

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8191"))
BASE_DB = os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/qpv_scale").rsplit("/", 1)[0]
# The issue's table, measured on this machine with 1,000,000 reports before this work.
BEFORE = {
    "liste p95 ~100 m": "273 ms", "liste p95 ~500 m": "2.4 s", "liste p95 zone entière": "3.7 s",
    "liste / SQL seul": "2.3× / 15× / 44×", "20 clients, zone entière": "0.9 req/s, p95 26.6 s",
    "carte pilote (1M)": "~530 MB, inachevée après 30 s", "indicateur public": "2.9–3.2 s, sans cache",
    "création, 20 clients": "63 signalements/s ; 24 requêtes SQL par POST",
}


def pct(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def ms(seconds):
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def environment(db_url):
    return {**os.environ, "DATABASE_URL": db_url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "bench.settings",
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0", "LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}


def manage(env, *args, quiet=True):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL if quiet else None)


def build_database(env, size, rebuild):
    """The bench database with `size` reports (reused when it already has them)."""
    import psycopg

    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    with psycopg.connect(f"{BASE_DB}/postgres".replace("postgis://", "postgresql://"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not rebuild:
            with psycopg.connect(env["DATABASE_URL"].replace("postgis://", "postgresql://")) as conn:
                try:
                    count = conn.execute("SELECT count(*) FROM signalements_signalement").fetchone()[0]
                except psycopg.Error:
                    count = -1
            if count >= size:
                print(f"Base {name} réutilisée ({count:,} signalements).")
                return None
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    subprocess.run([PY, "scripts/ensure_db.py"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "createcachetable")
    manage(env, "charger_demo")
    start = time.perf_counter()
    manage(env, "generer_volume", "--signalements", str(size), "--chantiers", "200", "--annotations",
           str(max(size // 200, 100)), quiet=False)
    return time.perf_counter() - start


def start_server(env, workers):
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        print("collectstatic (une fois : noms hachés, copies gzip et brotli)…")
        manage(env, "collectstatic", "--no-input", "-v0")
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(workers), "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env)
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/sante/")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn n'a pas démarré")


def call(conn, method, path, headers=None, body=None):
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    payload = response.read()
    return response.status, time.perf_counter() - start, payload, response


def clients(n, total, work):
    """`total` calls of `work(conn, i)` spread over `n` threads; (latencies, statuses, elapsed)."""
    latencies, statuses, lock = [], [], threading.Lock()
    todo = iter(range(total))

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        while True:
            with lock:
                i = next(todo, None)
            if i is None:
                return
            try:
                status, seconds = work(conn, i)
            except OSError:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
                status, seconds = 0, 0.0
            with lock:
                latencies.append(seconds)
                statuses.append(status)

    threads = [threading.Thread(target=worker) for _ in range(n)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, statuses, time.perf_counter() - start


def sql_clients(n, total, statement):
    """The same statement run `total` times by `n` threads, each on its own connection."""
    from django.db import connection

    latencies, lock = [], threading.Lock()
    todo = iter(range(total))

    def worker():
        while True:
            with lock:
                i = next(todo, None)
            if i is None:
                break
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(*statement)
                cursor.fetchall()
            with lock:
                latencies.append(time.perf_counter() - start)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - start


def captured(user, path, marker):
    """The (sql, params) of the statement containing `marker` that `path` runs in-process."""
    from django.db import connection
    from rest_framework.test import APIClient

    found = []

    def wrapper(execute, sql, params, many, context):
        if marker in sql:
            found.append((sql, params))
        return execute(sql, params, many, context)

    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    with connection.execute_wrapper(wrapper):
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return found[-1]


def area():
    """(centre lon, lat, extent) of the territory in WGS84."""
    from django.contrib.gis.db.models import Extent
    from django.contrib.gis.db.models.functions import Transform

    from territoire.models import Territoire

    west, south, east, north = Territoire.objects.aggregate(e=Extent(Transform("geom", 4326)))["e"]
    return (west + east) / 2, (south + north) / 2, (west, south, east, north)


def bbox_around(lon, lat, metres):
    import math

    dlat = metres / 2 / 111_000
    dlon = metres / 2 / (111_000 * math.cos(math.radians(lat)))
    return (lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def bench_lists(results, token, pilot, n_clients):
    lon, lat, extent = area()
    auth = {"Authorization": f"Token {token}", "Accept": "application/json"}
    boxes = {"~100 m": bbox_around(lon, lat, 100), "~500 m": bbox_around(lon, lat, 500), "zone entière": extent}
    print("\n== Liste des signalements, page de 500 (p50 / p95) ==")
    print(f"{'emprise':<13}{'objets':>7} | {'notre liste':>19} | {'SQL seul':>19} | {'ratio p95':>9} | "
          f"{'DRF-gis naïf':>19} | {'naïf/nous':>9}")
    for label, box in boxes.items():
        bbox = ",".join(f"{v:.6f}" for v in box)
        path = f"/api/v1/signalements/?bbox={bbox}&page_size=500"
        statement = captured(pilot, path, "json_agg")
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        status, _, body, _ = call(conn, "GET", path, auth)
        count = len(json.loads(body)["features"])
        ours = [call(conn, "GET", path, auth)[1] for _ in range(15)]
        raw, _ = sql_clients(1, 15, statement)
        naive = [call(conn, "GET", f"/banc/naif/signalements/?bbox={bbox}&page_size=500", auth)[1] for _ in range(5)]
        row = {"objets": count, "nous": [pct(ours, 50), pct(ours, 95)], "sql": [pct(raw, 50), pct(raw, 95)],
               "naif": [pct(naive, 50), pct(naive, 95)]}
        # 20 clients: our endpoint and the same SQL, each 20 at a time.
        lat20, st20, el20 = clients(n_clients, n_clients * 3, lambda c, i, p=path: call(c, "GET", p, auth)[:2])
        sql20, sel20 = sql_clients(n_clients, n_clients * 3, statement)
        row.update({"nous_20": [pct(lat20, 50), pct(lat20, 95), len(lat20) / el20, st20.count(200)],
                    "sql_20": [pct(sql20, 50), pct(sql20, 95), len(sql20) / sel20]})
        results["listes"][label] = row
        print(f"{label:<13}{count:>7} | {ms(row['nous'][0]):>8} / {ms(row['nous'][1]):>8} | "
              f"{ms(row['sql'][0]):>8} / {ms(row['sql'][1]):>8} | {row['nous'][1] / row['sql'][1]:>8.2f}× | "
              f"{ms(row['naif'][0]):>8} / {ms(row['naif'][1]):>8} | {row['naif'][1] / row['nous'][1]:>8.1f}×")
    print(f"\n{n_clients} clients simultanés (req/s ; p50 / p95) :")
    for label, row in results["listes"].items():
        print(f"  {label:<13} notre liste {row['nous_20'][2]:6.1f} req/s ({ms(row['nous_20'][0])} / "
              f"{ms(row['nous_20'][1])}, {row['nous_20'][3]} × 200) | SQL seul {row['sql_20'][2]:6.1f} req/s "
              f"({ms(row['sql_20'][0])} / {ms(row['sql_20'][1])}) | rapport {row['sql_20'][2] / row['nous_20'][2]:.2f}")


def tile_of(lon, lat, z):
    import math

    n = 2 ** z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def bench_tiles(results, token, pilot):
    lon, lat, _ = area()
    auth = {"Authorization": f"Token {token}"}
    print("\n== Tuiles vectorielles des signalements (pilote, tout visible) ==")
    print(f"{'zoom':<5}{'taille':>9}{'objets':>8} | {'tuile p50 / p95':>19} | {'ST_AsMVT seul':>19} | "
          f"{'ratio p95':>9} | {'304':>7} | {'en cache':>8}")
    import mapbox_vector_tile

    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    for z in range(13, 19):
        x, y = tile_of(lon, lat, z)
        path = f"/api/v1/tuiles/signalements/{z}/{x}/{y}.mvt"
        # Another (ignored) parameter per call: a new ETag, so the tile is computed each time.
        runs = [call(conn, "GET", f"{path}?essai={i}-{time.time()}", auth) for i in range(8)]
        body = runs[0][2]
        decoded = mapbox_vector_tile.decode(body).get("signalements", {"features": []})["features"]
        grouped = sum(1 for f in decoded if "nombre" in f["properties"])
        times = [r[1] for r in runs]
        # (a parameter of its own: the server's tile cache would answer without SQL)
        statement = captured(pilot, f"{path}?essai=capture-{time.time()}", "ST_AsMVT")
        raw, _ = sql_clients(1, 8, statement)
        status, _, _, response = call(conn, "GET", path, auth)
        etag = response.getheader("ETag")
        not_modified = [call(conn, "GET", path, {**auth, "If-None-Match": etag}) for _ in range(5)]
        cached = [call(conn, "GET", path, auth)[1] for _ in range(5)]
        row = {"octets": len(body), "objets": len(decoded), "groupes": grouped,
               "tuile": [pct(times, 50), pct(times, 95)],
               "mvt": [pct(raw, 50), pct(raw, 95)], "304": pct([r[1] for r in not_modified], 50),
               "statut_304": not_modified[0][0], "cache": pct(cached, 50)}
        results["tuiles"][z] = row
        print(f"{z:<5}{len(body) / 1024:>7.1f} Ko{len(decoded):>8} | "
              f"{ms(row['tuile'][0]):>8} / {ms(row['tuile'][1]):>8}"
              f" | {ms(row['mvt'][0]):>8} / {ms(row['mvt'][1]):>8} | {row['tuile'][1] / row['mvt'][1]:>8.2f}× | "
              f"{ms(row['304']):>7} | {ms(row['cache']):>8}" + (f"  ({grouped} groupes)" if grouped else ""))


def bench_indicator(results):
    from django.core.cache import cache

    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    cache.clear()
    cold = call(conn, "GET", "/api/v1/indicateurs/secteurs-resolus/")[1]
    warm = [call(conn, "GET", "/api/v1/indicateurs/secteurs-resolus/")[1] for _ in range(30)]
    results["indicateur"] = {"froid": cold, "cache": [pct(warm, 50), pct(warm, 95)]}
    print(f"\n== Indicateur public par secteur (anonyme) ==\nsans cache {ms(cold)} ; en cache p50 "
          f"{ms(pct(warm, 50))} / p95 {ms(pct(warm, 95))}")


def bench_map(results):
    """The pilot's /carte/ in Chromium: empty browser cache, tiles computed afresh (a report
    changed just before), time until every layer is drawn, bytes transferred."""
    from django.utils import timezone
    from playwright.sync_api import sync_playwright

    from signalements.models import Signalement
    from tests.browser import BLANK_PNG, CHROMIUM, DESKTOP, TILE_HOSTS

    # A report changes: the tiles' version moves, none comes from the server's tile cache.
    Signalement.objects.filter(pk=Signalement.objects.order_by("id").values("id")[:1]).update(
        mis_a_jour_le=timezone.now())

    base = f"http://127.0.0.1:{PORT}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(base_url=base, **DESKTOP)
        context.route(TILE_HOSTS, lambda route: route.fulfill(body=BLANK_PNG, content_type="image/png"))
        page = context.new_page()
        page.goto("/comptes/connexion/")
        page.fill("#id_username", "pilote.demo")
        page.fill("#id_password", "demo")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        transferred, requests = [0], [0]

        def finished(event):
            transferred[0] += event.get("encodedDataLength", 0)
            requests[0] += 1

        cdp.on("Network.loadingFinished", finished)
        start = time.perf_counter()
        page.goto("/carte/")
        page.wait_for_selector(".folium-map[data-loaded=true]", timeout=120000)
        elapsed = time.perf_counter() - start
        shown = page.evaluate("window.Carte.counts().signalements")
        page.screenshot(path=str(ROOT / "bench" / "out" / "carte-pilote.png"))
        browser.close()
    results["carte"] = {"secondes": elapsed, "octets": transferred[0], "requetes": requests[0],
                        "signalements_dessines": shown}
    print(f"\n== Carte des pilotes, première vue (Chromium, cache vide) ==\n{elapsed:.2f} s jusqu'à toutes les "
          f"couches dessinées ; {transferred[0] / 1024 / 1024:.2f} Mo transférés en {requests[0]} requêtes ; "
          f"{shown:,} signalements représentés (groupés)")


def feature(i):
    lon = 5.1650 + (i * 7919 % 1000) / 1000 * 0.0100
    lat = 48.7755 + (i * 104729 % 1000) / 1000 * 0.0050
    cats = ["proprete-dechets", "depots-sauvage", "eclairage-eteint", "parties-communes-hall", "chantier-cloture"]
    observed = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
            "properties": {"uuid": str(uuid.uuid4()), "categorie": cats[i % len(cats)], "description": "banc",
                           "precision_m": 6, "observe_le": observed}}


def sql_per_post(agent):
    """Statements one POST runs in-process, outside any test transaction (as in production)."""
    from django.db import connection
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=agent)[0].key}")
    client.post("/api/v1/signalements/", feature(1), format="json")  # warm the per-process copies
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    counts = []
    for i in range(3):
        statements.clear()
        with connection.execute_wrapper(count):
            response = client.post("/api/v1/signalements/", feature(i + 2), format="json")
        assert response.status_code == 201, response.content
        counts.append(len(statements))
    return max(counts)


def bench_create(results, token, agent, n_clients, total):
    from signalements.models import Signalement

    bodies = [feature(i) for i in range(total)]
    auth = {"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"}

    def post(conn, i):
        status, seconds, _, _ = call(conn, "POST", "/api/v1/signalements/", auth, json.dumps(bodies[i]))
        return status, seconds

    latencies, statuses, elapsed = clients(n_clients, total, post)
    created = statuses.count(201)
    stored = Signalement.objects.filter(uuid__in=[b["properties"]["uuid"] for b in bodies]).count()
    replays, _, _ = clients(5, 20, post)  # the same bodies again: 200, nothing doubled
    after = Signalement.objects.filter(uuid__in=[b["properties"]["uuid"] for b in bodies]).count()
    statements = sql_per_post(agent)
    results["creation"] = {"par_seconde": created / elapsed, "p50": pct(latencies, 50), "p95": pct(latencies, 95),
                           "erreurs": total - created, "enregistres": stored, "apres_rejeu": after,
                           "sql_par_post": statements}
    print(f"\n== Création de signalements, {n_clients} clients ==\n{created / elapsed:.0f} signalements/s ; p50 "
          f"{ms(pct(latencies, 50))} / p95 {ms(pct(latencies, 95))} ; erreurs {total - created} ; "
          f"{stored}/{total} enregistrés, {after} après 20 rejeux ; {statements} requêtes SQL par POST")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="signalements générés (1 000 000 par défaut)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--posts", type=int, default=2000, help="signalements créés par le banc de création")
    parser.add_argument("--workers", type=int, default=4, help="workers gunicorn")
    parser.add_argument("--rebuild", action="store_true", help="reconstruire la base même si elle existe")
    parser.add_argument("--sans-navigateur", action="store_true", help="ne pas mesurer la carte dans Chromium")
    args = parser.parse_args()
    db_url = f"{BASE_DB}/qpv_scale_bench_{args.size}"
    env = environment(db_url)
    print(f"Banc : {args.size:,} signalements, base {db_url.rsplit('/', 1)[1]}, charge au départ "
          f"{os.getloadavg()[0]:.2f} ({os.cpu_count()} cœurs)")
    generated = build_database(env, args.size, args.rebuild)
    if generated:
        print(f"Générés en {generated:.0f} s.")
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    User = get_user_model()
    pilot, agent = User.objects.get(username="pilote.demo"), User.objects.get(username="agent.demo")
    pilot_token = Token.objects.get_or_create(user=pilot)[0].key
    agent_token = Token.objects.get_or_create(user=agent)[0].key
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    results = {"taille": args.size, "listes": {}, "tuiles": {}, "avant": BEFORE, "charge": [os.getloadavg()[0]]}
    server = start_server(env, args.workers)
    try:
        bench_lists(results, pilot_token, pilot, args.clients)
        bench_tiles(results, pilot_token, pilot)
        bench_indicator(results)
        if not args.sans_navigateur:
            bench_map(results)
        bench_create(results, agent_token, agent, args.clients, args.posts)
    finally:
        server.terminate()
        server.wait(timeout=30)
    results["charge"].append(os.getloadavg()[0])
    print(f"\nCharge de la machine : {results['charge'][0]:.2f} au départ, {results['charge'][1]:.2f} à la fin.")
    print("\nAvant (tableau de l'issue 9, 1 000 000 de signalements) :")
    for key, value in BEFORE.items():
        print(f"  {key:<28} {value}")
    out = ROOT / "bench" / "out" / f"run-{args.size}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nRésultats : {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
