"""Meeting pages (/hop/): the delegate's side (slip QR, typed code, documents, check-in, votes),
helper mode, and the organiser's back office. Thin: rules in selectors, writes in services."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.decorators import officer_required
from motcua.meetings import forms, selectors, services
from motcua.meetings.models import (
    AgendaItem,
    Conclusion,
    Delegate,
    Document,
    DocumentVersion,
    Meeting,
    Notice,
    PaperItem,
    Poll,
)

SESSION_KEY = "meetings"


def private(view=None, *, referrer_policy: str = "same-origin"):
    """Pages of delegates: never cached, never indexed, no Referer to other sites.

    The slip's token URL itself gets ``no-referrer``. Pages with forms keep ``same-origin``:
    under ``no-referrer`` browsers send ``Origin: null`` with a form post, which the CSRF check
    must refuse; their URLs carry no secret, so a same-site Referer leaks nothing.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response["Referrer-Policy"] = referrer_policy
            response["Cache-Control"] = "no-store"
            response["X-Robots-Tag"] = "noindex"
            return response

        return wrapped

    return decorate(view) if view is not None else decorate


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _remember(request, delegate: Delegate, helper=None) -> None:
    """Bind this browser to ``delegate`` (new session key, so a planted session cannot ride it)."""
    request.session.cycle_key()
    held = dict(request.session.get(SESSION_KEY, {}))
    held[delegate.meeting.code] = {"d": delegate.pk, "h": getattr(helper, "pk", None)}
    request.session[SESSION_KEY] = held


def _session_delegate(request, code: str):
    """``(delegate, helper)`` bound to this browser for meeting ``code``, or ``(None, None)``."""
    entry = request.session.get(SESSION_KEY, {}).get(code)
    if not entry:
        return None, None
    delegate = (
        Delegate.objects.select_related("meeting", "substitute_for")
        .filter(pk=entry["d"], meeting__code=code)
        .first()
    )
    helper = None
    if entry.get("h"):
        helper = request.user if request.user.is_authenticated and request.user.pk == entry["h"] else None
        if helper is None:  # the helper logged out: the assisted session ends with it
            return None, None
    return delegate, helper


def _refused(request, error: services.MeetingError, status: int = 403):
    return render(
        request, "meetings/refused.html", {"message": error.message, "reason": error.reason}, status=status
    )


# --- Delegates -----------------------------------------------------------------------------------


@private(referrer_policy="no-referrer")
def enter(request, token: str):
    """The slip's QR lands here: the token is burnt and the browser goes to a clean URL.

    An organiser of the meeting scanning at the door checks the delegate in instead (the token
    stays usable for the delegate)."""
    if getattr(request.user, "is_officer", False) and request.user.is_active:
        try:
            scanned = services.staff_scan(token=token, by=request.user)
        except services.MeetingError as error:
            return _refused(request, error)
        if scanned is not None:
            messages.success(request, _("%(name)s is checked in.") % {"name": scanned.full_name})
            return redirect(reverse("meetings:manage", kwargs={"code": scanned.meeting.code}) + "#attendance")
    try:
        delegate = services.exchange_token(token=token, ip=_ip(request))
    except services.MeetingError as error:
        return _refused(request, error)
    _remember(request, delegate)
    return redirect("meetings:delegate", code=delegate.meeting.code)


@private
def code_entry(request):
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delegate = services.enter_code(typed=form.cleaned_data["code"], ip=_ip(request))
        except services.MeetingError as error:
            form.add_error("code", error.message)
        else:
            _remember(request, delegate)
            return redirect("meetings:delegate", code=delegate.meeting.code)
    return render(request, "meetings/code_entry.html", {"form": form})


def _delegate_required(view):
    @functools.wraps(view)
    def wrapped(request, code, *args, **kwargs):
        delegate, helper = _session_delegate(request, code)
        if delegate is None:
            return redirect("meetings:code")
        now = timezone.now()
        if delegate.revoked_at is not None or selectors.access_expired(delegate.meeting, now):
            reason = "revoked" if delegate.revoked_at else "expired"
            return _refused(
                request,
                services.refuse(reason, meeting=delegate.meeting, delegate=delegate, ip=_ip(request)),
            )
        return view(request, delegate, helper, *args, **kwargs)

    return private(wrapped)


