"""Meetings: the meeting itself, who took part, the convocation and its answers, the documents
joined to it, the decisions and the minutes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from stspd.accounts.current import current_user
from stspd.accounts.models import User
from stspd.audit.events import form_changes, record
from stspd.councils.deletion import confirm_delete

from . import access, calendar, convocations
from .convocations import MeetingRefused
from .enums import AttendanceStatus, FormationKind
from .forms import (
    AttendanceForm,
    ConvocationAnswerForm,
    DecisionForm,
    MeetingDocumentForm,
    MeetingForm,
    MemberAttendanceForm,
    MinutesApprovalForm,
    RepresentativeForm,
)
from .models import (
    Attendance,
    CalendarFeed,
    ConvocationRecipient,
    Decision,
    Meeting,
    MeetingDocument,
    Representative,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def form_page(request: HttpRequest, meeting: Meeting, form: object, title: str) -> HttpResponse:
    formation = meeting.formation
    return render(
        request,
        "councils/form.html",
        {
            "form": form,
            "council": formation.council,
            "formation": formation,
            "meeting": meeting,
            "title": title,
        },
    )


@login_required
def meeting_add(request: HttpRequest, formation_id: int) -> HttpResponse:
    user = current_user(request)
    formation = access.access_formation(user, formation_id, edit=True).obj
    form = MeetingForm(request.POST or None, instance=Meeting(formation=formation))
    if form.is_valid():
        with transaction.atomic():
            meeting = form.save()
            record(
                user,
                "created",
                meeting,
                council=formation.council,
                formation=formation,
                changes=form_changes(form),
            )
        when = timezone.localtime(meeting.starts_at)
        messages.success(
            request,
            f"La séance du {when:%d/%m/%Y} est créée."
            + (
                " Joignez-y ses documents, puis envoyez la convocation."
                if convocations.convenes_organisations(meeting)
                else ""
            ),
        )
        return redirect(meeting)
    return render(
        request,
        "councils/form.html",
        {
            "form": form,
            "council": formation.council,
            "formation": formation,
            "title": f"Nouvelle séance — {formation}",
        },
    )


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = current_user(request)
    granted = access.access_meeting(user, meeting_id)
    meeting = granted.obj
    formation = meeting.formation
    organisations = convocations.member_organisations(meeting)
    attended = {a.organisation_id: a for a in meeting.member_attendances.all()}
    decisions = list(meeting.decisions.select_related("owner", "approved_meeting"))
    return render(
        request,
        "councils/meeting_detail.html",
        {
            "meeting": meeting,
            "formation": formation,
            "council": formation.council,
            "can_edit": granted.can_edit,
            "convenes": convocations.convenes_organisations(meeting),
            "members": [(o, attended.get(o.pk)) for o in organisations],
            "quorum": convocations.quorum(meeting),
            "attendances": meeting.attendances.select_related("user").order_by("user__last_name"),
            "decisions": decisions,
            "approval": convocations.minutes_approval(meeting),
            "documents": list(meeting.documents.all()),
            "recipients": list(
                meeting.recipients.select_related("representative__member__organisation")
            )
            if granted.can_edit
            else [],
            "is_past": meeting.starts_at <= timezone.now(),
        },
    )


@login_required
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = current_user(request)
    meeting = access.access_meeting(user, meeting_id, edit=True).obj
    formation = meeting.formation
    form = MeetingForm(request.POST or None, instance=meeting)
    if form.is_valid():
        with transaction.atomic():
            form.save()
            resend = convocations.note_change(meeting, set(form.changed_data))
            record(
                user,
                "updated",
                meeting,
                council=formation.council,
                formation=formation,
                changes=form_changes(form),
            )
        if resend:
            messages.warning(
                request,
                "La séance a changé après l'envoi de la convocation : envoyez-la de nouveau "
                "pour que les agendas se mettent à jour.",
            )
        return redirect(meeting)
    return render(
        request,
        "councils/form.html",
        {
            "form": form,
            "council": formation.council,
            "formation": formation,
            "meeting": meeting,
            "title": f"Modifier la séance du {meeting.starts_at:%d/%m/%Y}",
            "delete_url": reverse("councils:meeting_delete", args=[meeting.pk]),
        },
    )


@login_required
def meeting_delete(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access.access_meeting(current_user(request), meeting_id, edit=True).obj
    formation = meeting.formation
    return confirm_delete(
        request,
        meeting,
        council=formation.council,
        formation=formation,
        cancel_url=meeting.get_absolute_url(),
        done_url=formation.get_absolute_url(),
        context={"council": formation.council},
    )


# Attendance ----------------------------------------------------------------------------------


def expected_people(meeting: Meeting) -> list[User]:
    """Working groups: their members; plenary and restricted: everyone with a council role."""
    formation = meeting.formation
    if formation.is_working_group:
        people = User.objects.filter(formation_seats__formation=formation)
    else:
        people = User.objects.filter(council_roles__council=formation.council)
    return list(people.order_by("last_name", "first_name"))


@login_required
def attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = current_user(request)
    meeting = access.access_meeting(user, meeting_id, edit=True).obj
    formation = meeting.formation
    current = dict(meeting.attendances.values_list("user_id", "status"))
    form = AttendanceForm(
        request.POST or None, people=expected_people(meeting), initial_status=current
    )
    if form.is_valid():
        labels = dict(AttendanceStatus.choices)
        with transaction.atomic():
            changes = {}
            for field, person in form.people.items():
                before, after = current.get(person.pk, ""), form.cleaned_data[field]
                if before == after:
                    continue
                key = f"{person} <{person.email}>"  # two people may share a name
                changes[key] = [labels.get(before, ""), labels.get(after, "non renseignée")]
                if after:
                    Attendance.objects.update_or_create(
                        meeting=meeting, user=person, defaults={"status": after}
                    )
                else:
                    Attendance.objects.filter(meeting=meeting, user=person).delete()
            if changes:
                record(
                    user,
                    "updated",
                    meeting,
                    council=formation.council,
                    formation=formation,
                    changes=changes,
                )
        return redirect(meeting)
    return form_page(
        request, meeting, form, f"Présences des personnes — séance du {meeting.starts_at:%d/%m/%Y}"
    )


@login_required
def member_attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = current_user(request)
    meeting = access.access_meeting(user, meeting_id, edit=True).obj
    if not convocations.convenes_organisations(meeting):
        raise Http404("Un groupe de travail réunit des personnes, non des organisations.")
    current = {a.organisation_id: a for a in meeting.member_attendances.all()}
    form = MemberAttendanceForm(
        request.POST or None,
        organisations=convocations.member_organisations(meeting),
        current=current,
    )
    if form.is_valid():
        try:
            convocations.record_attendance(meeting, form.rows(), by=user)
        except MeetingRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, convocations.quorum(meeting).text)
            return redirect(meeting)
    return form_page(
        request,
        meeting,
        form,
        f"Participation des membres — séance du {meeting.starts_at:%d/%m/%Y}",
    )


# Convocation ---------------------------------------------------------------------------------


@login_required
def convene(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = current_user(request)
    meeting = access.access_meeting(user, meeting_id, edit=True).obj
    if request.method != "POST":  # after the access check: an outsider learns nothing
        return HttpResponseNotAllowed(["POST"])
    try:
        sent = convocations.convene(meeting, by=user, site_url=convocations.site_url())
    except MeetingRefused as refused:
        messages.error(request, str(refused))
        return redirect(meeting)
    text = f"Convocation envoyée à {len(sent.recipients)} représentant(s)."
    if sent.without_address:
        names = ", ".join(f"{p} ({p.member.organisation})" for p in sent.without_address)
        text += f" Sans adresse électronique, donc non convoqués par courriel : {names}."
    messages.success(request, text)
    return redirect(meeting)


def recipient_of(token: str) -> ConvocationRecipient:
    """The convocation behind a secret link; only the plenary's and restricted formation's
    meetings are ever convened, so a working group's content never reaches this page."""
    recipient = get_object_or_404(
        ConvocationRecipient.objects.select_related(
            "meeting__formation__council", "representative__member__organisation"
        ),
        token=token,
    )
    if recipient.meeting.formation.kind == FormationKind.WORKING_GROUP:
        raise Http404
    return recipient


