"""Official forms 02–07 of Circular 03/2025/TT-VPCP, generated from a dossier and its events.

Everything here is derived from the dossier's columns and its append-only
:class:`~motcua.dossiers.models.DossierEvent` rows — never from hand-kept counters:

* Forms 02–05 are rendered from the event that issued them (``data["form"] == "0N"``).
* Form 06 (control sheet) has one row per event of the dossier.
* Form 07 (register) rows are read with a constant number of queries for any period.

Official forms are always in Vietnamese: the PDF templates carry literal Vietnamese headings and
are rendered with the Vietnamese translation active.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from motcua.dossiers.lifecycle import TABLE
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.dossiers.notify import tracking_url
from motcua.dossiers.receipt import qr_svg_data_uri
from motcua.org.selectors import agency_subtree

#: Forms rendered from one issuing event, and the Form 06 control sheet.
EVENT_FORMS = ("02", "03", "04", "05")
FORMS = (*EVENT_FORMS, "06")

FORM_TITLES = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "04": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    "05": "Thông báo dừng giải quyết hồ sơ",
    "06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "07": "Sổ theo dõi hồ sơ",
}

#: Actions that hand the dossier to the processing department (the register's column).
HANDOVER_ACTIONS = frozenset({"forward", "assign", "transfer"})
#: Actions whose recipient is the applicant (Form 06 "to whom").
TO_APPLICANT_ACTIONS = frozenset({"request_supplement", "refuse", "apologise", "stop", "return_result"})
#: Actions whose recipient is the receiving desk.
TO_DESK_ACTIONS = frozenset({"submit", "supplement", "withdraw"})

CHANNEL_LABELS = {"online": "trực tuyến", "in_person": "trực tiếp", "post": "qua dịch vụ bưu chính"}


class FormNotIssued(LookupError):
    """The dossier has no event that issued the requested form."""


# --- small helpers ------------------------------------------------------------------------------


def _parse(value) -> dt.datetime | None:
    """An aware datetime from an ISO string (or a datetime); ``None`` when missing or bad."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = parse_datetime(str(value))
        except ValueError:
            moment = None
        if moment is None:
            try:
                moment = dt.datetime.combine(dt.date.fromisoformat(str(value)), dt.time(17, 0))
            except ValueError:
                return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _local(value) -> dt.datetime | None:
    moment = _parse(value)
    return timezone.localtime(moment) if moment else None


def _person(user) -> str:
    if user is None:
        return ""
    return user.full_name or user.get_username()


def _action_label(action: str) -> str:
    rule = TABLE.get(action)
    return str(rule.label) if rule and rule.label else action