@_delegate_required
def delegate_home(request, delegate: Delegate, helper):
    meeting = delegate.meeting
    now = timezone.now()
    return render(
        request,
        "meetings/delegate.html",
        {
            "meeting": meeting,
            "delegate": delegate,
            "helper": helper,
            "large": helper is not None or request.GET.get("chu") == "lon",
            "rows": selectors.delegate_documents(delegate),
            "notices": Notice.objects.filter(delegate=delegate)[:10],
            "polls": selectors.open_polls_for(delegate),
            "can_check_in": delegate.checked_in_at is None and selectors.check_in_open(meeting, now),
            "choices": Poll.Choice.choices,
        },
    )


@_delegate_required
def delegate_document(request, delegate: Delegate, helper, version_id: int):
    version = get_object_or_404(
        DocumentVersion.objects.select_related("document__agenda_item"), pk=version_id
    )
    try:
        data = services.open_version(delegate=delegate, version=version, assisted_by=helper, ip=_ip(request))
    except services.MeetingError as error:
        return _refused(request, error)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{delegate.meeting.code}-{version.document_id}-v{version.number}.pdf"'
    )
    return response


@require_POST
@_delegate_required
def delegate_check_in(request, delegate: Delegate, helper):
    method = Delegate.CheckIn.ASSISTED if helper else Delegate.CheckIn.QR
    try:
        services.check_in(delegate=delegate, method=method, assisted_by=helper)
    except services.MeetingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You are checked in."))
    return redirect("meetings:delegate", code=delegate.meeting.code)


@require_POST
@_delegate_required
def delegate_vote(request, delegate: Delegate, helper, poll_id: int):
    poll = get_object_or_404(Poll, pk=poll_id, agenda_item__meeting=delegate.meeting)
    try:
        services.cast_vote(
            poll=poll, delegate=delegate, choice=request.POST.get("choice", ""), assisted_by=helper
        )
    except services.MeetingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your vote has been recorded."))
    return redirect("meetings:delegate", code=delegate.meeting.code)


@require_POST
@private
def delegate_leave(request, code: str):
    held = dict(request.session.get(SESSION_KEY, {}))
    held.pop(code, None)
    request.session[SESSION_KEY] = held
    messages.success(request, _("This phone no longer opens your meeting documents."))
    return redirect("meetings:code")


@private
def public_documents(request, code: str):
    meeting = get_object_or_404(Meeting, code=code)
    expired = selectors.access_expired(meeting)
    return render(
        request,
        "meetings/public.html",
        {
            "meeting": meeting,
            "documents": [] if expired else selectors.public_documents(meeting),
            "expired": expired,
        },
    )


@private
def public_document(request, code: str, version_id: int):
    meeting = get_object_or_404(Meeting, code=code)
    version = get_object_or_404(
        DocumentVersion.objects.select_related("document__agenda_item"), pk=version_id
    )
    try:
        data = services.open_public_version(meeting=meeting, version=version, ip=_ip(request))
    except services.MeetingError as error:
        return _refused(request, error)
    return HttpResponse(data, content_type="application/pdf")


# --- Helper mode ---------------------------------------------------------------------------------


@officer_required
@private
def helper(request):
    """A youth-union helper signs a delegate in on their own device, with the delegate's slip."""
    if not selectors.is_helper(request.user):
        raise Http404
    form = forms.HelperForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delegate = services.enter_code(
                typed=form.cleaned_data["code"], ip=_ip(request), assisted_by=request.user
            )
        except services.MeetingError as error:
            form.add_error("code", error.message)
        else:
            _remember(request, delegate, helper=request.user)
            return redirect("meetings:delegate", code=delegate.meeting.code)
    return render(request, "meetings/helper.html", {"form": form})


# --- Organisers ----------------------------------------------------------------------------------


