"""Benchmark: the public signed PDF under concurrent anonymous clients, against the same server
sending a static file of the same bytes.

Issue 14: documents were rendered at every request (the public signed PDF 15-19 s under load);
they are now rendered once and served from storage with their SHA-256 (strategy/documents/
store.py). This measures what an anonymous visitor waits for now.

Set-up as bench/load.py (whose helpers it uses): the code under test is a snapshot of HEAD
(`--working-tree`: the checkout as it is); the demo (`stspd demo`) is built in a dedicated
PostgreSQL database, `bench_stspd_documents`, dropped at the end; gunicorn serves it with
production settings and the command line of docs/production.md (2 x cores + 1 workers, 4
threads), each request with the headers nginx adds. The WSGI application is bench/static_wsgi.py:
the project's, plus /bench-static/<name> answering a file's bytes without Django. After the
first request (which renders and stores the PDF) the PDF's bytes are copied there: the floor is
the same server sending the same bytes as a static file.

Two phases of `--seconds` each, the same `--clients` anonymous clients (threads, a connection
per request as nginx opens to gunicorn): the static file, then the public signed PDF
(/public/<council>/strategies/<id>/strategie.pdf). Any answer that is not 200 with the expected
bytes counts as an error. Reported: p50, p95, throughput (answers per second within the
window), and the ratios PDF / static file.

Usage: `python3 -m uv run python bench/documents.py [--seconds 20] [--clients 100]
[--working-tree] [--dry-run]`; the PostgreSQL server as in bench/load.py. Results are appended to
bench/RESULTS.md (not with --dry-run).
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import platform
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import load  # bench/ is on sys.path when run as a script
from cog_import import RESULTS, setup_django

DATABASE = "bench_stspd_documents"
BUILT = "DOCUMENTS-BENCH-DATA "
PROXY_HEADERS = load.PROXY_HEADERS


def build(var_dir: str) -> None:
    """Child process: the demo in a fresh database; the public page of the demo council."""
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    setup_django(var_dir, database=DATABASE)
    from django.core.management import call_command
    from django.urls import reverse

    from stspd.councils.models import Council
    from stspd.demo.councils import EPCI_SIREN

    start = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("demo", stdout=quiet)
    council = Council.objects.get(epci__siren=EPCI_SIREN)
    data = {
        "council_page": reverse("public:council", args=[council.pk]),
        "demo_seconds": time.perf_counter() - start,
        "database_url": os.environ["DATABASE_URL"],
    }
    print(BUILT + json.dumps(data))


def run_build(src: Path, var_dir: str, server_url: str) -> dict[str, Any]:
    env = os.environ | {"DATABASE_URL": server_url, "PYTHONPATH": str(src)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
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


def start_server(
    src: Path, url: str, port: int, var_dir: str, static_dir: Path, log: Path
) -> subprocess.Popen[bytes]:
    bench = Path(__file__).resolve().parent
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_REPLICA_URL"}
    } | {
        "PYTHONPATH": f"{src}{os.pathsep}{bench}",
        "DATABASE_URL": url,
        "DEBUG": "0",
        "STSPD_PRODUCTION": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "CONN_MAX_AGE": str(load.CONN_MAX_AGE),
        "STSPD_VAR_DIR": var_dir,
        "BENCH_STATIC_DIR": str(static_dir),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "static_wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(load.WORKERS),
        "--threads",
        str(load.THREADS),
        "--timeout",
        "120",
    ]
    with log.open("wb") as handle:
        return subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT, cwd=src)


def hammer(url: str, expected: bytes, clients: int, seconds: int) -> dict[str, Any]:
    """`clients` threads GET `url` back to back for `seconds`; latencies of correct answers,
    errors, answers within the window."""
    import requests

    latencies: list[float] = []
    errors: collections.Counter[str] = collections.Counter()
    in_window = [0]
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)
    deadline = [float("inf")]

    def client() -> None:
        ready.wait()
        while time.monotonic() < deadline[0]:
            start = time.perf_counter()
            try:
                response = requests.get(url, headers=PROXY_HEADERS, timeout=load.CLIENT_TIMEOUT)
                ok = response.status_code == 200 and response.content == expected
                what = "" if ok else f"HTTP {response.status_code}"
            except requests.RequestException as error:
                what = type(error).__name__
            seconds_taken = time.perf_counter() - start
            with lock:
                if what:
                    errors[what] += 1
                else:
                    latencies.append(seconds_taken)
                    if time.monotonic() <= deadline[0]:
                        in_window[0] += 1

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + seconds
    ready.wait()
    for thread in threads:
        thread.join()
    return {
        "n": len(latencies),
        "errors": dict(errors),
        "p50": load.percentile(latencies, 50) if latencies else float("nan"),
        "p95": load.percentile(latencies, 95) if latencies else float("nan"),
        "rate": in_window[0] / seconds,
    }


def run(args: argparse.Namespace) -> int:
    import psycopg
    import requests

    server_url = load.postgres_url()
    admin_url = server_url.rsplit("/", 1)[0] + "/postgres"
    with tempfile.TemporaryDirectory() as var_dir:
        log = Path(var_dir) / "gunicorn.log"
        static_dir = Path(var_dir) / "bench-static"
        static_dir.mkdir()
        src, code = load.code_dir(args.working_tree, Path(var_dir) / "src")
        try:
            data = run_build(src, var_dir, server_url)
            port = load.free_port()
            base = f"http://127.0.0.1:{port}"
            server = start_server(src, data["database_url"], port, var_dir, static_dir, log)
            try:
                load.wait_until_up(base, server, log)
                page = requests.get(base + data["council_page"], headers=PROXY_HEADERS, timeout=60)
                page.raise_for_status()
                found = re.search(r'href="(/public/\d+/strategies/\d+/strategie\.pdf)"', page.text)
                assert found, "no signed PDF link on the council's public page"
                pdf_path = found.group(1)
                start = time.perf_counter()
                first = requests.get(base + pdf_path, headers=PROXY_HEADERS, timeout=300)
                first_seconds = time.perf_counter() - start
                assert first.status_code == 200 and first.content.startswith(b"%PDF"), first
                pdf = first.content
                (static_dir / "strategie.pdf").write_bytes(pdf)
                static_url = base + "/bench-static/strategie.pdf"
                # Warm-up of every worker on both paths, not counted.
                hammer(static_url, pdf, load.WORKERS * load.THREADS, 2)
                hammer(base + pdf_path, pdf, load.WORKERS * load.THREADS, 2)
                load_before = os.getloadavg()
                static = hammer(static_url, pdf, args.clients, args.seconds)
                served = hammer(base + pdf_path, pdf, args.clients, args.seconds)
                load_after = os.getloadavg()
            finally:
                server.terminate()
                try:
                    server.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")

    def line(name: str, r: dict[str, Any]) -> str:
        errors = f"{sum(r['errors'].values())} errors" + (f" {r['errors']}" if r["errors"] else "")
        return (
            f"- {name}: {r['n']} answers, {errors}, "
            f"p50 {r['p50'] * 1000:.0f} ms, p95 {r['p95'] * 1000:.0f} ms, "
            f"{r['rate']:.1f} answers per second"
        )

    today = datetime.date.today().isoformat()
    lines = [
        f"## Public signed PDF against a static file — {today} — postgresql",
        "",
        f"- command: `python bench/documents.py --seconds {args.seconds} --clients "
        f"{args.clients}`; code: {code}",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average (1 min) {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after (shared machine)",
        f"- server: gunicorn, {load.WORKERS} workers x {load.THREADS} threads, production "
        f"settings; {args.clients} anonymous clients, a connection per request, "
        f"{args.seconds} s per phase",
        f"- the PDF: {len(pdf):,} bytes; its first request (rendered and stored): "
        f"{first_seconds:.1f} s",
        line("static file (same server, same bytes, no Django)", static),
        line("public signed PDF (stored, through Django)", served),
        f"- ratio PDF / static file: p95 {served['p95'] / static['p95']:.2f}x, "
        f"throughput {served['rate'] / static['rate']:.2f}x",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.dry_run:
        with RESULTS.open("a") as results:
            results.write("\n" + text + "\n")
    errors = sum(static["errors"].values()) + sum(served["errors"].values())
    return 1 if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20, help="length of each phase (20)")
    parser.add_argument("--clients", type=int, default=100, help="concurrent clients (100)")
    parser.add_argument("--dry-run", action="store_true", help="do not write RESULTS.md")
    parser.add_argument(
        "--working-tree", action="store_true", help="serve the checkout as it is (default: HEAD)"
    )
    parser.add_argument("--build", metavar="VAR_DIR", help=argparse.SUPPRESS)  # child process
    args = parser.parse_args()
    if args.build:
        build(args.build)
        return
    sys.exit(run(args))


if __name__ == "__main__":
    main()
