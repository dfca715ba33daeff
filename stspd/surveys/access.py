"""The only way views reach a survey: any role of its council reads (results included), the
coordinator writes; another territory's survey is a 404 (stspd.councils.access)."""

from django.shortcuts import get_object_or_404

from stspd.accounts.models import User
from stspd.councils.access import Access, access_council

from .models import Question, Survey


def access_survey(user: User, survey_id: int, *, edit: bool = False) -> Access[Survey]:
    survey = get_object_or_404(Survey.objects.select_related("council"), pk=survey_id)
    return Access(survey, access_council(user, survey.council_id, edit=edit).role)


def access_question(user: User, question_id: int, *, edit: bool = False) -> Access[Question]:
    question = get_object_or_404(
        Question.objects.select_related("version__survey__council"), pk=question_id
    )
    return Access(
        question, access_council(user, question.version.survey.council_id, edit=edit).role
    )