def _organised(view):
    @functools.wraps(view)
    def wrapped(request, code, *args, **kwargs):
        meeting = get_object_or_404(Meeting.objects.select_related("agency", "organiser"), code=code)
        if not selectors.can_organise(request.user, meeting):
            raise Http404
        return view(request, meeting, *args, **kwargs)

    return officer_required(wrapped)


@officer_required
def organiser_index(request):
    agencies = selectors.organiser_agencies(request.user)
    if not agencies:
        if selectors.is_helper(request.user):
            return redirect("meetings:helper")
        error = services.MeetingError(
            _("Meetings are organised by officers with the meeting organiser role. Ask your administrator."),
            "no_role",
        )
        return _refused(request, error)
    form = forms.MeetingForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(organiser=request.user, **form.cleaned_data)
        except services.MeetingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The meeting has been created."))
            return redirect("meetings:manage", code=meeting.code)
    meetings = list(selectors.organiser_meetings(request.user)[:100])
    warnings = selectors.meeting_warnings(meetings)
    rows = [(m, warnings[m.pk]) for m in meetings]
    return render(request, "meetings/organiser_index.html", {"form": form, "rows": rows})


def _detail(request, meeting: Meeting, status: int = 200, **bound):
    now = timezone.now()
    conclusion = Conclusion.objects.filter(meeting=meeting).first()
    agenda = meeting.agenda_items.prefetch_related(
        Prefetch("documents", queryset=Document.objects.order_by("pk")),
        "polls",
    )
    polls = Poll.objects.filter(agenda_item__meeting=meeting).select_related("agenda_item")
    att = selectors.attendance(meeting)
    context = {
        "meeting": meeting,
        "now": now,
        "agenda": agenda,
        "attendance": att,
        "delegates": meeting.delegates.select_related("substitute_for", "assisted_by"),
        "stats": selectors.read_stats(meeting),
        "results": [selectors.poll_result(p, att.members) for p in polls],
        "papers": PaperItem.objects.filter(agenda_item__meeting=meeting).select_related(
            "delegate", "agenda_item"
        ),
        "invitation_deadline": selectors.invitation_deadline(meeting),
        "invitation_late": selectors.invitation_late(meeting, now),
        "expired": selectors.access_expired(meeting, now),
        "conclusion": conclusion,
        "conclusion_due": selectors.conclusion_due(meeting),
        "edit_form": bound.get("edit_form")
        or forms.MeetingEditForm(
            prefix="edit",
            initial={
                "title": meeting.title,
                "place": meeting.place,
                "starts_at": timezone.localtime(meeting.starts_at),
                "ends_at": timezone.localtime(meeting.ends_at),
                "access_hours_after_end": meeting.access_hours_after_end,
                "is_urgent": meeting.is_urgent,
            },
        ),
        "agenda_form": bound.get("agenda_form") or forms.AgendaItemForm(),
        "delegate_form": bound.get("delegate_form") or forms.DelegateForm(meeting=meeting),
        "document_form": bound.get("document_form") or forms.DocumentForm(meeting=meeting),
        "poll_form": bound.get("poll_form") or forms.PollForm(meeting=meeting),
        "paper_form": bound.get("paper_form") or forms.PaperForm(meeting=meeting),
        "code_form": bound.get("code_form") or forms.StaffCodeForm(),
        "conclusion_form": bound.get("conclusion_form")
        or forms.ConclusionForm(initial={"text": conclusion.text if conclusion else ""}),
    }
    return render(request, "meetings/manage.html", context, status=status)


@_organised
def manage(request, meeting: Meeting):
    return _detail(request, meeting)


def _back(meeting: Meeting, anchor: str = ""):
    return redirect(
        reverse("meetings:manage", kwargs={"code": meeting.code}) + (f"#{anchor}" if anchor else "")
    )


@require_POST
@_organised
def edit_meeting(request, meeting: Meeting):
    form = forms.MeetingEditForm(request.POST, prefix="edit")
    if form.is_valid():
        try:
            services.update_meeting(meeting=meeting, actor=request.user, **form.cleaned_data)
        except services.MeetingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The meeting has been updated."))
            return _back(meeting)
    return _detail(request, meeting, 400, edit_form=form)


