"""Path parameters of identifiers: positive and within the database's integers, so that an
absurd id is a 422 (or a 404), never a database error."""

from typing import Annotated

from ninja import Path

MAX_ID = 2_147_483_647

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