def convocation(request: HttpRequest, token: str) -> HttpResponse:
    """What a convened representative sees, with or without an account: this meeting only."""
    recipient = recipient_of(token)
    if recipient.opened_at is None:
        recipient.opened_at = timezone.now()
        recipient.save(update_fields=["opened_at"])
    form = ConvocationAnswerForm(
        request.POST or None,
        initial={"answer": recipient.answer, "comment": recipient.answer_comment},
    )
    if request.method == "POST" and form.is_valid():
        try:
            convocations.answer(
                recipient, form.cleaned_data["answer"], form.cleaned_data["comment"]
            )
        except MeetingRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Votre réponse est enregistrée. Merci.")
            return redirect(recipient)
    meeting = recipient.meeting
    return render(
        request,
        "councils/convocation.html",
        {
            "recipient": recipient,
            "meeting": meeting,
            "documents": list(meeting.documents.all()),
            "form": form,
            "is_past": meeting.starts_at <= timezone.now(),
        },
    )


def document_response(document: MeetingDocument) -> HttpResponse:
    """The file, read whole (uploads are capped at a few megabytes) so that no handle stays
    open after the response."""
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    kind = "application/pdf" if content.startswith(b"%PDF-") else XLSX_TYPE
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=document.filename
    )
    return response


def convocation_document(request: HttpRequest, token: str, document_id: int) -> HttpResponse:
    recipient = recipient_of(token)
    document = get_object_or_404(MeetingDocument, pk=document_id, meeting=recipient.meeting)
    return document_response(document)