@require_POST
@_organised
def add_agenda_item(request, meeting: Meeting):
    form = forms.AgendaItemForm(request.POST)
    if not form.is_valid():
        return _detail(request, meeting, 400, agenda_form=form)
    services.add_agenda_item(meeting=meeting, actor=request.user, **form.cleaned_data)
    return _back(meeting, "agenda")


@require_POST
@_organised
def add_delegate(request, meeting: Meeting):
    form = forms.DelegateForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _detail(request, meeting, 400, delegate_form=form)
    try:
        services.add_delegate(meeting=meeting, actor=request.user, **form.cleaned_data)
    except services.MeetingError as error:
        form.add_error(None, error.message)
        return _detail(request, meeting, 400, delegate_form=form)
    return _back(meeting, "delegates")


@require_POST
@_organised
def upload_document(request, meeting: Meeting):
    form = forms.DocumentForm(request.POST, request.FILES, meeting=meeting)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.upload_document(
                agenda_item=data["agenda_item"],
                title=data["title"],
                classification=data["classification"],
                groups=data["groups"],
                named=list(data["named"]),
                uploaded=data["file"],
                actor=request.user,
            )
        except services.MeetingError as error:
            field = "classification" if error.reason in ("secret", "no_audience") else "file"
            form.add_error(field, error.message)
        else:
            messages.success(request, _("The document has been uploaded."))
            return _back(meeting, "documents")
    return _detail(request, meeting, 400, document_form=form)


@require_POST
@_organised
def add_version(request, meeting: Meeting, document_id: int):
    document = get_object_or_404(Document, pk=document_id, agenda_item__meeting=meeting)
    form = forms.VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_version(
                document=document,
                uploaded=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except services.MeetingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The new version has been uploaded; earlier readers are told it changed.")
            )
    else:
        messages.error(request, _("Choose the PDF file of the new version."))
    return _back(meeting, "documents")


@_organised
def organiser_document(request, meeting: Meeting, document_id: int):
    """The organiser's copy (the original PDF of the current version); the read is audited."""
    from motcua.core import audit
    from motcua.meetings import pdf

    document = get_object_or_404(Document, pk=document_id, agenda_item__meeting=meeting)
    version = get_object_or_404(DocumentVersion, document=document, number=document.current_version)
    audit.record(
        action="meetings.organiser_opened_document", obj=version.document, changes={"version": version.number}
    )
    response = HttpResponse(pdf.read(version.file_name), content_type="application/pdf")
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@_organised
def remind(request, meeting: Meeting, document_id: int):
    document = get_object_or_404(Document, pk=document_id, agenda_item__meeting=meeting)
    count = services.remind_unread(document=document, actor=request.user)
    messages.success(request, _("Reminded %(count)s delegates who have not opened it.") % {"count": count})
    return _back(meeting, "reading")


@require_POST
@_organised
def send_invitations(request, meeting: Meeting):
    late = services.send_invitations(meeting=meeting, actor=request.user)
    if late:
        messages.warning(
            request,
            _(
                "Invitations are late: they should reach delegates at least 3 working days before the meeting (Decision 45/2018/QĐ-TTg)."
            ),
        )
    else:
        messages.success(request, _("Invitations recorded as sent on time."))
    return _back(meeting)


