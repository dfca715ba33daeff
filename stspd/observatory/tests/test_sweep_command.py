"""`stspd sweep-observatory`: the operator's sweep, read-only, failing on a broken page."""

import io

import pytest
from django.core.management import CommandError, call_command

from stspd.accounts.models import User


def test_the_sweep_command_reports_clean_pages_and_keeps_no_account(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["stspd.example.org"]  # as in production: no "testserver"
    users = User.objects.count()
    out = io.StringIO()
    call_command(
        "sweep_observatory", "--departement", "76", "--conseils", stdout=out, stderr=io.StringIO()
    )
    assert "Pages en échec : 0" in out.getvalue()
    assert "Territoires parcourus : " in out.getvalue()
    assert User.objects.count() == users  # the visitor account was rolled back


def test_the_sweep_command_fails_on_a_crashing_page(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from stspd.observatory import views

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("boom")

    monkeypatch.setattr(views, "summary", broken)
    out = io.StringIO()
    with pytest.raises(CommandError, match="page\\(s\\) en échec"):
        call_command("sweep_observatory", "--departement", "76", stdout=out, stderr=io.StringIO())
    assert "réponse 500" in out.getvalue()


def test_the_sweep_command_needs_a_departement(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="--departement 76"):
        call_command("sweep_observatory", stdout=io.StringIO())
