"""The council's pages of its surveys (any role reads, the coordinator writes) and the residents'
public questionnaire (no account, reached by the survey's unguessable link)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from stspd.accounts.current import current_user
from stspd.accounts.throttle import client_ip
from stspd.audit.events import form_changes, record
from stspd.core.exports import csv_document
from stspd.councils.access import access_council
from stspd.partnerdata.uploads import InMemoryOnly
from stspd.partnerdata.workflow import MAX_UPLOAD_BYTES

from . import workflow
from .access import access_question, access_survey
from .enums import AccessMode, Channel, MarginSource, QuestionKind, SurveyStatus
from .forms import (
    AnswerForm,
    CodesForm,
    DiagnosticEmbedForm,
    ImportForm,
    InseeMarginForm,
    MarginForm,
    QuestionForm,
    SurveyEditForm,
    SurveyForm,
    WeightingForm,
)
from .imports import ImportRefused, import_file
from .models import Question, Survey
from .questionnaire import DEFAULT_NEIGHBOURHOODS
from .results import (
    MAX_INTERVAL_WIDTH,
    MIN_EFFECTIVE_SIZE,
    RESULT_COLUMNS,
    compare_surveys,
    public_summary,
    result_rows,
    survey_results,
)
from .tasks import pending_weighting, start_weighting


def form_page(
    request: HttpRequest, survey: Survey, form: Any, title: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": title,
            "council": survey.council,
            "cancel_url": survey.get_absolute_url(),
            **extra,
        },
    )


@login_required
def survey_list(request: HttpRequest, council_id: int) -> HttpResponse:
    granted = access_council(current_user(request), council_id)
    council = granted.obj
    return render(
        request,
        "surveys/list.html",
        {"council": council, "surveys": list(council.surveys.all()), "can_edit": granted.can_edit},
    )


@login_required
def survey_create(request: HttpRequest, council_id: int) -> HttpResponse:
    user = current_user(request)
    council = access_council(user, council_id, edit=True).obj
    form = SurveyForm(
        request.POST or None,
        initial={
            "territory": str(council.epci or council.commune or ""),
            "neighbourhoods": "\n".join(label for _, label in DEFAULT_NEIGHBOURHOODS),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        survey = workflow.create_survey(
            council,
            title=data["title"],
            territory=data["territory"],
            access_mode=data["access_mode"],
            per_address_limit=data["per_address_limit"],
            neighbourhoods=data["neighbourhoods"],
            by=user,
        )
        messages.success(request, "L'enquête est créée avec le tronc commun de questions.")
        return redirect(survey)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "Nouvelle enquête auprès des habitants",
            "council": council,
            "cancel_url": reverse("surveys:list", args=[council.pk]),
        },
    )


@login_required
def survey_detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    granted = access_survey(current_user(request), survey_id)
    survey = granted.obj
    version = survey.current_version()
    questions = list(version.questions.all())
    margins = {m.question_id: m for m in survey.margins.all()}
    return render(
        request,
        "surveys/detail.html",
        {
            "survey": survey,
            "council": survey.council,
            "version": version,
            "questions": questions,
            "profiles": [(q, margins.get(q.pk)) for q in questions if q.kind == "profile"],
            "responses": survey.responses.count(),
            "codes": survey.codes.count(),
            "used_codes": survey.codes.exclude(used_on=None).count(),
            "run": survey.runs.first(),
            "can_edit": granted.can_edit,
            "editable": survey.status == SurveyStatus.DRAFT,
            "public_url": request.build_absolute_uri(survey.public_url()),
        },
    )


@login_required
def survey_edit(request: HttpRequest, survey_id: int) -> HttpResponse:
    user = current_user(request)
    survey = access_survey(user, survey_id, edit=True).obj
    form = SurveyEditForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            changes = form_changes(form)
            form.save()
            record(user, "updated", survey, council=survey.council, changes=changes)
        messages.success(request, "L'enquête est enregistrée.")
        return redirect(survey)
    return form_page(request, survey, form, "Modifier l'enquête")


@login_required
def question_add(request: HttpRequest, survey_id: int) -> HttpResponse:
    user = current_user(request)
    survey = access_survey(user, survey_id, edit=True).obj
    question = Question(version=survey.current_version(), position=0)
    return question_form(request, survey, question, user, "Nouvelle question")


@login_required
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    user = current_user(request)
    question = access_question(user, question_id, edit=True).obj
    return question_form(request, question.version.survey, question, user, "Modifier la question")


def question_form(
    request: HttpRequest, survey: Survey, question: Question, user: Any, title: str
) -> HttpResponse:
    if problem := workflow.editable_problem(survey):
        raise PermissionDenied(problem)
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.save_question(form.instance, by=user)
        except workflow.SurveyRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "La question est enregistrée.")
            return redirect(survey)
    return form_page(request, survey, form, title)


@login_required
def question_delete(request: HttpRequest, question_id: int) -> HttpResponse:
    user = current_user(request)
    question = access_question(user, question_id, edit=True).obj
    survey = question.version.survey
    return confirm(
        request,
        survey,
        title="Retirer la question",
        text=f"Retirer « {question.text} » du questionnaire ?",
        button="Retirer la question",
        action=lambda: workflow.delete_question(question, by=user),
        done="La question est retirée.",
    )


def confirm(
    request: HttpRequest,
    survey: Survey,
    *,
    title: str,
    text: str,
    button: str,
    action: Any,
    done: str,
) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            action()
        except workflow.SurveyRefused as refused:
            error = str(refused)
        else:
            messages.success(request, done)
            return redirect(survey)
    return render(
        request,
        "surveys/confirm.html",
        {
            "survey": survey,
            "council": survey.council,
            "title": title,
            "text": text,
            "button": button,
            "error": error,
        },
    )


@login_required
def survey_open(request: HttpRequest, survey_id: int) -> HttpResponse:
    user = current_user(request)
    survey = access_survey(user, survey_id, edit=True).obj
    return confirm(
        request,
        survey,
        title="Ouvrir la collecte",
        text="Une fois la collecte ouverte, le questionnaire est figé : toutes les réponses "
        "porteront sur les mêmes questions.",
        button="Ouvrir la collecte",
        action=lambda: workflow.open_survey(survey, by=user),
        done="La collecte est ouverte.",
    )


@login_required
def survey_close(request: HttpRequest, survey_id: int) -> HttpResponse:
    user = current_user(request)
    survey = access_survey(user, survey_id, edit=True).obj
    return confirm(
        request,
        survey,
        title="Clore la collecte",
        text="Le lien public ne prendra plus de réponse.",
        button="Clore la collecte",
        action=lambda: workflow.close_survey(survey, by=user),
        done="La collecte est close.",
    )


@login_required
def codes(request: HttpRequest, survey_id: int) -> HttpResponse:
    """New invitation codes, given once as a CSV for the mail merge."""
    user = current_user(request)
    survey = access_survey(user, survey_id, edit=True).obj
    form = CodesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = workflow.generate_codes(survey, form.cleaned_data["count"], by=user)
        except workflow.SurveyRefused as refused:
            form.add_error(None, str(refused))
        else:
            link = request.build_absolute_uri(survey.public_url())
            response = HttpResponse(
                csv_document(["code_invitation", "lien"], ([code, link] for code in created)),
                content_type="text/csv; charset=utf-8",
            )
            response["Content-Disposition"] = 'attachment; filename="codes-invitation.csv"'
            return response
    return form_page(request, survey, form, "Créer des codes d'invitation")


@login_required
def paper_entry(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The council's staff type a paper questionnaire (no code: the paper is the proof)."""
    user = current_user(request)
    survey = access_survey(user, survey_id, edit=True).obj
    if survey.status != SurveyStatus.OPEN:
        raise PermissionDenied("La saisie des questionnaires papier se fait collecte ouverte.")
    questions = list(survey.current_version().questions.all())
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.submit_response(survey, form.answers(), channel=Channel.PAPER)
        except workflow.SurveyRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Le questionnaire est enregistré : saisissez le suivant.")
            return redirect("surveys:paper", survey.pk)
    return render(
        request,
        "surveys/paper.html",
        {"survey": survey, "council": survey.council, "form": form, "questions": questions},
    )


