"""Benchmark: 100 concurrent clients for 60 s on gunicorn and PostgreSQL (target: zero errors).

The code under test is a snapshot of HEAD (`git archive`, into a temporary folder), so that
edits made in a shared checkout during the run do not reach the server (`--working-tree` serves
the checkout as it is). The demo territory (`stspd demo`: the CISPD of the Métropole Rouen
Normandie with its adopted strategy and three years of reported values, the real SSMSI figures
of Seine-Maritime) is built by that code, in a child process, in a dedicated PostgreSQL
database, `bench_stspd_load`, created at the start and dropped at the end. gunicorn serves it
on the loopback with production settings (DEBUG=0, a secret key, ALLOWED_HOSTS=127.0.0.1,
CONN_MAX_AGE=60, one JSON log line per request) and the command line of docs/production.md
(5 workers x 4 threads on 2 cores). Each request carries the headers nginx
adds in production (X-Forwarded-Proto: https, X-Forwarded-For), so the production security
settings (HTTPS redirect, secure cookies, CSRF referer check) apply as they do behind the proxy.

Clients are threads with a `requests` session each, opening a connection per request as nginx
does to gunicorn (`--keep-alive` keeps one per client instead), in three equal groups:

- dashboard: the coordinator of the CISPD on the strategy's tableau de bord;
- observatory: the coordinator on the observatory pages of a commune, the EPCI and the council;
- public: anonymous visitors on /public/ and the CISPD's public page.

The coordinator logs in once through the login form (with its CSRF token; login attempts are
throttled) and every coordinator client shares that session cookie. Each client sends its next
request as soon as the previous one is answered, for `--seconds`. Any answer that is not 2xx
(redirects are not followed: a 302 to the login page is an error) and any connection error or
timeout counts as an error. Latency is the client's (queueing in gunicorn included); the
server's own time per request comes from its log lines. One client alone, measured in the same
run after a warm-up: the same pages, one request at a time from a single client.

The server gets the environment's CACHE_URL (e.g. redis://127.0.0.1:6379/14, as in production),
else each worker caches in its own memory. After the load, the floor: the same clients for the
same time on /bench/plancher/, a view returning a few bytes without the database, served by the
same gunicorn with the same settings and middleware (bench/floor_settings.py); the pages'
throughput and latency are reported as ratios of the floor's.

Usage: `make bench-load` (or `python3 -m uv run python bench/load.py [--seconds 60]
[--clients 100] [--working-tree] [--dry-run]`); the PostgreSQL server is BENCH_POSTGRES_URL,
else DATABASE_URL when it is a PostgreSQL URL, else the local one
(postgres://postgres:postgres@127.0.0.1:5432/postgres). Results are appended to
bench/RESULTS.md (not with --dry-run); the exit status is 1 when there were errors.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import io
import json
import os
import platform
import re
import secrets
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cog_import import RESULTS, setup_django  # bench/ is on sys.path when run as a script

DATABASE = "bench_stspd_load"
DEFAULT_POSTGRES = "postgres://postgres:postgres@127.0.0.1:5432/postgres"
WORKERS = 2 * (os.cpu_count() or 1) + 1  # docs/production.md: about 2 x cores + 1
THREADS = 4
CONN_MAX_AGE = 60
CLIENT_TIMEOUT = 120  # seconds; a request still unanswered then is an error
GROUPS = ("dashboard", "observatory", "public")
BUILT = "LOAD-BENCH-DATA "  # marks the build process's result line
# What nginx adds in front of gunicorn in production (STSPD_PROXY_COUNT=1).
PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}


@dataclass
class Target:
    group: str
    path: str
    logged_in: bool


FLOOR = Target("floor", "/bench/plancher/", False)  # bench/floor_urls.py


@dataclass
class Outcome:
    latencies: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    # When each 2xx answer arrived (time.monotonic()), for the throughput within the window.
    answered_at: dict[str, list[float]] = field(
        default_factory=lambda: collections.defaultdict(list)
    )
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    error_groups: collections.Counter[str] = field(default_factory=collections.Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, group: str, seconds: float) -> None:
        with self.lock:
            self.latencies[group].append(seconds)
            self.answered_at[group].append(time.monotonic())

    def error(self, group: str, what: str) -> None:
        with self.lock:
            self.errors[what] += 1
            self.error_groups[group] += 1


def postgres_url() -> str:
    url = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else DEFAULT_POSTGRES


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def build(var_dir: str) -> None:
    """The child process of `--build`: a fresh bench database with the demo, then one line
    (BUILT + JSON) with what the load needs. Runs the code under test (see `code_dir`)."""
    import stspd

    # The code under test, not the checkout that the editable install points to.
    assert Path(stspd.__file__).resolve().is_relative_to(Path.cwd().resolve()), stspd.__file__
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"  # quiet
    setup_django(var_dir, database=DATABASE)  # drops, creates and migrates DATABASE
    from stspd.demo.councils import DEMO_PASSWORD

    targets, email, version, built = build_demo()
    data = {
        "targets": [[t.group, t.path, t.logged_in] for t in targets],
        "email": email,
        "password": DEMO_PASSWORD,
        "postgresql": version,
        "demo_seconds": built,
        "database_url": os.environ["DATABASE_URL"],
    }
    print(BUILT + json.dumps(data))


def code_dir(working_tree: bool, into: Path) -> tuple[Path, str]:
    """Where the server's code comes from: a snapshot of HEAD (`git archive`), so that edits
    made in the checkout during the run (a new migration, a half-written view) do not reach
    the server; or the working tree itself."""
    repo = Path(__file__).resolve().parents[1]
    if working_tree:
        return repo, "the working tree (uncommitted changes included)"
    commit = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", "HEAD"], capture_output=True, check=True
    ).stdout
    into.mkdir()
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into, f"commit {commit}, a snapshot of HEAD (uncommitted edits in the checkout left out)"


def run_build(src: Path, var_dir: str, server_url: str) -> dict[str, Any]:
    env = os.environ | {"DATABASE_URL": server_url, "PYTHONPATH": str(src)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        # This script (the harness) in a child process; the project's code comes from `src`.
        [sys.executable, str(Path(__file__).resolve()), "--build", var_dir],
        env=env,
        cwd=src,
        capture_output=True,
        text=True,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(BUILT)]
    if done.returncode or not lines:
        sys.exit(f"building the demo failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    data: dict[str, Any] = json.loads(lines[-1][len(BUILT) :])
    return data


def build_demo() -> tuple[list[Target], str, str, float]:
    """The demo in the bench database; the pages to hit, the coordinator's login and the
    PostgreSQL version, and how long the build took."""
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse

    from stspd.councils.models import Council
    from stspd.demo.councils import DOMAIN, EPCI_SIREN
    from stspd.strategy.models import Strategy

    start = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("demo", stdout=quiet)
    built = time.perf_counter() - start
    council = Council.objects.get(epci__siren=EPCI_SIREN)
    strategy = Strategy.objects.filter(council=council).order_by("pk").first()
    assert strategy is not None, "the demo has no strategy"
    commune = "76575"  # Saint-Étienne-du-Rouvray, a commune of the EPCI
    targets = [
        Target("dashboard", reverse("steering:dashboard", args=[strategy.pk]), True),
        Target("observatory", reverse("observatory:territory", args=["commune", commune]), True),
        Target("observatory", reverse("observatory:territory", args=["epci", EPCI_SIREN]), True),
        Target(
            "observatory",
            reverse("observatory:territory", args=["conseil", str(council.pk)]),
            True,
        ),
        Target("public", reverse("public:index"), False),
        Target("public", reverse("public:council", args=[council.pk]), False),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return targets, f"coordination@{DOMAIN}", version, built


def start_server(
    src: Path, url: str, port: int, var_dir: str, log: Path
) -> subprocess.Popen[bytes]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_REPLICA_URL"}
    } | {
        # The code under test before the editable install's path to the checkout; bench/ for
        # the floor's settings (the project's, plus a view without the database).
        "PYTHONPATH": f"{src}{os.pathsep}{src / 'bench'}",
        "DJANGO_SETTINGS_MODULE": "floor_settings",
        "DATABASE_URL": url,
        "DEBUG": "0",
        "STSPD_PRODUCTION": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "CONN_MAX_AGE": str(CONN_MAX_AGE),
        "STSPD_JSON_LOGS": "1",
        "STSPD_VAR_DIR": var_dir,
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "stspd.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--threads",
        str(THREADS),
        "--timeout",
        "120",
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
    ]
    with log.open("wb") as handle:
        return subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT, cwd=src)


def wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    import requests

    deadline = time.monotonic() + 180
    while True:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if requests.get(base + "/sante/", headers=PROXY_HEADERS, timeout=30).ok:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            sys.exit("gunicorn did not answer /sante/ within 180 s")
        time.sleep(0.3)


def log_in(base: str, email: str, password: str) -> str:
    """Post the login form once, as a browser behind the proxy would; the session cookie."""
    import requests

    page = requests.get(base + "/comptes/connexion/", headers=PROXY_HEADERS, timeout=60)
    page.raise_for_status()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None, "no CSRF token on the login page"
    # The cookies are Secure (production settings): a client on plain HTTP would not send them
    # back, a browser on the HTTPS proxy does; they go in the Cookie header here.
    csrf = page.cookies["csrftoken"]
    response = requests.post(
        base + "/comptes/connexion/",
        data={"username": email, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers=PROXY_HEADERS
        | {
            "Cookie": f"csrftoken={csrf}",
            "Referer": base.replace("http://", "https://") + "/comptes/connexion/",
        },
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, f"login failed: {response.status_code}"
    return f"sessionid={response.cookies['sessionid']}"


def check_pages(base: str, targets: list[Target], cookie: str) -> dict[str, list[float]]:
    """Each page answers 200 before the load (a wrong id or a lost login is no benchmark);
    the latency of each, one request at a time, by group."""
    import requests

    alone: dict[str, list[float]] = collections.defaultdict(list)
    session = requests.Session()
    for target in targets:
        headers = PROXY_HEADERS | ({"Cookie": cookie} if target.logged_in else {})
        start = time.perf_counter()
        response = session.get(
            base + target.path, headers=headers, allow_redirects=False, timeout=120
        )
        alone[target.group].append(time.perf_counter() - start)
        session.cookies.clear()
        if response.status_code != 200:
            sys.exit(f"{target.path}: {response.status_code} before the load")
    return alone


def client(
    index: int,
    base: str,
    targets: list[Target],
    cookie: str,
    outcome: Outcome,
    ready: threading.Barrier,
    deadline: list[float],
    keep_alive: bool,
) -> None:
    import requests

    session = requests.Session()
    headers = PROXY_HEADERS | ({"Cookie": cookie} if targets[0].logged_in else {})
    if not keep_alive:
        # nginx opens a connection to gunicorn per request (docs/production.md sets no upstream
        # keepalive): a kept-alive client would stay on one worker, however busy it is.
        headers["Connection"] = "close"
    ready.wait()
    n = index  # clients of one group start on different pages
    while time.monotonic() < deadline[0]:
        target = targets[n % len(targets)]
        n += 1
        start = time.perf_counter()
        try:
            response = session.get(
                base + target.path, headers=headers, allow_redirects=False, timeout=CLIENT_TIMEOUT
            )
            response.content  # noqa: B018  (the whole body, as a browser reads it)
        except requests.RequestException as exc:
            outcome.error(target.group, f"{type(exc).__name__} on {target.path}")
            session.close()
            session = requests.Session()
            continue
        finally:
            session.cookies.clear()  # the shared cookie only, never one a response set
        if 200 <= response.status_code < 300:
            outcome.ok(target.group, time.perf_counter() - start)
        else:
            outcome.error(target.group, f"HTTP {response.status_code} on {target.path}")
    session.close()


def load(
    args: argparse.Namespace, base: str, targets: list[list[Target]], cookie: str = ""
) -> tuple[Outcome, float, float, tuple[float, float, float], tuple[float, float, float]]:
    """`args.clients` clients for `args.seconds`, client i on the pages `targets[i]`: what they
    got, when the window ended, how long until the last answer, the load averages before and
    after."""
    outcome = Outcome()
    ready = threading.Barrier(args.clients + 1)
    deadline = [float("inf")]
    threads = [
        threading.Thread(
            target=client,
            args=(i, base, own, cookie, outcome, ready, deadline, args.keep_alive),
            daemon=True,
        )
        for i, own in enumerate(targets)
    ]
    for thread in threads:
        thread.start()
    load_start = os.getloadavg()
    started = time.perf_counter()
    deadline[0] = time.monotonic() + args.seconds
    ready.wait()
    for thread in threads:
        thread.join()
    return outcome, deadline[0], time.perf_counter() - started, load_start, os.getloadavg()


def watch_connections(url: str, stop: threading.Event, peak: list[int]) -> None:
    """The most connections to the bench database seen at once (sampled every 0.5 s)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        while not stop.is_set():
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [DATABASE]
            ).fetchone()
            peak[0] = max(peak[0], (row[0] if row else 0) - 1)  # not this one
            stop.wait(0.5)


