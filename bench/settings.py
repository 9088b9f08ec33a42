"""The application's settings plus the naive list the benchmark compares with."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.naive"
