"""SQL helpers for the figures that every app computes for dashboards and reviews."""

from django.db.models import Aggregate, DurationField


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5), which also takes intervals."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def days(duration):
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def percent(part, whole):
    return None if not whole else round(100 * part / whole)


def with_bars(rows, key="n"):
    """Add `pct` (share of the largest row) to each row, for CSS bars."""
    top = max((r[key] for r in rows), default=0) or 1
    for r in rows:
        r["pct"] = round(100 * r[key] / top)
    return rows


def day_span(since, until):
    """The local days a period [since, until) covers: (first day, last day), for date fields."""
    from datetime import timedelta

    from django.utils import timezone

    return timezone.localdate(since), timezone.localdate(until - timedelta(microseconds=1))
