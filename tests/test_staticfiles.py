"""Static files: every front-end file a page, a script or the code names is served, and
collectstatic copies only those of node_modules (not the whole folder)."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)
VENDOR = re.compile(r"""vendor/[A-Za-z0-9@._/-]+\.(?:js|css|png|svg)""")
SOURCES = ["templates/**/*.html", "static/js/*.js", "*/*.py"]


def referenced_vendor_files():
    found = set()
    for pattern in SOURCES:
        for path in ROOT.glob(pattern):
            if ".venv" in path.parts or "node_modules" in path.parts:
                continue
            found.update(VENDOR.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return found


def test_every_vendor_file_the_code_names_is_served():
    names = referenced_vendor_files()
    assert "vendor/leaflet/dist/leaflet.js" in names
    missing = sorted(name for name in names if not finders.find(name))
    assert missing == []


def test_collectstatic_copies_only_what_pages_use(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", "--no-input", "-v0")
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) < 400
    assert sum(p.stat().st_size for p in files) < 15 * 1024 * 1024
    assert not (tmp_path / "vendor" / "ol" / "src").exists()
    assert (tmp_path / "vendor" / "leaflet" / "dist" / "leaflet.js").exists()
