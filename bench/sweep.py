"""Benchmark: the sweep of observatory pages over the national-size communal file.

Every EPCI of the reference and a fixed-seed sample of 2,000 communes (by default), each with
every page the sweep follows (territory page, indicator pages, CSV downloads), on the synthetic
national file of bench/ssmsi_national.py with the reference's commune codes (the one
bench/ssmsi_import.py caches in bench/out/). Reports pages per second, in-process (test client:
no network, no browser), and fails on any page that is not a 200 in French. The floor, measured
in the same run by the same client, is the health check (`/sante/`: one query, no template),
so that the ratio says what an observatory page costs on top of Django answering at all.

Usage: `python3 -m uv run python bench/sweep.py [--epci N] [--communes N]` (N EPCI: the first
N by SIREN); results appended to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import tempfile
import time

from cog_import import RESULTS, setup_django
from ssmsi_import import national_file


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epci", type=int, default=0, help="only the first N EPCI (0: all)")
    parser.add_argument("--communes", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        vendor = setup_django(var_dir, database="bench_sweep_stspd")
        from django.test import Client

        from stspd.accounts.models import User
        from stspd.demo.observatory import DEPARTEMENTS_FILE
        from stspd.observatory.importer import import_ssmsi
        from stspd.observatory.sweep import sweep, territory_urls
        from stspd.territories.importer import import_cog
        from stspd.territories.models import Commune, CommuneKind, Epci

        import_cog()
        codes = list(
            Commune.objects.filter(kind=CommuneKind.COMMUNE)
            .order_by("code")
            .values_list("code", flat=True)
        )
        import_ssmsi(national_file(codes))
        import_ssmsi(DEPARTEMENTS_FILE)
        epcis = list(Epci.objects.order_by("siren").values_list("siren", flat=True))
        epcis = epcis[: args.epci] if args.epci else epcis
        sample = sorted(random.Random(2026).sample(codes, min(args.communes, len(codes))))
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.create_user(email="bench@example.org"))

        def health() -> float:
            start = time.perf_counter()
            assert client.get("/sante/").status_code == 200
            return time.perf_counter() - start

        floor = statistics.median(health() for _ in range(50))
        load_before = os.getloadavg()
        reports = {
            "EPCI": sweep(client, territory_urls(epcis=epcis)),
            "communes": sweep(client, territory_urls(communes=sample)),
        }
        load_after = os.getloadavg()
    lines = [
        f"\n## Sweep of observatory pages, national file — {datetime.date.today()} — {vendor}\n",
        f"- command: `{' '.join(['python', *sys.argv])}`"
        + (" with DATABASE_URL=postgres://..." if vendor == "postgresql" else ""),
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after",
        f"- data: synthetic national communal file ({len(codes):,} communes x 10 years) and the "
        "June 2025 département file",
        f"- floor (health check, same client, median of 50): {floor * 1000:.1f} ms, "
        f"{1 / floor:.0f} answers per second",
    ]
    for name, report in reports.items():
        lines.append(
            f"- {name}: {report.territories} territories, {report.pages} pages in "
            f"{report.seconds:.0f} s: {report.pages_per_second:.1f} pages per second "
            f"({report.pages_per_second * floor:.3f} of the floor's rate), "
            f"{len(report.failures)} failures"
        )
        lines += [f"  - {failure}" for failure in report.failures[:20]]
    text = "\n".join(lines) + "\n"
    print(text)
    with RESULTS.open("a") as out:
        out.write(text)
    if any(report.failures for report in reports.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
