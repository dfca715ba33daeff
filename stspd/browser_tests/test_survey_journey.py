"""A resident answers the council's survey on a 375 px phone with the keyboard only, through the
link and the code of the invitation letter; the coordinator weights the answers and sees the
weighted share."""

import pytest
from playwright.sync_api import Browser, Page, expect

from crimestats.french import share
from stspd.surveys.enums import Channel
from stspd.surveys.models import Response
from stspd.surveys.results import survey_results
from stspd.surveys.tests.helpers import opened_survey, profile
from stspd.surveys.workflow import save_margin, store_many

from .conftest import assert_accessible, screenshot
from .test_coordinator_journey import log_in

pytestmark = pytest.mark.browser

EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


def answer_with_the_keyboard(page: Page, code: str) -> list[str]:
    """Tab through the page: type the code in its field, tick the first answer of each radio
    group with the space bar, send with Enter on the button. The fields answered, in order."""
    answered: list[str] = []
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const e = document.activeElement;
                const group = e.name ? document.querySelectorAll(
                    `input[name="${e.name}"]:checked`).length : 0;
                return {tag: e.tagName, type: e.type || "", name: e.name || "",
                        text: (e.textContent || "").trim(), checkedInGroup: group};
            }"""
        )
        if focused["name"] == "invitation_code":
            page.keyboard.type(code)
            answered.append("invitation_code")
        elif focused["type"] == "radio" and not focused["checkedInGroup"]:
            page.keyboard.press("Space")
            answered.append(focused["name"])
        elif focused["tag"] == "BUTTON" and focused["text"] == "Envoyer mes réponses":
            page.keyboard.press("Enter")
            return answered
    raise AssertionError("the send button was never reached with the Tab key")


def test_a_resident_answers_on_a_phone_and_the_coordinator_sees_the_weighted_share(  # type: ignore[no-untyped-def]
    live_server, world, browser: Browser, page: Page
) -> None:
    base = live_server.url
    survey, codes = opened_survey(world)
    # Earlier answers: 40 women (10 feel insecure), 59 men (30 do), all in the centre.
    rows = [
        profile("F", "30-44", "centre", insecurite_quartier="souvent" if i < 10 else "jamais")
        for i in range(40)
    ] + [
        profile("H", "30-44", "centre", insecurite_quartier="souvent" if i < 30 else "jamais")
        for i in range(59)
    ]
    store_many(survey, rows, channel=Channel.PAPER, by=world.coordinator)
    sexe = survey.current_version().questions.get(code="sexe")
    save_margin(survey, sexe, {"F": 5200.0, "H": 4800.0}, by=world.coordinator)

    phone = browser.new_context(
        locale="fr-FR",
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,  # axe-core is injected as an inline script
    )
    resident = phone.new_page()
    resident.goto(f"{base}{survey.public_url()}")
    expect(resident.get_by_role("heading", name="Enquête test", level=1)).to_be_visible()
    assert resident.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(resident, fail_on=EVERY_IMPACT)
    screenshot(resident, "survey-form-375")
    answered = answer_with_the_keyboard(resident, codes[0])
    expect(resident.get_by_role("heading", name="Merci pour vos réponses")).to_be_visible()
    assert_accessible(resident, fail_on=EVERY_IMPACT)
    screenshot(resident, "survey-resident-375")
    assert answered[0] == "invitation_code"
    web = Response.objects.get(survey=survey, channel=Channel.WEB)
    stored = dict(web.answers.values_list("question__code", "value"))
    # The first answer of every single-choice and profile question, ticked with the space bar.
    assert stored["insecurite_quartier"] == "souvent" and stored["sexe"] == "F"
    assert set(stored) == set(answered[1:])

    # The same code a second time: refused.
    resident.goto(f"{base}{survey.public_url()}")
    resident.get_by_label("Code d'invitation").fill(codes[0])
    resident.get_by_role("button", name="Envoyer mes réponses").click()
    expect(resident.get_by_text("une seule réponse est possible par code").first).to_be_visible()
    assert_accessible(resident, fail_on=EVERY_IMPACT)
    phone.close()

    log_in(page, base, "coordination@example.org")
    page.goto(f"{base}{survey.get_absolute_url()}")
    page.get_by_role("link", name="Pondérer les réponses").click()
    page.get_by_role("button", name="Enregistrer").click()
    # The weighting is a background task: its page shows the outcome, then the results.
    expect(page.get_by_text("Les 100 réponses sont pondérées")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Voir les résultats pondérés").click()
    expect(page.get_by_role("heading", name="Résultats : Enquête test")).to_be_visible()
    overall = survey_results(survey).headlines[0].overall
    assert overall is not None
    # 11 of 41 women and 30 of 59 men, raked to 5,200 women and 4,800 men.
    assert overall.value == pytest.approx(0.52 * 11 / 41 + 0.48 * 30 / 59, rel=1e-12)
    expect(page.get_by_text(f"Ensemble : {share(overall.value)}")).to_be_visible()
    assert_accessible(page, fail_on=EVERY_IMPACT)
    screenshot(page, "survey-results")
