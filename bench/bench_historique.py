"""What the audit trail's triggers cost on the write path (commun.historique). Prints numbers.

Uses a throwaway database (qpv_bench_historique by default): migrations, then
`generer_volume` with reports and chantiers. Each measure runs in a transaction that is
rolled back, `--runs` times (median):

1. A tracked table (chantiers): one UPDATE of every row, with the app's triggers, then with
   them disabled (`ALTER TABLE … DISABLE TRIGGER USER`): the per-row cost of the copy.
2. The reports' table, which is NOT tracked: the same UPDATE with no trigger, then with a
   trigger of the same shape as pghistory's (copy of the NEW row, the request's context)
   installed for the measure only: what tracking reports would add to every write.

    .venv/bin/python bench/bench_historique.py [--signalements 20000] [--chantiers 2000] [--runs 5]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_carte import configure  # noqa: E402

SHAPED_LIKE_PGHISTORY = """
CREATE TABLE bench_signalement_event AS
    SELECT NULL::uuid AS pgh_context_id, now() AS pgh_created_at, ''::text AS pgh_label, NULL::bigint AS pgh_obj_id, *
    FROM signalements_signalement WITH NO DATA;
CREATE FUNCTION bench_copy_signalement() RETURNS trigger AS $$
BEGIN
    INSERT INTO bench_signalement_event SELECT _pgh_attach_context(), NOW(), 'modification', NEW.id, NEW.*;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER bench_copy AFTER UPDATE ON signalements_signalement FOR EACH ROW
    WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION bench_copy_signalement();
"""


def timed_update(cursor, sql, runs, setup=""):
    times = []
    for _ in range(runs):
        cursor.execute("BEGIN")
        if setup:
            cursor.execute(setup)
        started = time.perf_counter()
        cursor.execute(sql)
        times.append(time.perf_counter() - started)
        cursor.execute("ROLLBACK")
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="postgis://postgres@127.0.0.1:5432/qpv_bench_historique")
    parser.add_argument("--signalements", type=int, default=20000)
    parser.add_argument("--chantiers", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    configure(args.db)

    from django.core.management import call_command
    from django.db import connection

    from chantiers.models import Chantier
    from signalements.models import Signalement

    call_command("createcachetable", verbosity=0)
    if Signalement.objects.count() < args.signalements or Chantier.objects.count() < args.chantiers:
        call_command("generer_volume", signalements=args.signalements, chantiers=args.chantiers, verbosity=0)
    n_chantiers, n_reports = Chantier.objects.count(), Signalement.objects.count()

    connection.ensure_connection()
    raw = connection.connection
    raw.autocommit = True
    with raw.cursor() as cursor:
        update_chantiers = "UPDATE chantiers_chantier SET heures_insertion_realisees = heures_insertion_realisees + 1"
        tracked = timed_update(cursor, update_chantiers, args.runs)
        untracked = timed_update(cursor, update_chantiers, args.runs,
                                 setup="ALTER TABLE chantiers_chantier DISABLE TRIGGER USER")
        update_reports = "UPDATE signalements_signalement SET description = description || ' '"
        bare = timed_update(cursor, update_reports, args.runs)
        copied = timed_update(cursor, update_reports, args.runs, setup=SHAPED_LIKE_PGHISTORY)

    def line(label, rows, seconds):
        return f"{label:<58} {rows:>7} lignes  {seconds * 1000:8.1f} ms  {seconds / rows * 1e6:7.1f} µs/ligne"

    print(line("chantiers (suivis) : UPDATE, déclencheurs actifs", n_chantiers, tracked))
    print(line("chantiers (suivis) : UPDATE, déclencheurs désactivés", n_chantiers, untracked))
    print(f"  coût du registre sur les chantiers : ×{tracked / untracked:.2f}")
    print(line("signalements (non suivis) : UPDATE tel quel", n_reports, bare))
    print(line("signalements : UPDATE avec une copie façon pghistory", n_reports, copied))
    print(f"  ce que coûterait le suivi des signalements : ×{copied / bare:.2f}")


if __name__ == "__main__":
    main()
