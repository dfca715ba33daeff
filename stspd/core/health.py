"""`/sante/`: is this app server fit to serve? For the load balancer and the monitoring."""

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

_migrations_applied = False  # once true for this process, it stays true


def migrations_applied() -> bool:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_applied


@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """200 with {"status": "ok"} when the database answers and every migration is applied;
    503 otherwise, saying which check failed. No login: it tells nothing about the data."""
    checks = {"database": "ok", "migrations": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not migrations_applied():
            checks["migrations"] = "migrations en attente"
    except DatabaseError:
        checks["database"] = "base de données injoignable"
        checks["migrations"] = "inconnu"
    ok = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ok else "erreur", **checks}, status=200 if ok else 503)
