"""What the service worker keeps for use without network, and the worker itself.

Each app declares, in its `AppConfig.ready()`, the pages a person must be able to open
offline (a path, or a prefix ending in `*`) and the static assets they load:
`register_offline(pages=[…], assets=[…])`. `/sw.js` is served from the site root so it
controls every page; its version is a hash of what it keeps, so a changed asset
replaces the old cache.
"""

import hashlib
import json
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

WORKER = "js/sw.js"
_pages = []
_assets = []


def register_offline(pages=(), assets=()):
    """Keep these pages (paths, or prefixes ending in `*`) and static assets offline."""
    for page in pages:
        if page not in _pages:
            _pages.append(page)
    for asset in assets:
        if asset not in _assets:
            _assets.append(asset)
    version.cache_clear()


def offline_pages():
    return list(_pages)


def offline_assets():
    return list(_assets)


@lru_cache(maxsize=1)
def version():
    digest = hashlib.sha256("\n".join(_pages).encode())
    for asset in [*_assets, WORKER]:
        path = finders.find(asset)
        if path:
            with open(path, "rb") as fh:
                digest.update(fh.read())
    return digest.hexdigest()[:12]


@never_cache
def service_worker(request):
    """The service worker, its configuration prepended."""
    with open(finders.find(WORKER), encoding="utf-8") as fh:
        body = fh.read()
    config = {"version": version(), "pages": offline_pages(), "assets": [static(a) for a in _assets]}
    body = f"const SW_CONFIG = {json.dumps(config)};\n" + body
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response