@login_required
@csrf_exempt  # checked by import_form once the upload handler is set, as Django's docs advise
def import_responses(request: HttpRequest, survey_id: int) -> HttpResponse:
    handler = InMemoryOnly(request)
    request.upload_handlers = [handler]
    return import_form(request, survey_id, handler)


@csrf_protect
def import_form(request: HttpRequest, survey_id: int, handler: InMemoryOnly) -> HttpResponse:
    user = current_user(request)
    survey = access_survey(user, survey_id, edit=True).obj
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    valid = form.is_valid()
    if handler.too_large and request.method == "POST":
        form.errors["file"] = form.error_class(
            [f"Le fichier dépasse {MAX_UPLOAD_BYTES // (1024 * 1024)} Mo."]
        )
    elif valid:
        upload = form.cleaned_data["file"]
        try:
            report = import_file(
                survey, upload.read(), upload.name, form.cleaned_data["mapping"], by=user
            )
        except ImportRefused as refused:
            errors = refused.errors
        except workflow.SurveyRefused as refused:
            errors = [str(refused)]
        else:
            text = f"{report.stored} questionnaires importés."
            if report.redacted:
                text += (
                    f" {report.redacted} données personnelles (adresses électroniques, "
                    "téléphones, noms) ont été retirées des textes libres."
                )
            messages.success(request, text)
            return redirect(survey)
    return render(
        request,
        "surveys/import.html",
        {
            "survey": survey,
            "council": survey.council,
            "form": form,
            "errors": errors,
            "codes": [q.code for q in survey.current_version().questions.all()],
        },
    )


