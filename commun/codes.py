"""Short codes that open something without an account (a walk, a residents' workshop on a
friche): how they are drawn, typed, shown as a QR code, and how guessing is limited.

A code is 6 characters without 0/O, 1/I/L, so a code read aloud or copied from a poster
is never ambiguous. Wrong codes are counted per session and per IP address (in the shared
cache), so guessing one is hopeless; each use names its own counters.
"""

import secrets
import time

import segno
from django.core.cache import cache
from django.utils.safestring import mark_safe

from .api import client_ip

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
    """Wrong codes per session and per address within a sliding window."""

    def __init__(self, session_key, cache_prefix, window_s=15 * 60, per_session=5, per_ip=20,
                 who="l'animatrice ou l'animateur"):
        self.session_key = session_key
        self.cache_prefix = cache_prefix
        self.window_s = window_s
        self.per_session = per_session
        # A whole group may share one address (centre socioculturel's wifi, a carrier's NAT).
        self.per_ip = per_ip
        self.who = who

    def _recent(self, stamps, now):
        return [t for t in stamps if now - t < self.window_s]

    def _ip_key(self, request):
        return f"{self.cache_prefix}:{client_ip(request) or 'inconnue'}"

    def check(self, request):
        """Raise TropDEssais when this session or this address failed too often lately."""
        now = time.time()
        session_fails = self._recent(request.session.get(self.session_key, []), now)
        ip_fails = self._recent(cache.get(self._ip_key(request), []), now)
        for fails, limit in ((session_fails, self.per_session), (ip_fails, self.per_ip)):
            if len(fails) >= limit:
                raise TropDEssais(self.window_s - (now - fails[-limit]), self.who)

    def record_failure(self, request):
        now = time.time()
        request.session[self.session_key] = self._recent(request.session.get(self.session_key, []), now) + [now]
        key = self._ip_key(request)
        cache.set(key, self._recent(cache.get(key, []), now) + [now], self.window_s)

    def forget_session(self, request):
        request.session.pop(self.session_key, None)
