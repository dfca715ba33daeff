"""Two app servers (gunicorn) on one PostgreSQL: both serve, a write on one is read on the
other (a public page it had cached included), a session opened on one is valid on the other,
and concurrent writes through both are all kept. The servers are configured with a read replica
(DATABASE_REPLICA_URL, here the same database) and share the cache that CACHE_URL names (Redis in
`.ci/run`; each worker's own memory otherwise). Runs only when the suite runs on PostgreSQL."""

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from stspd.audit.models import Event
from stspd.conftest import PASSWORD
from stspd.councils.models import Decision
from stspd.public.tests.helpers import publish

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="several app servers share a PostgreSQL database",
    ),
    # Committed rows, so that the servers see them; the rows migrations put in come back after.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def database_url() -> str:
    """The test database this process uses, for the servers to share."""
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def servers(world) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "STSPD_PRODUCTION"}
    } | {
        "DATABASE_URL": database_url(),
        # Reads of GET requests go through the replica alias (here the same database): the
        # router and its settings run as in a scaled-out deployment.
        "DATABASE_REPLICA_URL": database_url(),
        "DEBUG": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": settings.SECRET_KEY,
        "CONN_MAX_AGE": "60",
    }
    processes, urls = [], []
    for _ in range(2):
        port = free_port()
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "stspd.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--timeout",
                    "60",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 180
        for url, process in zip(urls, processes, strict=True):
            while True:
                assert process.poll() is None, process.stderr.read().decode()  # type: ignore[union-attr]
                try:
                    if requests.get(url + "/sante/", timeout=60).status_code == 200:
                        break
                except (requests.ConnectionError, requests.Timeout):
                    pass
                assert time.monotonic() < deadline, f"{url} did not start"
                time.sleep(0.3)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
            process.stderr.close()  # type: ignore[union-attr]


def log_in(url: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(url + "/comptes/connexion/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    response = session.post(
        url + "/comptes/connexion/",
        data={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": url + "/comptes/connexion/"},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def post_form(session: requests.Session, url: str, path: str, data: dict[str, str]) -> int:
    page = session.get(url + path, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None, page.status_code
    response = session.post(
        url + path,
        data=data | {"csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": url + path},
        allow_redirects=False,
        timeout=60,
    )
    return response.status_code


def test_two_app_servers_share_one_database(world, servers) -> None:  # type: ignore[no-untyped-def]
    first, second = servers
    # The servers check passwords with Django's default hasher, not the tests' fast one.
    hasher = PBKDF2PasswordHasher()
    world.coordinator.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    world.coordinator.save()
    for url in servers:
        assert requests.get(url + "/sante/", timeout=60).json()["status"] == "ok"

    # A session opened on the first server is valid on the second: sessions live in the database.
    session = log_in(first, world.coordinator.email)
    council = f"/conseils/{world.council.pk}/"
    assert session.get(second + council, timeout=30).status_code == 200

    # A public page cached by the second server (in Redis when CACHE_URL says so)...
    publish(world)
    public = f"/public/{world.council.pk}/"
    assert "CISPD renommé" not in requests.get(second + public, timeout=30).text
    requests.get(second + public, timeout=30)  # read from the cache

    # A write on one is read on the other.
    status = post_form(
        session,
        first,
        f"/conseils/{world.council.pk}/modifier/",
        {
            "name": "CISPD renommé sur le premier serveur",
            "president": "Président",
            "coordinator": str(world.coordinator.pk),
        },
    )
    assert status == 302
    assert "CISPD renommé sur le premier serveur" in session.get(second + council, timeout=30).text
    # ... cached pages included: the change gave the data a new version.
    assert "CISPD renommé sur le premier serveur" in requests.get(second + public, timeout=30).text

    # Concurrent writes through both servers: every one is kept, with its event.
    meeting = f"/seances/{world.plenary_meeting.pk}/decisions/ajouter/"
    decisions, events = Decision.objects.count(), Event.objects.count()

    def add(index: int) -> int:
        own = requests.Session()  # one per thread, with the same session cookie
        own.cookies.update(session.cookies)
        return post_form(
            own,
            servers[index % 2],
            meeting,
            {
                "text": f"Décision concurrente {index}",
                "owner": str(world.organisation.pk),
                "due_on": "2026-06-01",
                "status": "open",
                "follow_up": "",
            },
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(add, range(24)))
    assert statuses == [302] * 24
    assert Decision.objects.count() == decisions + 24
    assert Event.objects.count() == events + 24
    texts = set(Decision.objects.values_list("text", flat=True))
    assert {f"Décision concurrente {i}" for i in range(24)} <= texts
