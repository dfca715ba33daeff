"""Pages of the review rounds: open one, read the version and remark on it, decide on the
remarks, close the round, compare two versions."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render

from stspd.accounts.current import current_user
from stspd.accounts.models import User
from stspd.core.ids import parse_id
from stspd.councils.access import Access

from . import review
from .access import access_strategy, check_strategy
from .diff import Element, compare, flatten
from .models import Remark, ReviewRound
from .readiness import quantification_gaps, readiness_gaps, review_gaps
from .review_forms import DecideForm, OpenRoundForm, RemarkForm
from .snapshot import snapshot
from .workflow import WorkflowError, get_move


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data; an empty submission (a step with no comment) is still a submission."""
    return request.POST if request.method == "POST" else None


def access_round(user: User, round_id: int, *, edit: bool = False) -> Access[ReviewRound]:
    review_round = get_object_or_404(
        ReviewRound.objects.select_related(
            "version", "opened_by", "strategy__council__commune", "strategy__council__epci"
        ),
        pk=round_id,
    )
    return Access(review_round, check_strategy(user, review_round.strategy, edit=edit).role)


def access_remark(user: User, remark_id: int, *, edit: bool = False) -> Access[Remark]:
    remark = get_object_or_404(
        Remark.objects.select_related(
            "author", "organisation", "review_round__version", "review_round__strategy__council"
        ),
        pk=remark_id,
    )
    return Access(remark, check_strategy(user, remark.review_round.strategy, edit=edit).role)


@login_required
def reviews(request: HttpRequest, strategy_id: int) -> HttpResponse:
    granted = access_strategy(current_user(request), strategy_id)
    strategy = granted.obj
    rounds = strategy.review_rounds.select_related("version", "opened_by").prefetch_related(
        "reviewers", "remarks"
    )
    return render(
        request,
        "strategy/review/reviews.html",
        {
            "strategy": strategy,
            "council": strategy.council,
            "rounds": rounds,
            "versions": strategy.versions.select_related("frozen_by").order_by("-number"),
            "is_coordinator": granted.can_edit,
        },
    )


@login_required
def review_open(request: HttpRequest, strategy_id: int) -> HttpResponse:
    """A round is opened only from a ready draft: otherwise the page lists what is missing."""
    user = current_user(request)
    strategy = access_strategy(user, strategy_id, edit=True).obj
    refusal = ""
    try:
        get_move(strategy, "review")
    except WorkflowError as error:
        refusal = str(error)
    if not refusal and (current := review.open_round_of(strategy)) is not None:
        refusal = (
            f"L'aller-retour sur la version {current.version.number} est en cours : "
            "clôturez-le avant d'en ouvrir un autre."
        )
    all_gaps = [] if refusal else readiness_gaps(strategy)
    gaps = review_gaps(all_gaps)
    form = OpenRoundForm(posted(request), strategy=strategy)
    if request.method == "POST" and not refusal and not gaps and form.is_valid():
        try:
            review_round = review.open_round(
                strategy,
                reviewers=list(form.cleaned_data["reviewers"]),
                deadline=form.cleaned_data["deadline"],
                message=form.cleaned_data["message"],
                by=user,
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"La version {review_round.version.number} est figée et envoyée aux relecteurs.",
            )
            if missing := review.unreachable(review_round):
                messages.warning(
                    request,
                    "Sans adresse électronique, ces relecteurs n'ont pas reçu d'invitation : "
                    + ", ".join(str(u) for u in missing)
                    + ". Transmettez-leur le lien de cette page.",
                )
            return redirect(review_round)
    return render(
        request,
        "strategy/review/open.html",
        {
            "strategy": strategy,
            "council": strategy.council,
            "form": form,
            "refusal": refusal,
            "gaps": gaps,
            "missing": quantification_gaps(all_gaps),
        },
    )


def element_rows(
    review_round: ReviewRound, user: User, *, with_forms: bool
) -> list[dict[str, Any]]:
    remarks: dict[str, list[Remark]] = {}
    for remark in review_round.remarks.select_related("author", "organisation", "decided_by"):
        remark.field_label = review.field_label(remark)  # type: ignore[attr-defined]  # a label for the template, set on the instance
        remarks.setdefault(remark.element_key, []).append(remark)
    rows = []
    for element in review.round_elements(review_round):
        rows.append(
            {
                "element": element,
                "fields": [(label, text) for _, label, text in element.fields if text],
                "remarks": remarks.get(element.key, []),
                "form": RemarkForm(element=element) if with_forms else None,
                "remark_kind": review.remark_kind(element),
            }
        )
    return rows


@login_required
def review_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    """Version N as it was sent, each element with its remarks and, for the reviewers while the
    round is open, a form to comment or amend."""
    user = current_user(request)
    granted = access_round(user, round_id)
    review_round = granted.obj
    strategy = review_round.strategy
    may_remark = review.can_remark(user, review_round)
    refusal = review.remark_refusal(review_round)
    return render(
        request,
        "strategy/review/round.html",
        {
            "strategy": strategy,
            "council": strategy.council,
            "review_round": review_round,
            "reviewers": review_round.reviewers.all(),
            "rows": element_rows(review_round, user, with_forms=may_remark and not refusal),
            "may_remark": may_remark,
            "refusal": refusal,
            "is_coordinator": granted.can_edit,
        },
    )


