"""Expected statuses of the surveys' URLs for the permission matrix
(core/tests/test_permissions.py): any role of the council reads (results included), the
coordinator writes; the residents' questionnaire is open to everyone by its link."""

from collections.abc import Callable
from typing import Any

Expectation = tuple[Callable[[Any], dict[str, Any]], dict[str, int], str]

# Access kinds of the matrix (copied: the matrix imports this module).
COUNCIL_READ = {
    "anonymous": 302,
    "outsider": 404,
    "reader": 200,
    "partner": 200,
    "wg_unsigned": 200,
    "wg_signed": 200,
    "coordinator": 200,
    "site_admin": 200,
}
COUNCIL_EDIT = COUNCIL_READ | {"reader": 403, "partner": 403, "wg_unsigned": 403, "wg_signed": 403}
EVERYONE = dict.fromkeys(COUNCIL_READ, 200)


def _draft(world: Any) -> Any:
    from .helpers import draft_survey

    return draft_survey(world)


def _opened(world: Any) -> Any:
    from .helpers import opened_survey

    return opened_survey(world)[0]


def draft(world: Any) -> dict[str, int]:
    return {"survey_id": _draft(world).pk}


def opened(world: Any) -> dict[str, int]:
    return {"survey_id": _opened(world).pk}


def question(world: Any) -> dict[str, int]:
    return {"question_id": _draft(world).current_version().questions.get(code="patrouilles").pk}


def profile(world: Any) -> dict[str, int]:
    return {"question_id": _draft(world).current_version().questions.get(code="sexe").pk}


def published(world: Any) -> dict[str, int]:
    from .helpers import published_survey

    return {"survey_id": published_survey(world).pk}


def two_waves(world: Any) -> dict[str, int]:
    from .helpers import published_survey

    return {"survey_id": published_survey(world).pk, "other_id": published_survey(world).pk}


def token(world: Any) -> dict[str, str]:
    return {"token": _opened(world).token}


ALL: dict[str, Expectation] = {
    "surveys:list": (lambda w: {"council_id": w.council.pk}, COUNCIL_READ, ""),
    "surveys:diagnostic": (published, COUNCIL_EDIT, ""),
    "surveys:create": (lambda w: {"council_id": w.council.pk}, COUNCIL_EDIT, ""),
    "surveys:detail": (draft, COUNCIL_READ, ""),
    "surveys:edit": (opened, COUNCIL_EDIT, ""),
    "surveys:question_add": (draft, COUNCIL_EDIT, ""),
    "surveys:question_edit": (question, COUNCIL_EDIT, ""),
    "surveys:question_delete": (question, COUNCIL_EDIT, ""),
    "surveys:margin": (profile, COUNCIL_EDIT, ""),
    "surveys:open": (draft, COUNCIL_EDIT, ""),
    "surveys:close": (opened, COUNCIL_EDIT, ""),
    "surveys:codes": (draft, COUNCIL_EDIT, ""),
    "surveys:paper": (opened, COUNCIL_EDIT, ""),
    "surveys:import": (opened, COUNCIL_EDIT, ""),
    "surveys:weighting": (opened, COUNCIL_EDIT, ""),
    "surveys:results": (published, COUNCIL_READ, ""),
    "surveys:report_pdf": (published, COUNCIL_READ, ""),
    "surveys:results_csv": (published, COUNCIL_READ, ""),
    "surveys:compare": (two_waves, COUNCIL_READ, ""),
    "surveys:publish": (opened, COUNCIL_EDIT, ""),
    "surveys:unpublish": (published, COUNCIL_EDIT, ""),
    # The published results and the residents' questionnaire: no account, the link is the key.
    "surveys:public_summary": (published, EVERYONE, ""),
    "surveys:answer": (token, EVERYONE, ""),
    "surveys:thanks": (token, EVERYONE, ""),
}
