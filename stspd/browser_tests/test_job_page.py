"""A background job's page as its starter follows it: the progress while it runs, the page
reloading by itself (a meta refresh, no script) until the outcome, the rows at fault of a refused
import; axe-core finds no violation."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from stspd.jobs import views
from stspd.jobs.models import Job, JobState
from stspd.jobs.tests.helpers import finished_job

from .conftest import assert_accessible, screenshot
from .test_content_security_policy import strict_page, violations
from .test_coordinator_journey import log_in

__all__ = ["strict_page"]  # the fixture, imported to be used here

pytestmark = pytest.mark.browser


def running_job(world: Any) -> Job:
    return finished_job(
        world,
        started_by=world.coordinator,
        state=JobState.RUNNING,
        done=1200,
        total=4800,
        message="Vérification des 4800 lignes…",
    )


def test_the_job_page_follows_the_work_until_its_outcome(  # type: ignore[no-untyped-def]
    live_server, world, page: Page, monkeypatch
) -> None:
    base = live_server.url
    job = running_job(world)
    log_in(page, base, world.coordinator.email)
    # Slow polling while axe-core reads the page (the live server runs in this process).
    monkeypatch.setattr(views, "REFRESH_SECONDS", 60)
    page.goto(f"{base}{job.get_absolute_url()}")
    expect(page.get_by_text("Avancement : 1200 sur 4800 (25 %)")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "job-01-en-cours")


def test_the_page_shows_the_outcome_by_itself_under_the_policy(  # type: ignore[no-untyped-def]
    live_server, world, strict_page: Page, client, monkeypatch
) -> None:
    """The static script polls the page (no reload, no inline script, no CSP violation) and
    stops once the work is done; the link reloads by hand."""
    page = strict_page
    client.force_login(world.coordinator)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    job = running_job(world)
    monkeypatch.setattr(views, "REFRESH_SECONDS", 1)
    page.goto(f"{live_server.url}{job.get_absolute_url()}")
    page.get_by_role("link", name="recharger").click()
    expect(page.get_by_text("Avancement : 1200 sur 4800 (25 %)")).to_be_visible()
    page.evaluate("window.__notReloaded = true")
    Job.objects.filter(pk=job.pk).update(done=3600, message="Écriture des faits…")
    expect(page.get_by_text("Avancement : 3600 sur 4800 (75 %)")).to_be_visible(timeout=10_000)
    Job.objects.filter(pk=job.pk).update(
        state=JobState.DONE, done=4800, message="Import terminé : 4800 lignes."
    )
    expect(page.get_by_text("Import terminé : 4800 lignes.")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("link", name="Voir le rapport d'import")).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True
    assert page.title().startswith("Import de « mars.csv » — Terminé")
    assert violations(page) == []


def test_a_refused_import_names_its_rows_on_the_job_page(  # type: ignore[no-untyped-def]
    live_server, world, page: Page
) -> None:
    base = live_server.url
    job = finished_job(
        world,
        started_by=world.coordinator,
        state=JobState.FAILED,
        message="Import refusé : 2 erreur(s) à corriger dans le fichier. Rien n'a été importé.",
        errors=[
            {"line": 2, "column": "Date", "value": "31/02/2026", "expected": "une date"},
            {"line": 5, "column": "Nombre", "value": "", "expected": "un nombre entier"},
        ],
        result_url="",
        back_url="/",
    )
    log_in(page, base, world.coordinator.email)
    page.goto(f"{base}{job.get_absolute_url()}")
    expect(page.get_by_role("heading", name="2 erreurs à corriger")).to_be_visible()
    expect(page.get_by_role("row", name="2 Date « 31/02/2026 » une date")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "job-02-refuse")