def round_element(review_round: ReviewRound, key: str) -> Element:
    for element in review.round_elements(review_round):
        if element.key == key:
            return element
    raise Http404


@login_required
def remark_add(request: HttpRequest, round_id: int) -> HttpResponse:
    """One element's remark form (the round page embeds the same form for every element)."""
    user = current_user(request)
    review_round = access_round(user, round_id).obj
    if not review.can_remark(user, review_round):
        raise PermissionDenied("Seuls les relecteurs de cet aller-retour y font des remarques.")
    element = round_element(review_round, request.GET.get("element", ""))
    refusal = review.remark_refusal(review_round)
    form = RemarkForm(posted(request), element=element)
    if request.method == "POST" and refusal:
        messages.error(request, refusal)
    elif request.method == "POST" and form.is_valid():
        try:
            review.add_remark(
                review_round,
                element_kind=review.remark_kind(element),
                element_key=element.key,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                field=form.cleaned_data["field"],
                proposed_value=form.cleaned_data["proposed_value"],
                by=user,
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Votre remarque sur {element.label} est enregistrée.")
            return redirect(f"{review_round.get_absolute_url()}#element-{element.key}")
    return render(
        request,
        "strategy/review/remark_form.html",
        {
            "strategy": review_round.strategy,
            "council": review_round.strategy.council,
            "review_round": review_round,
            "element": element,
            "fields": [(label, text) for _, label, text in element.fields if text],
            "form": form,
            "refusal": refusal,
        },
    )


@login_required
def remark_decide(request: HttpRequest, remark_id: int) -> HttpResponse:
    user = current_user(request)
    remark = access_remark(user, remark_id, edit=True).obj
    review_round = remark.review_round
    strategy = review_round.strategy
    form = DecideForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            review.decide_remark(
                remark,
                accept=form.cleaned_data["accept"],
                response=form.cleaned_data["response"],
                by=user,
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            if not form.cleaned_data["accept"]:
                done = "Remarque rejetée ; le motif est enregistré."
            elif remark.field:
                done = "Amendement accepté et appliqué à la version de travail."
            else:
                done = "Remarque acceptée."
            messages.success(request, done)
            return redirect(f"{review_round.get_absolute_url()}#element-{remark.element_key}")
    current = ""
    if remark.field:
        target = review.amended_object(strategy, remark)
        value = getattr(target, remark.field, None) if target is not None else None
        current = "" if value is None else str(value)
    return render(
        request,
        "strategy/review/decide.html",
        {
            "strategy": strategy,
            "council": strategy.council,
            "review_round": review_round,
            "remark": remark,
            "field_label": review.field_label(remark),
            "current": current,
            "form": form if remark.status == "open" else None,
        },
    )


@login_required
def review_close(request: HttpRequest, round_id: int) -> HttpResponse:
    user = current_user(request)
    review_round = access_round(user, round_id, edit=True).obj
    if request.method == "POST":
        try:
            review.close_round(review_round, by=user)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, "L'aller-retour est clôturé : il ne reçoit plus de remarques."
            )
        return redirect(review_round)
    return render(
        request,
        "strategy/review/close.html",
        {
            "strategy": review_round.strategy,
            "council": review_round.strategy.council,
            "review_round": review_round,
            "open_remarks": review_round.remarks.filter(status="open").count(),
        },
    )


WORKING = "travail"


@login_required
def compare_versions(request: HttpRequest, strategy_id: int) -> HttpResponse:
    """Version `de` against version `a` (or the working copy), element by element. By default
    the last frozen version against the working copy."""
    strategy = access_strategy(current_user(request), strategy_id).obj
    versions = {v.number: v for v in strategy.versions.order_by("number")}
    choices = [(str(n), f"Version {n}") for n in versions] + [
        (WORKING, f"Version de travail ({strategy.version_number})")
    ]
    numbers = list(versions)
    old_choice = request.GET.get("de") or (str(numbers[-1]) if numbers else "")
    new_choice = request.GET.get("a") or WORKING

    def content(choice: str) -> dict[str, Any] | None:
        if choice == WORKING:
            return snapshot(strategy.pk)
        if (number := parse_id(choice)) is not None and number in versions:
            return versions[number].snapshot  # type: ignore[no-any-return]  # a JSONField: the snapshot() dictionary stored when the version was frozen
        return None

    old, new = content(old_choice), content(new_choice)
    error = ""
    if not versions:
        error = "Aucune version n'a encore été figée : il n'y a rien à comparer."
    elif old is None or new is None:
        error = "Choisissez deux versions de la stratégie."
    changes = compare(old, new) if old is not None and new is not None else []
    remarks = review.remarks_for(strategy) if changes else {}
    return render(
        request,
        "strategy/review/compare.html",
        {
            "strategy": strategy,
            "council": strategy.council,
            "choices": choices,
            "old_choice": old_choice,
            "new_choice": new_choice,
            "old_label": dict(choices).get(old_choice, ""),
            "new_label": dict(choices).get(new_choice, ""),
            "changes": [{"change": c, "remarks": remarks.get(c.element.key, [])} for c in changes],
            "compared": old is not None and new is not None,
            "error": error,
            "element_count": len(flatten(new)) if new is not None else 0,
        },
    )