@login_required
def margin_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    user = current_user(request)
    question = access_question(user, question_id, edit=True).obj
    survey = question.version.survey
    if question.kind != QuestionKind.PROFILE:
        raise Http404
    existing = survey.margins.filter(question=question).first()
    initial: dict[str, Any] = {}
    if existing:
        initial = {f"n_{k}": int(v) for k, v in existing.totals.items()}
        initial["note"] = existing.source_note
    form = MarginForm(request.POST or None, question=question, initial=initial)
    insee = InseeMarginForm(request.POST or None) if question.code in ("sexe", "age") else None
    if request.method == "POST" and "departement" in request.POST and insee is not None:
        form = MarginForm(question=question, initial=initial)
        if insee.is_valid():
            try:
                totals, note = workflow.insee_totals(
                    question,
                    insee.cleaned_data["departement"],
                    territory_population=insee.cleaned_data["territory_population"],
                )
                workflow.save_margin(
                    survey, question, totals, source=MarginSource.INSEE, note=note, by=user
                )
            except workflow.SurveyRefused as refused:
                insee.add_error(None, str(refused))
            else:
                messages.success(request, "La marge est reprise des estimations de l'INSEE.")
                return redirect(survey)
    elif request.method == "POST" and form.is_valid():
        try:
            workflow.save_margin(
                survey, question, form.totals(), note=form.cleaned_data["note"], by=user
            )
        except workflow.SurveyRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "La marge est enregistrée.")
            return redirect(survey)
    return render(
        request,
        "surveys/margin.html",
        {
            "survey": survey,
            "council": survey.council,
            "question": question,
            "form": form,
            "insee": insee,
        },
    )


@login_required
def weighting(request: HttpRequest, survey_id: int) -> HttpResponse:
    user = current_user(request)
    survey = access_survey(user, survey_id, edit=True).obj
    form = WeightingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The calibration reads every answer: a background task (stspd/jobs), whose page shows
        # its progress, then the results' link or the French reason nothing was stored.
        job = start_weighting(
            survey, method=form.cleaned_data["method"], bounds=form.bounds(), by=user
        )
        return redirect(job)
    extra = {}
    if (pending := pending_weighting(survey)) is not None:
        extra = {
            "aside_url": pending.get_absolute_url(),
            "aside_label": "Une pondération est déjà en cours : suivre son avancement",
        }
    return form_page(request, survey, form, "Pondérer les réponses", **extra)


@login_required
def results(request: HttpRequest, survey_id: int) -> HttpResponse:
    granted = access_survey(current_user(request), survey_id)
    survey = granted.obj
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "council": survey.council,
            "results": survey_results(survey),
            "min_effective": MIN_EFFECTIVE_SIZE,
            "max_width": round(MAX_INTERVAL_WIDTH * 100),
            "can_edit": granted.can_edit,
            "other_waves": list(
                survey.council.surveys.exclude(pk=survey.pk)
                .filter(runs__isnull=False)
                .distinct()
                .order_by("-created_at")
            ),
        },
    )


@login_required
def compare(request: HttpRequest, survey_id: int, other_id: int) -> HttpResponse:
    """Two waves of the council's survey: the headline shares' change, tested."""
    user = current_user(request)
    survey = access_survey(user, survey_id).obj
    other = get_object_or_404(Survey, pk=other_id, council=survey.council)
    return render(
        request,
        "surveys/compare.html",
        {
            "survey": survey,
            "other": other,
            "council": survey.council,
            "rows": compare_surveys(survey_results(other), survey_results(survey)),
        },
    )


