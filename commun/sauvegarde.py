"""Backup and restore of everything the application keeps: the PostgreSQL database
(custom-format dump) and the uploaded photos (media archive), with a manifest holding
the application's version, the date, each file's SHA-256 and the tables' row counts.

`manage.py sauvegarder` writes a folder; `manage.py restaurer` checks it and loads it
into a database (a new one, or the configured one when told to overwrite it).
"""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

DUMP = "base.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifeste.json"


class SauvegardeErreur(Exception):
    """A backup or restore that cannot go on; the message is for the operator, in French."""


def app_version():
    """The deployed version: APP_VERSION (set by the image) or the git commit."""
    version = os.environ.get("APP_VERSION")
    if version:
        return version
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=settings.BASE_DIR, capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "inconnue"


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def libpq_env(db):
    """Environment for pg_dump/pg_restore/psql from a Django database setting."""
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                      ("NAME", "PGDATABASE")):
        if db.get(key):
            env[name] = str(db[key])
    return env


def _run(command, env, what):
    tool = shutil.which(command[0])
    if tool is None:
        raise SauvegardeErreur(f"{command[0]} est introuvable (paquet postgresql-client).")
    result = subprocess.run([tool, *command[1:]], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SauvegardeErreur(f"{what} a échoué : {result.stderr.strip()[:500]}")
    return result.stdout


def row_counts(alias="default"):
    """Rows of every table of the application's schema (exact counts)."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # names from the catalogue, quoted
            counts[table] = cursor.fetchone()[0]
    return counts


def backup(target_dir, alias="default", media_root=None):
    """Write the dump, the media archive and the manifest into a new folder; return it."""
    db = settings.DATABASES[alias]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    folder = Path(target_dir) / f"sauvegarde-{timezone.localtime():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=False)
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={folder / DUMP}"],
         libpq_env(db), "La copie de la base (pg_dump)")
    with tarfile.open(folder / MEDIA, "w:gz") as archive:
        if media_root.exists():
            archive.add(media_root, arcname="media")
    manifest = {
        "version": app_version(),
        "cree_le": timezone.now().isoformat(),
        "base": db.get("NAME"),
        "fichiers": {name: sha256(folder / name) for name in (DUMP, MEDIA)},
        "lignes": row_counts(alias),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return folder


def read_manifest(folder):
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise SauvegardeErreur(f"{folder} n'est pas une sauvegarde : {MANIFEST} absent ou illisible.") from None
    for name, expected in manifest.get("fichiers", {}).items():
        path = folder / name
        if not path.exists():
            raise SauvegardeErreur(f"Fichier manquant dans la sauvegarde : {name}.")
        if sha256(path) != expected:
            raise SauvegardeErreur(f"Sauvegarde altérée : l'empreinte de {name} ne correspond pas au manifeste.")
    return manifest


def restore(folder, db, media_root, overwrite=False):
    """Check the backup, load the dump into the database `db` (a settings dict), unpack
    the photos into `media_root`. Refuses a database that holds tables unless `overwrite`."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    env = libpq_env(db)
    tables = _run(["psql", "--no-psqlrc", "-At", "-c",
                   "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"], env, "La lecture de la base cible")
    if int(tables.strip() or 0) and not overwrite:
        raise SauvegardeErreur(
            f"La base {db.get('NAME')} contient déjà des tables : restaurez dans une base vide, "
            "ou confirmez l'écrasement avec --ecraser."
        )
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={db.get('NAME')}"]
    if overwrite:
        command += ["--clean", "--if-exists"]
    _run([*command, str(folder / DUMP)], env, "La restauration de la base (pg_restore)")
    media_root = Path(media_root)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA, "r:gz") as archive:
        members = [m for m in archive.getmembers() if m.name == "media" or m.name.startswith("media/")]
        for member in members:
            member.name = member.name[len("media"):].lstrip("/") or "."
        archive.extractall(media_root, members=members, filter="data")
    return manifest
