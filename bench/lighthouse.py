"""Lighthouse, mobile (issue 12, item 6): the field pages' scores, with Debian's Chromium.

    .venv/bin/python bench/lighthouse.py [--pages signaler,carte] [--workers 2]

The app under gunicorn with production settings (bench/run_all.py's environment:
DEBUG=0, hashed and compressed static files) on the demo database `qpv_charge` (built
by bench/charge.py's `build_database` when missing). The base map's tiles come from a
local blank-tile server, so nothing is fetched from the internet. The lighthouse npm
package (devDependencies) runs each page in its default mobile mode (Moto G Power,
simulated slow 4G) and prints performance, accessibility, best practices and CLS; each
report lands in bench/out/lighthouse-<page>.json. Not part of `make test`.
"""

import argparse
import http.client
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.charge import build_database  # noqa: E402
from bench.run_all import BASE_DB, PORT, environment, manage, start_server  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
TILES_PORT = int(os.environ.get("BENCH_TILES_PORT", "8193"))
DEBUG_PORT = int(os.environ.get("BENCH_CHROMIUM_PORT", "9231"))


def blank_tile():
    """A 256×256 light grey PNG, the base map's every tile."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (238, 238, 238)).save(buffer, format="PNG")
    return buffer.getvalue()


BLANK_TILE = blank_tile()
PAGES = {
    "signaler": ("/signaler/", "agent"),
    "carte-anonyme": ("/carte/", None),
    "carte-pilote": ("/carte/", "pilote"),
    "marches-rejoindre": ("/marches/rejoindre/", None),
    "marche-participer": (None, "participant"),
}


class Tiles(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Cache-Control", "max-age=86400")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(BLANK_TILE)

    def log_message(self, *args):
        pass


def session_cookie(path, fields, get_first):
    """Sign in (or join a walk) through the form, as a browser would: the cookies and
    where the form led."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    conn.request("GET", get_first)
    response = conn.getresponse()
    body = response.read().decode()
    cookies = dict(re.findall(r"(csrftoken|sessionid)=([^;]+)", " ".join(response.headers.get_all("Set-Cookie") or [])))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    conn.request("POST", path, body=urlencode({**fields, "csrfmiddlewaretoken": token}),
                 headers={"Content-Type": "application/x-www-form-urlencoded",
                          "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                          "Referer": f"http://127.0.0.1:{PORT}{get_first}"})
    response = conn.getresponse()
    response.read()
    cookies.update(dict(re.findall(r"(csrftoken|sessionid)=([^;]+)",
                                   " ".join(response.headers.get_all("Set-Cookie") or []))))
    if response.status != 302:
        raise SystemExit(f"connexion refusée sur {path} ({response.status})")
    return "; ".join(f"{k}={v}" for k, v in cookies.items()), response.headers["Location"]


class Chromium:
    """Debian's Chromium, started once with a debugging port that Lighthouse drives; the
    session cookie is put in its cookie jar, so the page's own fetch() calls carry it too
    (Lighthouse's --extra-headers reach the document but not the API calls)."""

    def __init__(self, profile_dir):
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--disable-background-networking", "--disable-component-update", "--no-first-run",
             f"--remote-debugging-port={DEBUG_PORT}", f"--user-data-dir={profile_dir}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", DEBUG_PORT, timeout=1).request("GET", "/json/version")
                break
            except OSError:
                time.sleep(0.1)

    def set_cookies(self, cookie):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.connect_over_cdp(f"http://127.0.0.1:{DEBUG_PORT}")
            context = browser.contexts[0]
            context.clear_cookies()
            if cookie:
                context.add_cookies([{"name": k, "value": v, "url": f"http://127.0.0.1:{PORT}/"}
                                     for k, v in (part.split("=", 1) for part in cookie.split("; "))])

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def run_lighthouse(chromium, url, cookie, out, traces=False):
    chromium.set_cookies(cookie)
    command = ["node", str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--quiet",
               "--only-categories=performance,accessibility,best-practices", f"--port={DEBUG_PORT}"]
    if traces:  # <page>-0.trace.json beside the report: the main thread's tasks, for DevTools
        command.append("--save-assets")
    for attempt in (1, 2, 3):  # Lighthouse sometimes loses the trace (NO_NAVSTART): run it again
        done = subprocess.run(command, cwd=ROOT, env={**os.environ, "CHROME_PATH": CHROMIUM})
        if done.returncode == 0:
            break
        if attempt == 3:
            raise SystemExit(f"Lighthouse a échoué trois fois sur {url}")
    report = json.loads(out.read_text())
    cats = report["categories"]
    audits = report["audits"]
    return {
        "performance": round(cats["performance"]["score"] * 100),
        "accessibilite": round(cats["accessibility"]["score"] * 100),
        "bonnes_pratiques": round(cats["best-practices"]["score"] * 100),
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "octets": audits["total-byte-weight"]["numericValue"],
        # Lighthouse's own measure of this machine's speed (its CPU slowdown is fixed at 4×:
        # the slower the machine, the lower the score).
        "indice_machine": report["environment"]["benchmarkIndex"],
        "echecs": [a["id"] for a in audits.values()
                   if a.get("score") is not None and a["score"] < 0.9 and a.get("scoreDisplayMode") in
                   ("binary", "numeric", "metricSavings")][:12],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=",".join(PAGES), help="pages, séparées par des virgules")
    parser.add_argument("--workers", type=int, default=2, help="workers gunicorn")
    parser.add_argument("--runs", type=int, default=1,
                        help="passages par page (le score varie d'un passage à l'autre : la médiane est imprimée)")
    parser.add_argument("--traces", action="store_true", help="garde la trace de chaque page (bench/out/)")
    args = parser.parse_args()
    env = environment(f"{BASE_DB}/qpv_charge")
    env["MAP_TILES_URL"] = f"http://127.0.0.1:{TILES_PORT}/{{z}}/{{x}}/{{y}}.png"
    build_database(env, rebuild=False)
    tiles = http.server.ThreadingHTTPServer(("127.0.0.1", TILES_PORT), Tiles)
    threading.Thread(target=tiles.serve_forever, daemon=True).start()
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(exist_ok=True)
    manage(env, "collectstatic", "--no-input", "-v0")  # the pages' current assets, hashed and compressed
    server = start_server(env, args.workers)
    results = {}
    profile = tempfile.TemporaryDirectory(prefix="lighthouse-")
    chromium = Chromium(profile.name)
    try:
        cookies = {None: None}
        cookies["agent"], _ = session_cookie("/comptes/connexion/", {"username": "agent.demo", "password": "demo"},
                                             "/comptes/connexion/")
        cookies["pilote"], _ = session_cookie("/comptes/connexion/", {"username": "pilote.demo", "password": "demo"},
                                              "/comptes/connexion/")
        cookies["participant"], walk = session_cookie(
            "/marches/rejoindre/", {"code": "CSC3MR", "pseudo": "Lighthouse", "genre": "", "tranche_age": ""},
            "/marches/rejoindre/")
        for name in args.pages.split(","):
            path, who = PAGES[name]
            path = path or walk
            runs = []
            for run in range(args.runs):
                r = run_lighthouse(chromium, f"http://127.0.0.1:{PORT}{path}", cookies[who],
                                   out_dir / f"lighthouse-{name}.json", args.traces)
                runs.append(r)
                label = name if args.runs == 1 else f"{name} #{run + 1}"
                print(f"{label:<18} {path:<28} performance {r['performance']:>3} "
                      f"· accessibilité {r['accessibilite']:>3} · bonnes pratiques {r['bonnes_pratiques']:>3} "
                      f"· CLS {r['cls']:.3f} "
                      f"· LCP {r['lcp_ms'] / 1000:.1f} s · TBT {r['tbt_ms']:.0f} ms · {r['octets'] / 1024:.0f} Ko"
                      f" · indice machine {r['indice_machine']:.0f}", flush=True)
                if r["echecs"]:
                    print(f"{'':<18} à revoir : {', '.join(r['echecs'])}", flush=True)
            results[name] = sorted(runs, key=lambda r: r["performance"])[len(runs) // 2]
            if args.runs > 1:
                scores = sorted(r["performance"] for r in runs)
                print(f"{name:<18} médiane performance {results[name]['performance']} (passages : {scores})",
                      flush=True)
    finally:
        chromium.stop()
        profile.cleanup()
        server.terminate()
        server.wait(timeout=30)
        tiles.shutdown()
    (out_dir / "lighthouse.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
