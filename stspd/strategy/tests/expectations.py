"""Expected statuses of the strategy's URLs for the permission matrix (core/tests/test_permissions).

Each room adds its own rows in its own dict; the matrix merges them.
"""

from collections.abc import Callable
from typing import Any

Expectation = tuple[Callable[[Any], dict[str, Any]], dict[str, int], str]

EDIT: dict[str, Expectation] = {}
REVIEW: dict[str, Expectation] = {}
DOCUMENTS: dict[str, Expectation] = {}

ALL = EDIT | REVIEW | DOCUMENTS