def ics_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def convocation_ics(request: HttpRequest, token: str) -> HttpResponse:
    recipient = recipient_of(token)
    person = recipient.representative
    return ics_response(
        calendar.invitation(recipient.meeting, person.name, person.email), "seance.ics"
    )


# Documents -----------------------------------------------------------------------------------


@login_required
def document_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = current_user(request)
    meeting = access.access_meeting(user, meeting_id, edit=True).obj
    form = MeetingDocumentForm(
        request.POST or None, request.FILES or None, instance=MeetingDocument(meeting=meeting)
    )
    if form.is_valid():
        with transaction.atomic():
            document = form.save()
            record(
                user,
                "created",
                document,
                council=meeting.formation.council,
                formation=meeting.formation,
                changes={"pièce jointe": ["", document.title]},
            )
        messages.success(request, f"« {document.title} » est jointe à la séance.")
        return redirect(meeting)
    return form_page(request, meeting, form, "Joindre un document à la séance")


def meeting_document(user: User, document_id: int, *, edit: bool = False) -> MeetingDocument:
    document = get_object_or_404(MeetingDocument, pk=document_id)
    access.access_meeting(user, document.meeting_id, edit=edit)
    return document


@login_required
def document_download(request: HttpRequest, document_id: int) -> HttpResponse:
    return document_response(meeting_document(current_user(request), document_id))


@login_required
def document_delete(request: HttpRequest, document_id: int) -> HttpResponse:
    document = meeting_document(current_user(request), document_id, edit=True)
    meeting = document.meeting
    return confirm_delete(
        request,
        document,
        council=meeting.formation.council,
        formation=meeting.formation,
        cancel_url=meeting.get_absolute_url(),
        done_url=meeting.get_absolute_url(),
        context={"council": meeting.formation.council},
    )


# Calendar feed -------------------------------------------------------------------------------


def visible_meetings(user: User) -> list[Meeting]:
    """The meetings a person may attend: their councils' plenary and restricted meetings, and
    the working groups they belong to with the charter signed."""
    councils = user.council_roles.values("council")
    general = Meeting.objects.filter(formation__council__in=councils).exclude(
        formation__kind=FormationKind.WORKING_GROUP
    )
    groups = Meeting.objects.filter(
        formation__members__user=user, formation__members__charter_signed_on__isnull=False
    )
    return list(
        (general | groups)
        .distinct()
        .select_related("formation__council")
        .order_by("starts_at", "pk")
    )


