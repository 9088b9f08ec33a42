"""Create the database named in DATABASE_URL, with PostGIS, when it is missing.

Idempotent: connects to the server's maintenance database, creates the database if
absent, then `CREATE EXTENSION IF NOT EXISTS postgis` inside it.
"""

import os
import sys

import dj_database_url
import psycopg
from psycopg import sql

DEFAULT_URL = "postgis://postgres@127.0.0.1:5432/qpv_terrain"


def connect(cfg, dbname):
    return psycopg.connect(
        dbname=dbname,
        user=cfg.get("USER") or None,
        password=cfg.get("PASSWORD") or None,
        host=cfg.get("HOST") or None,
        port=cfg.get("PORT") or None,
        connect_timeout=5,
        autocommit=True,
    )


def main():
    cfg = dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_URL))
    name = cfg["NAME"]
    admin = connect(cfg, "postgres")
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Base {name} créée.")
    admin.close()
    conn = connect(cfg, name)
    with conn.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        cur.execute("SELECT postgis_lib_version()")
        print(f"Base {name} prête (PostGIS {cur.fetchone()[0]}).")
    conn.close()


if __name__ == "__main__":
    try:
        main()
    except psycopg.OperationalError as exc:
        sys.exit(f"Connexion à PostgreSQL impossible : {exc}")