def _applicant_address(dossier: Dossier) -> str:
    data = dossier.form_data or {}
    for key in ("dia_chi", "noi_cu_tru", "dia_chi_thuong_tru", "dia_chi_lien_he", "address"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _applicant_phone(dossier: Dossier) -> str:
    data = dossier.form_data or {}
    phone = getattr(dossier.applicant, "phone", "") or data.get("so_dien_thoai") or data.get("phone") or ""
    return str(phone)


def is_late(dossier: Dossier, events=None, *, now: dt.datetime | None = None) -> bool | None:
    """Lateness as the back office derives it (``dossiers.backoffice.is_late``): finished (or
    now) after the first appointment, the citizen's supplement time excluded; an apology does
    not excuse. ``None`` when there is no appointment date."""
    from motcua.dossiers.backoffice import is_late as derived

    if dossier.due_at is None and dossier.original_due_at is None:
        return None
    return derived(dossier, now)


# --- forms 02–06 --------------------------------------------------------------------------------


def issuing_event(dossier: Dossier, form: str) -> DossierEvent | None:
    """The latest event of ``dossier`` that issued ``form``."""
    return dossier.events.filter(data__form=form).select_related("actor").order_by("-at", "-id").first()


def _header(dossier: Dossier, form: str) -> dict:
    if form in ("04", "05", "06"):
        agency = dossier.competent_agency or dossier.receiving_agency
    else:
        agency = dossier.receiving_agency or dossier.competent_agency
    unit = getattr(agency, "unit", None) if agency else None
    return {
        "agency": agency,
        "parent_agency": agency.parent if agency else None,
        "place": unit.name if unit else "",
    }


def _base_context(dossier: Dossier, form: str) -> dict:
    url = tracking_url(dossier)
    return {
        "form": form,
        "title": FORM_TITLES[form],
        "dossier": dossier,
        "version": dossier.procedure_version,
        "applicant": dossier.applicant,
        "applicant_name": _person(dossier.applicant),
        "applicant_address": _applicant_address(dossier),
        "applicant_phone": _applicant_phone(dossier),
        "receiving_agency": dossier.receiving_agency,
        "competent_agency": dossier.competent_agency,
        "received_at": _local(dossier.received_at or dossier.submitted_at),
        "due_at": _local(dossier.due_at),
        "qr": qr_svg_data_uri(url),
        "tracking_url": url,
        "now": timezone.localtime(),
        **_header(dossier, form),
    }


def _event_context(dossier: Dossier, form: str, event: DossierEvent) -> dict:
    data = event.data or {}
    items = [
        {"name": str(item.get("name", "")), "note": str(item.get("note", ""))}
        for item in (data.get("items") or [])
        if isinstance(item, dict)
    ]
    return {
        "event": event,
        "issued_at": timezone.localtime(event.at),
        "issued_by": _person(event.actor),
        "reason": str(data.get("reason") or event.comment or ""),
        "items": items,
        "deadline": _local(data.get("deadline")),
        "old_due_at": _local(data.get("old_due_at")) or _local(dossier.due_at),
        "new_due_at": _local(data.get("new_due_at")),
    }


@dataclass
class ControlRow:
    """One row of Form 06: one event of the dossier."""

    number: int
    label: str
    from_whom: str
    to_whom: str
    at: dt.datetime
    step_due_at: dt.datetime | None
    on_time: bool | None
    comment: str = ""


def control_rows(dossier: Dossier, events: list[DossierEvent], *, now=None) -> list[ControlRow]:
    """Form 06 rows: each event is a hand-over; a step is on time when the next event came before
    its ``step_due_at`` (or, for the last step, now is not past it)."""
    now = now or timezone.now()
    applicant = _person(dossier.applicant)
    desk = dossier.receiving_agency.name if dossier.receiving_agency else ""
    rows = []
    for index, event in enumerate(events):
        data = event.data or {}
        to_whom = data.get("to_name") or data.get("step_name") or ""
        if not to_whom:
            if event.action in TO_APPLICANT_ACTIONS:
                to_whom = applicant
            elif event.action in TO_DESK_ACTIONS:
                to_whom = desk
            elif event.to_status:
                to_whom = str(Status(event.to_status).label) if event.to_status in Status.values else ""
        elif data.get("to_name") and data.get("step_name"):
            to_whom = f"{data['to_name']} ({data['step_name']})"
        step_due = _local(data.get("step_due_at"))
        on_time = None
        if step_due is not None:
            following = events[index + 1].at if index + 1 < len(events) else None
            on_time = (following or now) <= step_due
        rows.append(
            ControlRow(
                number=index + 1,
                label=_action_label(event.action),
                from_whom=_person(event.actor) or (applicant if event.action == "submit" else "Hệ thống"),
                to_whom=str(to_whom),
                at=timezone.localtime(event.at),
                step_due_at=step_due,
                on_time=on_time,
                comment=event.comment,
            )
        )
    return rows


def _dossier(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_related(
        "procedure_version__procedure",
        "applicant",
        "receiving_agency__parent",
        "receiving_agency__unit",
        "competent_agency__parent",
        "competent_agency__unit",
    ).get(pk=dossier.pk)


def form_context(dossier: Dossier, form: str, event: DossierEvent | None = None) -> dict:
    """The template context of ``form`` for ``dossier``. Raises :class:`FormNotIssued`."""
    if form not in FORMS:
        raise FormNotIssued(form)
    dossier = _dossier(dossier)
    context = _base_context(dossier, form)
    if form == "06":
        events = list(dossier.events.select_related("actor").order_by("at", "id"))
        context["rows"] = control_rows(dossier, events)
        context["late"] = is_late(dossier, events)
        return context
    if event is None:
        event = issuing_event(dossier, form)
    elif event.dossier_id != dossier.pk or (event.data or {}).get("form") != form:
        raise FormNotIssued(form)
    if event is None:
        raise FormNotIssued(form)
    context.update(_event_context(dossier, form, event))
    return context


def render_form_pdf(dossier: Dossier, form: str, event: DossierEvent | None = None) -> bytes:
    """Form ``form`` ("02"–"06") of ``dossier`` as PDF bytes (WeasyPrint).

    Forms 02–05 come from the event that issued them (the latest one when ``event`` is None);
    Form 06 lists every event. Raises :class:`FormNotIssued` when there is nothing to render.
    """
    from weasyprint import HTML

    with translation.override("vi"):
        context = form_context(dossier, form, event)
        html = render_to_string(f"desk/forms/form{form}.html", context)
    return HTML(string=html).write_pdf()


# --- Form 07: the register ----------------------------------------------------------------------


@dataclass
class RegisterRow:
    """One line of Form 07 (Sổ theo dõi hồ sơ)."""

    number: int
    dossier_id: int
    code: str
    procedure_name: str
    applicant_name: str
    address: str
    phone: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    handed_over_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    status: str
    status_label: str
    late: bool | None
    notes: list[str] = field(default_factory=list)

    @property
    def timeliness(self) -> str:
        if self.late is None:
            return ""
        return "Quá hạn" if self.late else "Đúng hạn"

    @property
    def contact(self) -> str:
        return "; ".join(part for part in (self.address, self.phone) if part)

    @property
    def note(self) -> str:
        return "; ".join(self.notes)


def _period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    lower = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return lower, upper


def register_queryset(*, agency, start: dt.date, end: dt.date):
    """Dossiers received (or, not yet received, submitted) by ``agency`` or an agency below it
    between ``start`` and ``end`` (local dates, inclusive). Two queries when evaluated."""
    lower, upper = _period_bounds(start, end)
    in_period = Q(received_at__gte=lower, received_at__lt=upper) | Q(
        received_at__isnull=True, submitted_at__gte=lower, submitted_at__lt=upper
    )
    return (
        Dossier.objects.filter(receiving_agency__in=agency_subtree(agency))
        .exclude(status=Status.DRAFT)
        .filter(in_period)
        .select_related("procedure_version", "applicant")
        .prefetch_related(
            Prefetch("events", queryset=DossierEvent.objects.order_by("at", "id"), to_attr="ordered_events")
        )
        .order_by("received_at", "submitted_at", "id")
    )


def _notes(dossier: Dossier, events: list[DossierEvent]) -> list[str]:
    notes = []
    supplements = sum(1 for e in events if e.action == "request_supplement")
    if supplements:
        notes.append(f"Yêu cầu bổ sung {supplements} lần")
    for event in events:
        data = event.data or {}
        if event.action == "apologise":
            new_due = _local(data.get("new_due_at"))
            notes.append(f"Xin lỗi, hẹn lại {new_due:%d/%m/%Y}" if new_due else "Xin lỗi, hẹn lại")
        elif event.action == "refuse" and data.get("reason"):
            notes.append(f"Từ chối: {data['reason']}")
        elif event.action == "stop" and data.get("reason"):
            notes.append(f"Dừng: {data['reason']}")
        elif event.action == "return_result" and data.get("channel") in CHANNEL_LABELS:
            notes.append(f"Trả kết quả {CHANNEL_LABELS[data['channel']]}")
    return notes


def register_rows(
    *, agency, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> list[RegisterRow]:
    """Form 07 rows for ``agency`` and its subtree in the period — two queries whatever the size."""
    now = now or timezone.now()
    rows = []
    with translation.override("vi"):
        for number, dossier in enumerate(register_queryset(agency=agency, start=start, end=end), start=1):
            events = dossier.ordered_events
            handed = next((e.at for e in events if e.action in HANDOVER_ACTIONS), None)
            rows.append(
                RegisterRow(
                    number=number,
                    dossier_id=dossier.pk,
                    code=dossier.code or "",
                    procedure_name=dossier.procedure_version.name,
                    applicant_name=_person(dossier.applicant),
                    address=_applicant_address(dossier),
                    phone=_applicant_phone(dossier),
                    received_at=_local(dossier.received_at or dossier.submitted_at),
                    due_at=_local(dossier.due_at),
                    handed_over_at=_local(handed),
                    finished_at=_local(dossier.finished_at),
                    returned_at=_local(dossier.returned_at),
                    status=dossier.status,
                    status_label=str(dossier.get_status_display()),
                    late=is_late(dossier, events, now=now),
                    notes=_notes(dossier, events),
                )
            )
    return rows


REGISTER_COLUMNS = (
    ("STT", 6),
    ("Mã hồ sơ", 28),
    ("Tên thủ tục hành chính", 40),
    ("Tên tổ chức, cá nhân", 24),
    ("Địa chỉ, số điện thoại", 28),
    ("Ngày, giờ nhận hồ sơ", 14),
    ("Ngày hẹn trả kết quả", 14),
    ("Ngày chuyển hồ sơ đến cơ quan giải quyết", 16),
    ("Ngày có kết quả giải quyết", 14),
    ("Ngày trả kết quả", 14),
    ("Trạng thái", 18),
    ("Đúng hạn / Quá hạn", 12),
    ("Ghi chú", 30),
)
DATE_FORMAT = "dd/mm/yyyy"


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=None) if value else None


def register_xlsx(rows: list[RegisterRow], *, agency, start: dt.date, end: dt.date) -> bytes:
    """The register as an Excel workbook (openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "So theo doi ho so"
    width = len(REGISTER_COLUMNS)
    last = get_column_letter(width)
    sheet.append(["SỔ THEO DÕI HỒ SƠ"])
    sheet.append([agency.name])
    sheet.append([f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"])
    for line in (1, 2, 3):
        sheet.merge_cells(f"A{line}:{last}{line}")
        sheet[f"A{line}"].alignment = Alignment(horizontal="center")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"].font = Font(bold=True)
    header_row = 5
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for index, (title, column_width) in enumerate(REGISTER_COLUMNS, start=1):
        cell = sheet.cell(row=header_row, column=index, value=title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        sheet.column_dimensions[get_column_letter(index)].width = column_width
    for offset, row in enumerate(rows, start=1):
        values = [
            row.number,
            row.code,
            row.procedure_name,
            row.applicant_name,
            row.contact,
            _naive(row.received_at),
            _naive(row.due_at),
            _naive(row.handed_over_at),
            _naive(row.finished_at),
            _naive(row.returned_at),
            row.status_label,
            row.timeliness,
            row.note,
        ]
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=header_row + offset, column=index, value=value)
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(value, dt.datetime):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def register_pdf(rows: list[RegisterRow], *, agency, start: dt.date, end: dt.date) -> bytes:
    """The register as an A4 landscape PDF (WeasyPrint)."""
    from weasyprint import HTML

    with translation.override("vi"):
        html = render_to_string(
            "desk/forms/form07.html",
            {
                "title": FORM_TITLES["07"],
                "rows": rows,
                "columns": [title for title, _width in REGISTER_COLUMNS],
                "agency": agency,
                "parent_agency": agency.parent,
                "start": start,
                "end": end,
                "now": timezone.localtime(),
            },
        )
    return HTML(string=html).write_pdf()
