"""Page-numbered lists: `?page=2&taille=50` -> `{"items": [...], "count": total}`.

Bounded on both sides, so that no page number reaches the database as an impossible offset.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_PAGE = 100_000
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class Pages(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Numéro de page, à partir de 1.")
        taille: int = Field(
            PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Éléments par page (200 au plus)."
        )

    def paginate_queryset(
        self,
        queryset: QuerySet[Any] | list[Any],
        pagination: Input,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        offset = (pagination.page - 1) * pagination.taille
        count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        return {"items": queryset[offset : offset + pagination.taille], "count": count}