@login_required
def results_csv(request: HttpRequest, survey_id: int) -> HttpResponse:
    """Every weighted share with its interval, one row each (small cells left empty)."""
    survey = access_survey(current_user(request), survey_id).obj
    response = HttpResponse(
        csv_document(RESULT_COLUMNS, result_rows(survey_results(survey))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="enquete-{survey.pk}.csv"'
    return response


@login_required
def report_pdf(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The survey's report: method, margins, every share with its interval (WeasyPrint)."""
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    survey = access_survey(current_user(request), survey_id).obj
    html = render_to_string(
        "surveys/report_pdf.html",
        {
            "survey": survey,
            "results": survey_results(survey),
            "margins": list(survey.margins.select_related("question")),
            "min_effective": MIN_EFFECTIVE_SIZE,
            "max_width": round(MAX_INTERVAL_WIDTH * 100),
            "today": timezone.localdate(),
        },
    )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="enquete-{survey.pk}.pdf"'
    return response


@login_required
def publish(request: HttpRequest, survey_id: int) -> HttpResponse:
    user = current_user(request)
    survey = access_survey(user, survey_id, edit=True).obj

    def publish_now() -> None:
        if problem := workflow.publication_problem(survey):
            raise workflow.SurveyRefused(problem)
        workflow.publish_results(survey, public_summary(survey_results(survey)), by=user)

    return confirm(
        request,
        survey,
        title="Publier les résultats sur le portail",
        text="Les parts pondérées des questions principales, dans l'ensemble et par quartier, "
        "avec leurs intervalles, sont publiées telles qu'elles sont aujourd'hui (les cases "
        "trop petites restent non diffusées). Publier à nouveau après une nouvelle "
        "pondération met la page à jour.",
        button="Publier les résultats",
        action=publish_now,
        done="Les résultats sont publiés sur le portail.",
    )


@login_required
def unpublish(request: HttpRequest, survey_id: int) -> HttpResponse:
    user = current_user(request)
    survey = access_survey(user, survey_id, edit=True).obj
    return confirm(
        request,
        survey,
        title="Retirer les résultats du portail",
        text="La page publique de l'enquête ne sera plus accessible.",
        button="Retirer les résultats",
        action=lambda: workflow.unpublish_results(survey, by=user),
        done="Les résultats ne sont plus publiés.",
    )


@login_required
def diagnostic_embed(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The coordinator chooses the diagnostic's section that shows the published results."""
    user = current_user(request)
    survey = access_survey(user, survey_id, edit=True).obj
    form = DiagnosticEmbedForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        if survey.published_at is None and form.cleaned_data["diagnostic_section"] is not None:
            form.add_error(
                None,
                "Publiez d'abord les résultats : le diagnostic reprend les chiffres publiés.",
            )
        else:
            with transaction.atomic():
                changes = form_changes(form)
                form.save()
                record(user, "updated", survey, council=survey.council, changes=changes)
            messages.success(request, "Le choix est enregistré.")
            return redirect(survey)
    diagnostic = getattr(survey.council, "diagnostic", None)
    return form_page(
        request,
        survey,
        form,
        "Montrer les résultats dans le diagnostic",
        aside_url=reverse("observatory:diagnostic", args=[survey.council_id]),
        aside_label=(
            "Voir le diagnostic" if diagnostic is not None else "Ouvrir d'abord le diagnostic"
        ),
    )


# The residents' side -------------------------------------------------------------------------


def summary(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The published results on the portal: no account, the figures frozen when published."""
    survey = get_object_or_404(
        Survey.objects.select_related("council"), pk=survey_id, published_at__isnull=False
    )
    return render(
        request,
        "surveys/public_summary.html",
        {
            "survey": survey,
            "summary": survey.published_summary,
            "min_effective": MIN_EFFECTIVE_SIZE,
            "max_width": round(MAX_INTERVAL_WIDTH * 100),
        },
    )


def public_survey(token: str) -> Survey:
    return get_object_or_404(Survey.objects.select_related("council"), token=token)


def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The questionnaire at the survey's link: no account, no personal data asked."""
    survey = public_survey(token)
    if survey.status != SurveyStatus.OPEN:
        return render(request, "surveys/public_closed.html", {"survey": survey})
    questions = list(survey.current_version().questions.all())
    ask_code = survey.access_mode == AccessMode.CODES
    form = AnswerForm(request.POST or None, questions=questions, ask_code=ask_code)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.submit_response(
                survey,
                form.answers(),
                channel=Channel.WEB,
                code=form.cleaned_data.get("invitation_code", ""),
                address=client_ip(request),
            )
        except workflow.SurveyRefused as refused:
            form.add_error("invitation_code" if ask_code else None, str(refused))
        else:
            return redirect("surveys:thanks", survey.token)
    sections: list[tuple[str, list[Any]]] = []
    for question in questions:
        if not sections or sections[-1][0] != question.section:
            sections.append((question.section, []))
        sections[-1][1].append(form[question.code])
    return render(
        request,
        "surveys/public_form.html",
        {"survey": survey, "form": form, "sections": sections, "ask_code": ask_code},
    )


def thanks(request: HttpRequest, token: str) -> HttpResponse:
    survey = public_survey(token)
    return render(request, "surveys/public_thanks.html", {"survey": survey})
