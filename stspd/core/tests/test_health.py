from unittest import mock

from django.db import DatabaseError

from stspd.core import health


def test_health_says_ok_without_login(db, client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_reports_pending_migrations(db, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(health, "_migrations_applied", False)
    with mock.patch.object(
        health.MigrationExecutor, "migration_plan", return_value=[("migration", False)]
    ):
        response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["migrations"] == "migrations en attente"


def test_health_reports_an_unreachable_database(db, client) -> None:  # type: ignore[no-untyped-def]
    with mock.patch.object(health.connection, "cursor", side_effect=DatabaseError("down")):
        response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "erreur",
        "database": "base de données injoignable",
        "migrations": "inconnu",
    }
