"""The benchmark's floor (bench/load.py): the project's settings and middleware, with one more
URL, /bench/plancher/, a view that returns a few bytes without touching the database. Served by
the same gunicorn as the pages measured, so that their throughput and latency can be read as
ratios of what this server and machine give at best. Not part of the project's URLs."""

from stspd.settings import *  # noqa: F403  (the project's settings, unchanged but one)

ROOT_URLCONF = "floor_urls"
