"""Short codes that open something without an account (a walk, a residents' workshop on a
friche): how they are drawn, typed, shown as a QR code, and how guessing is limited.

A code is 6 characters without 0/O, 1/I/L, so a code read aloud or copied from a poster
is never ambiguous. Wrong codes are counted per session and per IP address (in the shared
database, commun.models.CompteurEchecs), so guessing one is hopeless; each use names its own counters.
"""

import secrets
import time

import segno
from django.db import connection
from django.utils.safestring import mark_safe

from .api import client_ip
from .models import CompteurEchecs

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw):
    """What a person types ("csc 3mr", "CSC-3MR") to the stored form."""
    return "".join(ch for ch in str(raw or "").upper() if ch.isalnum())


def display_code(code):
    return f"{code[:3]} {code[3:]}" if len(code) == CODE_LENGTH else code


def qr_svg(url, title):
    """The QR code of `url` as inline SVG (segno), to show on a screen or print on a poster."""
    qr = segno.make_qr(url, error="m")
    # A viewBox and no fixed size: the page's CSS sizes it (large on the facilitator's phone).
    return mark_safe(qr.svg_inline(scale=6, border=2, title=title, omitsize=True))  # noqa: S308 - segno's own markup


class CodeRefuse(Exception):
    """A code that opens nothing; `status` is the HTTP status to answer with."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


class TropDEssais(CodeRefuse):
    def __init__(self, retry_after, who="l'animatrice ou l'animateur"):
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            f"Trop d'essais de code. Par sécurité, attendez {minutes} minute{'s' if minutes > 1 else ''} "
            f"avant de réessayer, ou demandez le code à {who}.",
            status=429,
        )
        self.retry_after = int(retry_after)


class GuessLimit:
    """Wrong codes per session and per address, counted in PostgreSQL (`CompteurEchecs`).

    Time is cut into windows of `window_s`; a limit applies to the current window and the
    one before, so a burst at the end of a window still counts in the next. Each failure
    is one atomic upsert: concurrent wrong guesses (two workers, two phones behind one
    NAT) all count, whatever the cache backend.
    """

    def __init__(self, session_key, cache_prefix, window_s=15 * 60, per_session=5, per_ip=20,
                 who="l'animatrice ou l'animateur"):
        self.session_key = session_key
        self.cache_prefix = cache_prefix
        self.window_s = window_s
        self.per_session = per_session
        # A whole group may share one address (centre socioculturel's wifi, a carrier's NAT).
        self.per_ip = per_ip
        self.who = who

    def _ip_key(self, request):
        return f"{self.cache_prefix}:ip:{client_ip(request) or 'inconnue'}"

    def _session_key(self, request, create=False):
        if not request.session.session_key:
            if not create:
                return None
            request.session.save()
        return f"{self.cache_prefix}:session:{request.session.session_key}"

    def _keys(self, request, create=False):
        keys = [(self._ip_key(request), self.per_ip)]
        session_key = self._session_key(request, create)
        if session_key:
            keys.append((session_key, self.per_session))
        return keys

    def check(self, request):
        """Raise TropDEssais when this session or this address failed too often lately."""
        now = time.time()
        window = int(now // self.window_s)
        keys = self._keys(request)
        counts = {}
        for cle, fenetre, nombre in CompteurEchecs.objects.filter(
                cle__in=[k for k, _ in keys], fenetre__in=(window - 1, window)).values_list("cle", "fenetre",
                                                                                             "nombre"):
            counts[(cle, fenetre)] = nombre
        for key, limit in keys:
            current, previous = counts.get((key, window), 0), counts.get((key, window - 1), 0)
            if current + previous >= limit:
                # The previous window stops counting at the end of this one; a full current
                # window at the end of the next.
                end = (window + 1 if current < limit else window + 2) * self.window_s
                raise TropDEssais(end - now, self.who)

    def record_failure(self, request):
        window = int(time.time() // self.window_s)
        with connection.cursor() as cursor:
            for key, _ in self._keys(request, create=True):
                cursor.execute(
                    f"INSERT INTO {CompteurEchecs._meta.db_table} (cle, fenetre, nombre) VALUES (%s, %s, 1) "
                    "ON CONFLICT (cle, fenetre) DO UPDATE SET nombre = "
                    f"{CompteurEchecs._meta.db_table}.nombre + 1", [key, window])
            # Windows that no longer count, for every key of this limit: the table stays small.
            cursor.execute(f"DELETE FROM {CompteurEchecs._meta.db_table} WHERE cle LIKE %s AND fenetre < %s",
                           [self.cache_prefix.replace("%", "") + ":%", window - 1])

    def forget_session(self, request):
        """The session found its code: its own failures no longer count (the address's do)."""
        session_key = self._session_key(request)
        if session_key:
            CompteurEchecs.objects.filter(cle=session_key).delete()
