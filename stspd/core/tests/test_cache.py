"""The cache (stspd/core/cache.py): configured from CACHE_URL, keyed by the data's version,
which every change recorded in the journal replaces in its own transaction."""

import socket

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from stspd.audit.events import record
from stspd.core.cache import bump, cached, data_version
from stspd.settings import cache_config


def test_the_cache_url_chooses_the_backend() -> None:
    redis = cache_config("redis://127.0.0.1:6379/0")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/0"
    assert cache_config("locmem://")["BACKEND"].endswith("LocMemCache")  # type: ignore[attr-defined]
    assert cache_config("file:///tmp/cache")["LOCATION"] == "/tmp/cache"
    assert cache_config("dummy://")["BACKEND"].endswith("DummyCache")  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="memcached"):
        cache_config("memcached://127.0.0.1:11211")


def test_a_recorded_change_gives_a_new_version_a_reading_does_not(world) -> None:  # type: ignore[no-untyped-def]
    first = data_version()
    record(world.coordinator, "updated", world.council, council=world.council)
    second = data_version()
    assert second not in ("", first)
    record(world.wg_signed, "read", world.group_meeting, council=world.council)
    assert data_version() == second


def test_a_change_rolled_back_leaves_the_version(world) -> None:  # type: ignore[no-untyped-def]
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        record(world.coordinator, "updated", world.council, council=world.council)
        raise RuntimeError
    assert data_version() == before


def test_a_result_is_computed_once_per_version(db) -> None:  # type: ignore[no-untyped-def]
    calls: list[int] = []

    def compute() -> None:
        calls.append(1)  # None is a result too: cached, not computed again

    cached("test", ("a",), compute)
    cached("test", ("a",), compute)
    assert len(calls) == 1
    cached("test", ("b",), compute)
    assert len(calls) == 2
    bump()
    cached("test", ("a",), compute)
    assert len(calls) == 3


def test_a_cache_server_that_does_not_answer_costs_no_page(world, settings) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed once the block ends: nothing listens there
    settings.CACHES = {"default": cache_config(f"redis://127.0.0.1:{port}/0")}
    assert Client().get(reverse("public:index")).status_code == 200
    assert cached("test", (), lambda: 42) == 42