def server_times(log: Path, since: float) -> tuple[dict[str, list[float]], int, int]:
    """Server time per page group from gunicorn's JSON lines, and the 5xx and exception
    lines written during the load."""
    durations: dict[str, list[float]] = collections.defaultdict(list)
    server_errors = exceptions = 0
    first_exception = ""
    for line in log.read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        at = datetime.datetime.fromisoformat(entry["time"]).timestamp()
        if at < since:
            continue
        if "exception" in entry:
            exceptions += 1
            first_exception = first_exception or str(entry["exception"])
        if entry.get("logger") != "stspd.request":
            continue
        if int(entry.get("status", 0)) >= 500:
            server_errors += 1
        path = entry.get("path", "")
        group = (
            "dashboard"
            if "/tableau-de-bord/" in path
            else "observatory"
            if path.startswith("/observatoire/")
            else "public"
            if path.startswith("/public/")
            else "floor"
            if path == FLOOR.path
            else None
        )
        if group is not None:
            durations[group].append(float(entry["duration_ms"]) / 1000)
    if first_exception:
        print(f"First exception in the server log:\n{first_exception}", file=sys.stderr)
    return durations, server_errors, exceptions


def run(args: argparse.Namespace) -> int:
    import psycopg
    import requests

    server_url = postgres_url()
    admin_url = server_url.rsplit("/", 1)[0] + "/postgres"
    with tempfile.TemporaryDirectory() as var_dir:
        log = Path(var_dir) / "gunicorn.log"
        src, code = code_dir(args.working_tree, Path(var_dir) / "src")
        try:
            start = time.perf_counter()
            data = run_build(src, var_dir, server_url)
            build_seconds = time.perf_counter() - start
            targets = [Target(*target) for target in data["targets"]]
            email, password = data["email"], data["password"]
            pg_version, built = data["postgresql"], data["demo_seconds"]
            bench_url = data["database_url"]
            with psycopg.connect(admin_url, autocommit=True) as conn:
                row = conn.execute("SHOW max_connections").fetchone()
                max_connections = int(row[0]) if row else 0

            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server = start_server(src, bench_url, port, var_dir, log)
            try:
                wait_until_up(base, server, log)
                cookie = log_in(base, email, password)
                check_pages(base, targets, cookie)
                # Warm-up, not counted in the load: every worker imports its modules and fills
                # its caches. Its last rounds, one request at a time, are the floor.
                floor: dict[str, list[float]] = collections.defaultdict(list)
                for round_ in range(2 * WORKERS):
                    for group, seconds in check_pages(base, targets, cookie).items():
                        if round_ >= WORKERS:
                            floor[group].extend(seconds)

                by_group = {g: [t for t in targets if t.group == g] for g in GROUPS}
                stop, peak = threading.Event(), [0]
                watcher = threading.Thread(
                    target=watch_connections, args=(bench_url, stop, peak), daemon=True
                )
                watcher.start()
                since = time.time()
                outcome, deadline, elapsed, load_start, load_end = load(
                    args,
                    base,
                    [by_group[GROUPS[i % len(GROUPS)]] for i in range(args.clients)],
                    cookie,
                )
                stop.set()
                watcher.join()
                # The floor under the same load: every client on the trivial view.
                floor_outcome, floor_deadline, _, floor_load, _ = load(
                    args, base, [[FLOOR]] * args.clients
                )
                # The server is still up and fit after the load.
                health = requests.get(base + "/sante/", headers=PROXY_HEADERS, timeout=30)
                alive = health.ok
                if not alive:
                    print(f"/sante/ after the load: {health.status_code} {health.text}")
            finally:
                server.terminate()
                try:
                    server.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            durations, server_errors, exceptions = server_times(log, since)
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")

    all_latencies = [s for group in GROUPS for s in outcome.latencies[group]]
    in_window = {
        g: sum(1 for t in outcome.answered_at[g] if t <= deadline) / args.seconds for g in GROUPS
    }
    floor_rate = (
        sum(1 for t in floor_outcome.answered_at["floor"] if t <= floor_deadline) / args.seconds
    )
    floor_latencies = floor_outcome.latencies["floor"]
    floor_errors = sum(floor_outcome.errors.values())
    by_count = collections.Counter(GROUPS[i % len(GROUPS)] for i in range(args.clients))
    n_ok = len(all_latencies)
    n_errors = sum(outcome.errors.values())
    total = n_ok + n_errors
    met = (
        n_errors == 0
        and floor_errors == 0
        and server_errors == 0
        and exceptions == 0
        and alive
        and n_ok > 0
    )

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}" if b else "-"

    def ms(values: list[float], q: float) -> str:
        return f"{percentile(values, q) * 1000:,.0f} ms" if values else "-"

    pages = {g: ", ".join(t.path for t in targets if t.group == g) for g in GROUPS}
    lines = [
        f"\n## Load: {args.clients} clients for {args.seconds} s on gunicorn and PostgreSQL — "
        f"{datetime.date.today()} — postgresql\n",
        f"- command: `{' '.join(['python', *sys.argv])}`"
        + (
            " with BENCH_POSTGRES_URL=postgres://..."
            if os.environ.get("BENCH_POSTGRES_URL")
            else ""
        ),
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {load_start[0]:.1f} at the start of the "
        f"load, {load_end[0]:.1f} at the end (clients, server and PostgreSQL on the same "
        "machine, shared with other engineers' jobs)",
        f"- server: gunicorn, {WORKERS} workers x {THREADS} threads (gthread), "
        f"timeout 120 s, max-requests 2000; DEBUG=0, CONN_MAX_AGE={CONN_MAX_AGE}, JSON request "
        "logs; requests carry nginx's X-Forwarded-Proto/-For; PostgreSQL "
        f"{pg_version.split()[0]}, max_connections {max_connections}, at most {peak[0]} "
        f"connections to the bench database during the load; cache "
        + (
            f"{os.environ['CACHE_URL'].split('://')[0]}:// (CACHE_URL)"
            if os.environ.get("CACHE_URL")
            else "locmem:// (the default: one per worker)"
        ),
        f"- code: {code}",
        f"- data: `stspd demo` in a fresh database `{DATABASE}` (communes, shapes, SSMSI "
        f"figures, councils, strategy, three years of values), built in {built:.0f} s "
        f"({build_seconds:.0f} s with the migrations)",
        f"- clients: {args.clients} threads, "
        + (
            "a kept-alive connection each"
            if args.keep_alive
            else "a new connection per request (as nginx to gunicorn)"
        )
        + ", one third per group, "
        "each sending its next request when the last one is answered; the coordinator logged "
        "in once through the login form, its session cookie shared by the logged-in clients",
        *(f"  - {g}: {pages[g]}" for g in GROUPS),
        "- one client alone, one request at a time after the warm-up, median of "
        f"{WORKERS} rounds: " + ", ".join(f"{g} {ms(floor[g], 50)}" for g in GROUPS),
        f"- overall: {total:,} requests ({args.seconds} s of load, then "
        f"{elapsed - args.seconds:.1f} s to answer those still in flight), "
        f"{sum(in_window.values()):.1f} requests/s answered "
        f"2xx within the {args.seconds} s; latency p50 {ms(all_latencies, 50)}, p95 "
        f"{ms(all_latencies, 95)} (client side, queueing included)",
        *(
            f"  - {g}: {len(outcome.latencies[g]):,} requests, {outcome.error_groups[g]} errors, "
            f"{in_window[g]:.1f} requests/s; latency p50 "
            f"{ms(outcome.latencies[g], 50)}, p95 {ms(outcome.latencies[g], 95)}; server time "
            f"p50 {ms(durations[g], 50)}, p95 {ms(durations[g], 95)}; p50 latency = "
            f"{percentile(outcome.latencies[g], 50) / percentile(floor[g], 50):.0f}x one client "
            "alone"
            if outcome.latencies[g]
            else f"  - {g}: no request answered, {outcome.error_groups[g]} errors"
            for g in GROUPS
        ),
        f"- floor: {FLOOR.path} (a few bytes, no database, same server and middleware), the "
        f"same {args.clients} clients for {args.seconds} s right after (load average "
        f"{floor_load[0]:.1f} at its start): {floor_rate:.1f} requests/s, {floor_errors} errors; "
        f"latency p50 {ms(floor_latencies, 50)}, p95 {ms(floor_latencies, 95)}; server time "
        f"p50 {ms(durations['floor'], 50)}",
        "- ratios to the floor: throughput per client (a group's requests/s over its clients, "
        "to the floor's over its own) "
        + ", ".join(
            f"{g} {ratio(in_window[g] / max(1, by_count[g]), floor_rate / args.clients)}"
            for g in GROUPS
        )
        + f"; overall throughput {ratio(sum(in_window.values()), floor_rate)}; p50 latency "
        + ", ".join(
            f"{g} {ratio(percentile(outcome.latencies[g], 50), percentile(floor_latencies, 50))}"
            for g in GROUPS
            if outcome.latencies[g] and floor_latencies
        )
        + "; p95 latency "
        + ", ".join(
            f"{g} {ratio(percentile(outcome.latencies[g], 95), percentile(floor_latencies, 95))}"
            for g in GROUPS
            if outcome.latencies[g] and floor_latencies
        ),
        f"- errors (non-2xx answers, connection errors, timeouts after {CLIENT_TIMEOUT} s): "
        f"{n_errors}"
        + (
            " (" + "; ".join(f"{what}: {n}" for what, n in outcome.errors.most_common(5)) + ")"
            if n_errors
            else ""
        )
        + f"; 5xx lines in the server log: {server_errors}, exceptions logged: {exceptions}; "
        f"health check after the load: "
        + ("ok" if alive else f"FAILED ({health.status_code} {health.text.strip()})"),
        f"- target zero errors: {'met' if met else 'NOT MET'}",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.dry_run:
        with RESULTS.open("a", encoding="utf-8") as handle:
            handle.write(text)
    return 0 if met else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of the load (60)")
    parser.add_argument("--clients", type=int, default=100, help="concurrent clients (100)")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the results without writing RESULTS.md"
    )
    parser.add_argument(
        "--working-tree",
        action="store_true",
        help="serve the checkout as it is, uncommitted changes included (default: HEAD)",
    )
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="one kept-alive connection per client (default: one per request, as nginx does)",
    )
    parser.add_argument("--build", metavar="VAR_DIR", help=argparse.SUPPRESS)  # child process
    args = parser.parse_args()
    if args.build:
        build(args.build)
        return
    if args.seconds < 1 or args.clients < len(GROUPS):
        parser.error(f"at least 1 second and {len(GROUPS)} clients")
    sys.exit(run(args))


if __name__ == "__main__":
    main()