@login_required
def my_calendar(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    if request.method == "POST":  # a new address: the old one may have leaked
        feed.delete()
        feed = CalendarFeed.objects.create(user=user)
        messages.success(request, "Nouvelle adresse créée ; l'ancienne ne fonctionne plus.")
        return redirect("councils:my_calendar")
    url = request.build_absolute_uri(reverse("councils:calendar_feed", args=[feed.token]))
    return render(request, "councils/my_calendar.html", {"feed_url": url})


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not feed.user.is_active:
        raise Http404
    return ics_response(calendar.feed(visible_meetings(feed.user)), "seances.ics")


# Decisions and minutes -----------------------------------------------------------------------


@login_required
def decision_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = current_user(request)
    meeting = access.access_meeting(user, meeting_id, edit=True).obj
    formation = meeting.formation
    form = DecisionForm(request.POST or None, instance=Decision(meeting=meeting))
    if form.is_valid():
        try:
            convocations.check_can_decide(meeting)
        except MeetingRefused as refused:
            form.add_error(None, str(refused))
        else:
            with transaction.atomic():
                decision = form.save()
                record(
                    user,
                    "created",
                    decision,
                    council=formation.council,
                    formation=formation,
                    changes=form_changes(form),
                )
            return redirect(meeting)
    return form_page(request, meeting, form, "Nouvelle décision")


@login_required
def decision_edit(request: HttpRequest, decision_id: int) -> HttpResponse:
    user = current_user(request)
    decision = access.access_decision(user, decision_id, edit=True).obj
    meeting = decision.meeting
    if not decision.is_follow_up:
        messages.error(
            request,
            f"« {decision.get_kind_display()} » est un acte de la séance : il ne se suit pas "
            "et ne se modifie pas.",
        )
        return redirect(meeting)
    form = DecisionForm(request.POST or None, instance=decision)
    if form.is_valid():
        with transaction.atomic():
            form.save()
            record(
                user,
                "updated",
                decision,
                council=meeting.formation.council,
                formation=meeting.formation,
                changes=form_changes(form),
            )
        return redirect(meeting)
    return render(
        request,
        "councils/form.html",
        {
            "form": form,
            "council": meeting.formation.council,
            "formation": meeting.formation,
            "meeting": meeting,
            "title": "Suivi de la décision",
            "delete_url": reverse("councils:decision_delete", args=[decision.pk]),
        },
    )


@login_required
def decision_delete(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = access.access_decision(current_user(request), decision_id, edit=True).obj
    formation = decision.meeting.formation
    url = decision.meeting.get_absolute_url()
    return confirm_delete(
        request,
        decision,
        council=formation.council,
        formation=formation,
        cancel_url=url,
        done_url=url,
        context={"council": formation.council},
    )


@login_required
def minutes_approve(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = current_user(request)
    meeting = access.access_meeting(user, meeting_id, edit=True).obj
    form = MinutesApprovalForm(request.POST or None, meeting=meeting)
    if form.is_valid():
        try:
            convocations.approve_minutes(meeting, form.cleaned_data["approved"], by=user)
        except MeetingRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Le compte rendu est approuvé ; il est désormais figé.")
            return redirect(meeting)
    return form_page(request, meeting, form, "Approuver le compte rendu d'une séance précédente")


@login_required
def minutes_circulate(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = current_user(request)
    meeting = access.access_meeting(user, meeting_id, edit=True).obj
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        count = convocations.circulate_minutes(meeting, by=user)
    except MeetingRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Compte rendu diffusé à {count} représentant(s).")
    return redirect(meeting)


# Representatives -----------------------------------------------------------------------------


@login_required
def representative_add(request: HttpRequest, member_id: int) -> HttpResponse:
    user = current_user(request)
    member = access.access_member(user, member_id, edit=True).obj
    form = RepresentativeForm(request.POST or None, instance=Representative(member=member))
    if form.is_valid():
        with transaction.atomic():
            person = form.save()
            record(user, "created", person, council=member.council, changes=form_changes(form))
        return redirect(member.council)
    return render(
        request,
        "councils/form.html",
        {
            "form": form,
            "council": member.council,
            "title": f"Ajouter un représentant — {member.organisation}",
        },
    )


def representative_of(user: User, representative_id: int) -> Representative:
    person = get_object_or_404(
        Representative.objects.select_related("member__council", "member__organisation"),
        pk=representative_id,
    )
    access.access_member(user, person.member_id, edit=True)
    return person


@login_required
def representative_edit(request: HttpRequest, representative_id: int) -> HttpResponse:
    user = current_user(request)
    person = representative_of(user, representative_id)
    council = person.member.council
    form = RepresentativeForm(request.POST or None, instance=person)
    if form.is_valid():
        with transaction.atomic():
            form.save()
            record(user, "updated", person, council=council, changes=form_changes(form))
        return redirect(council)
    return render(
        request,
        "councils/form.html",
        {
            "form": form,
            "council": council,
            "title": f"Modifier {person}",
            "delete_url": reverse("councils:representative_delete", args=[person.pk]),
        },
    )


@login_required
def representative_delete(request: HttpRequest, representative_id: int) -> HttpResponse:
    person = representative_of(current_user(request), representative_id)
    council = person.member.council
    return confirm_delete(
        request,
        person,
        council=council,
        cancel_url=council.get_absolute_url(),
        done_url=council.get_absolute_url(),
        context={"council": council},
    )
