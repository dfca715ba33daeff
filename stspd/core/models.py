"""The version of the data that cached pages and summaries are keyed by (stspd/core/cache.py)."""

from __future__ import annotations

from django.db import models


class DataVersion(models.Model):
    """One row: a token replaced, in the writer's own transaction, by every change that records
    an event (stspd.audit.events.record) and by the imports of reference data. A reader that
    sees a token sees the data committed with it or later: what it caches under the token is
    never older than the token."""

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "version des données"

    def __str__(self) -> str:
        return self.token