@_organised
def slips(request, meeting: Meeting):
    """GET shows nothing new; POST issues fresh slips (earlier ones stop working) as a PDF."""
    if request.method != "POST":
        return _back(meeting, "delegates")
    ids = request.POST.getlist("delegate")
    delegates = meeting.delegates.filter(revoked_at__isnull=True)
    if ids:
        delegates = delegates.filter(pk__in=[i for i in ids if i.isdigit()])
    data = services.slips_pdf(meeting=meeting, delegates=list(delegates), actor=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="phieu-truy-cap-{meeting.code}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@_organised
def meeting_qr(request, meeting: Meeting):
    return HttpResponse(services.meeting_qr_pdf(meeting=meeting), content_type="application/pdf")


@require_POST
@_organised
def revoke(request, meeting: Meeting, delegate_id: int):
    delegate = get_object_or_404(Delegate, pk=delegate_id, meeting=meeting)
    services.revoke_delegate(delegate=delegate, actor=request.user)
    messages.success(
        request, _("%(name)s can no longer open the meeting documents.") % {"name": delegate.full_name}
    )
    return _back(meeting, "delegates")


@require_POST
@_organised
def staff_check_in(request, meeting: Meeting, delegate_id: int):
    delegate = get_object_or_404(Delegate, pk=delegate_id, meeting=meeting)
    try:
        services.check_in(delegate=delegate, method=Delegate.CheckIn.STAFF, by=request.user)
    except services.MeetingError as error:
        messages.error(request, error.message)
    return _back(meeting, "attendance")


@require_POST
@_organised
def code_check_in(request, meeting: Meeting):
    form = forms.StaffCodeForm(request.POST)
    if form.is_valid():
        try:
            delegate = services.check_in_by_code(
                meeting=meeting, typed=form.cleaned_data["code"], by=request.user
            )
        except services.MeetingError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, _("%(name)s is checked in.") % {"name": delegate.full_name})
            return _back(meeting, "attendance")
    return _detail(request, meeting, 400, code_form=form)


@_organised
def attendance_pdf(request, meeting: Meeting):
    data = services.attendance_pdf(meeting=meeting, actor=request.user)
    return HttpResponse(data, content_type="application/pdf")


@_organised
def record_pdf(request, meeting: Meeting):
    try:
        data = services.signed_record_pdf(meeting=meeting, actor=request.user)
    except services.MeetingError as error:
        messages.error(request, error.message)
        return _back(meeting, "votes")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-ban-{meeting.code}.pdf"'
    return response


@require_POST
@_organised
def add_poll(request, meeting: Meeting):
    form = forms.PollForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _detail(request, meeting, 400, poll_form=form)
    services.create_poll(actor=request.user, **form.cleaned_data)
    return _back(meeting, "votes")


@require_POST
@_organised
def poll_status(request, meeting: Meeting, poll_id: int):
    poll = get_object_or_404(Poll, pk=poll_id, agenda_item__meeting=meeting)
    try:
        services.set_poll_status(poll=poll, status=request.POST.get("status", ""), actor=request.user)
    except services.MeetingError as error:
        messages.error(request, error.message)
    return _back(meeting, "votes")


@require_POST
@_organised
def hand_out_paper(request, meeting: Meeting):
    form = forms.PaperForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _detail(request, meeting, 400, paper_form=form)
    services.hand_out_paper(actor=request.user, **form.cleaned_data)
    return _back(meeting, "paper")


@require_POST
@_organised
def return_paper(request, meeting: Meeting, item_id: int):
    item = get_object_or_404(PaperItem, pk=item_id, agenda_item__meeting=meeting, returned_at__isnull=True)
    services.return_paper(item=item, actor=request.user)
    return _back(meeting, "paper")


@require_POST
@_organised
def decision(request, meeting: Meeting, item_id: int):
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    services.set_decision(item=item, text=request.POST.get("decision", "")[:5000], actor=request.user)
    return _back(meeting, "agenda")


@require_POST
@_organised
def conclusion(request, meeting: Meeting):
    if request.POST.get("action") == "draft":
        services.draft_conclusion(meeting=meeting, actor=request.user)
        return _back(meeting, "conclusion")
    form = forms.ConclusionForm(request.POST)
    if form.is_valid():
        try:
            issued = services.issue_conclusion(
                meeting=meeting, text=form.cleaned_data["text"], actor=request.user
            )
        except services.MeetingError as error:
            form.add_error("text", error.message)
        else:
            if issued.issued_at > issued.due_at:
                messages.warning(
                    request, _("The conclusion notice is issued after its 5-working-day deadline.")
                )
            else:
                messages.success(request, _("The conclusion notice has been issued."))
            return _back(meeting, "conclusion")
    return _detail(request, meeting, 400, conclusion_form=form)
