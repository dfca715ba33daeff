"""No column of the surveys can name, reach or locate a resident.

Every column is listed with what it holds (the partners' files and the observatory keep the same
list, `check_no_personal_data`): a new column fails until someone writes down that it names
nobody. A response's answers are a resident's, but anonymous: sex and age band are among the
profile questions, stored as answers (a JSON value per question), never as columns, and nothing
that names, reaches or locates a person sits beside them.
"""

from stspd.observatory.tests.test_no_personal_data import check_no_personal_data

COLUMNS: dict[str, dict[str, str]] = {
    "surveys.survey": {
        "id": "key",
        "council": "the council running the survey",
        "title": "the survey's title",
        "territory": "the territory surveyed, as shown to residents",
        "status": "draft, open or closed",
        "access_mode": "invitation codes or open",
        "per_address_limit": "answers accepted per network address (a number)",
        "token": "the random key of the public link",
        "opened_at": "when collection opened",
        "closed_at": "when collection closed",
        "published_at": "when the results were published",
        "published_summary": "the published headline shares (aggregates, small cells removed)",
        "created_at": "when the survey was created",
        "diagnostic_section": "the diagnostic section that embeds its published results",
    },
    "surveys.questionnaireversion": {
        "id": "key",
        "survey": "the survey",
        "number": "the version's number",
        "frozen_at": "when collection opened and froze it",
    },
    "surveys.question": {
        "id": "key",
        "version": "the questionnaire version",
        "position": "order",
        "code": "the question's short name",
        "kind": "single, multiple, number, text, profile",
        "text": "the wording",
        "help_text": "a precision for the resident",
        "section": "the heading it is under",
        "choices": "the answers proposed (codes and labels)",
        "required": "whether an answer is required",
        "core": "part of the standard core",
        "reference": "the national figure it is compared with",
    },
    "surveys.invitationcode": {
        "id": "key",
        "survey": "the survey",
        "code_hash": "SHA-256 of the survey's token and the code: the letter's code, not its "
        "addressee (the list of addressees stays with the council's mail merge, never here)",
        "used_on": "the day it was used (not linked to the answer)",
    },
    "surveys.addresscount": {
        "id": "key",
        "survey": "the survey",
        "address_hash": "SHA-256 of the survey's token and a network address, to count answers "
        "per address; not linked to any answer",
        "count": "answers sent from it",
    },
    "surveys.response": {
        "id": "key",
        "survey": "the survey",
        "version": "the questionnaire answered",
        "channel": "web, paper or a pollster's file",
        "received_on": "the day (no time: it would help tie an answer to a visit)",
        "source_line": "the pollster's file name and line, to trace an import",
    },
    "surveys.answer": {
        "id": "key",
        "response": "the questionnaire",
        "question": "the question",
        "value": "a choice's code, a list of codes, a number, or a short text scanned for "
        "e-mails, phone numbers and names (refused or redacted)",
    },
    "surveys.margin": {
        "id": "key",
        "survey": "the survey",
        "question": "the profile question",
        "source": "the council's figures or INSEE",
        "source_note": "provenance of the figures",
        "totals": "population per category (aggregates)",
    },
    "surveys.weightingrun": {
        "id": "key",
        "survey": "the survey",
        "method": "raking, linear or logit",
        "lower_bound": "logit bound",
        "upper_bound": "logit bound",
        "margins": "the margins used (aggregates)",
        "responses": "number of answers weighted",
        "iterations": "Newton steps",
        "created_at": "when",
        "created_by": "the council's staff member who ran it: audit metadata about the "
        "platform's users, never a resident",
    },
    "surveys.responseweight": {
        "id": "key",
        "run": "the run",
        "response": "the questionnaire",
        "design_weight": "N/n",
        "weight": "calibrated weight",
    },
}
LOOKS_PERSONAL_BUT_IS_NOT: dict[str, dict[str, str]] = {
    "surveys.survey": {"per_address_limit": "a number of answers, no address"},
    "surveys.addresscount": {
        "address_hash": "a hash of a network address with the survey's token, counted apart "
        "from the answers",
    },
    "surveys.weightingrun": {"created_by": "the staff member, not a resident"},
}


def test_the_surveys_keep_no_column_that_names_a_resident() -> None:
    check_no_personal_data("surveys", COLUMNS, LOOKS_PERSONAL_BUT_IS_NOT)
