"""The e-form engine: the form specification of a procedure version becomes a step-by-step wizard.

``ProcedureVersion.form_spec`` (see :class:`motcua.catalog.schema.FormSpecIn`) lists steps, each
with fields. :class:`EForm` turns it into:

* :meth:`EForm.bound_step` / :meth:`EForm.clean_step` — a Django form per step, drawn by
  ``dossiers/eform/step.html`` and cleaned into *canonical values* (JSON, what a dossier stores
  in ``form_data``);
* :meth:`EForm.row_operation` — which "Thêm người" / "Xóa" / "show the communes" button was
  pressed (everything works without JavaScript);
* :meth:`EForm.validate_all` — the final check of every answer before submission;
* :meth:`EForm.summary` — the "Kiểm tra lại thông tin" list (``dossiers/eform/summary.html``);
* :meth:`EForm.document_slots` and :meth:`EForm.register_mapping` — the uploads the wizard asks
  for and the fields it prefills from the national population database.

Pure: no database writes; addresses read the administrative units in force. See
``docs/eforms.md`` for the canonical values and the rules.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from motcua.catalog.schema import FormFieldIn, FormSpecIn
from motcua.dossiers.eform_fields import (
    TEMPLATE_DIR,
    Context,
    Item,
    UnitDirectory,
    format_date,
    kind_for,
    parse_date,
)

__all__ = [
    "DocumentSlot",
    "EForm",
    "ErrorLink",
    "Step",
    "StepForm",
    "SummaryRow",
    "SummaryStep",
    "format_date",
    "parse_date",
]

ADD_ROW = "_add_row_"
REMOVE_ROW = "_remove_row_"
REFRESH = "_refresh_"


@dataclass(frozen=True)
class Step:
    """One page of the wizard. ``index`` counts from 0 (``number`` from 1, for "Bước 2/5")."""

    index: int
    title: str
    help: str
    fields: tuple[FormFieldIn, ...]
    has_documents: bool

    @property
    def number(self) -> int:
        return self.index + 1


@dataclass(frozen=True)
class DocumentSlot:
    """An upload the wizard asks for: a ``document`` field of the specification."""

    field: str
    document_code: str
    label: str
    required: bool
    step_index: int
    help: str = ""

    @property
    def step(self) -> int:
        """Alias of ``step_index``."""
        return self.step_index


@dataclass(frozen=True)
class SummaryRow:
    """One answer on the check-your-answers page. ``lines`` is the display text split for
    drawing (one line per row of a repeating group); ``parts`` gives a group's rows as
    ``[(label, text), …]``."""

    name: str
    label: str
    display: str
    from_register: bool
    type: str = "text"
    lines: tuple[str, ...] = ()
    parts: tuple[tuple[tuple[str, str], ...], ...] = ()
    edit_url: str = ""


@dataclass(frozen=True)
class SummaryStep:
    index: int
    title: str
    rows: list[SummaryRow] = field(default_factory=list)
    edit_url: str = ""


@dataclass(frozen=True)
class ErrorLink:
    """An entry of the error summary: the message and the id of the input it is about."""

    anchor: str
    message: str


# --- the Django form of one step ----------------------------------------------------------------


class _Widget(forms.Widget):
    """Reads the raw value of a field (several inputs for an address or a group) from the POST."""

    def __init__(self, spec: FormFieldIn, ctx: Context):
        super().__init__()
        self.spec, self.ctx = spec, ctx

    def __deepcopy__(self, memo):
        return copy.copy(self)  # keep sharing the form's context

    def value_from_datadict(self, data, files, name):
        return kind_for(self.spec).from_data(self.spec, data, name, self.ctx)

    def value_omitted_from_data(self, data, files, name):
        return False


class EFormField(forms.Field):
    """A field of the specification as a Django form field: ``clean`` gives the canonical value."""

    def __init__(self, spec: FormFieldIn, ctx: Context):
        super().__init__(
            required=spec.required, label=spec.label, help_text=spec.help, widget=_Widget(spec, ctx)
        )
        self.spec, self.ctx = spec, ctx
        self.widget.ctx = ctx

    def clean(self, value):
        return kind_for(self.spec).clean(self.spec, value, self.ctx, self.spec.name)


class StepForm(forms.Form):
    """The form of one step. Prefilled fields and document slots have no input: prefilled
    values come from the engine (never from the POST), documents are the wizard's business.

    For the templates: ``items`` (what to draw, in order), ``error_links`` (the error summary),
    ``step``, ``has_prefilled``, ``has_address``, ``children_url``. :meth:`set_external_errors`
    adds errors found elsewhere (uploads, submission checks) beside their fields.
    """

    def __init__(
        self,
        eform: EForm,
        step: Step,
        data=None,
        *,
        initial: Mapping[str, Any] | None = None,
        operation: tuple[str, str, int | None] | None = None,
    ):
        super().__init__(data=data)
        self.eform, self.step, self.operation = eform, step, operation
        self.answers = dict(initial or {})
        self.ctx = eform._context()
        self.external_errors: dict[str, list[str]] = {}
        for spec in step.fields:
            if spec.type != "document" and spec.name not in eform.prefilled:
                self.fields[spec.name] = EFormField(spec, self.ctx)

    # cleaning
    def full_clean(self):
        if self.is_bound and self.operation is not None:  # "Thêm người", "Xóa"…: no errors shown
            self._errors = ErrorDict(renderer=self.renderer)
            self.cleaned_data = {}
            return
        super().full_clean()

    @property
    def pending(self) -> bool:
        """True when an address's province was changed and its communes must be chosen again."""
        _ = self.errors
        return bool(self.ctx.pending)

    def is_valid(self) -> bool:
        return self.is_bound and self.operation is None and not self.errors and not self.ctx.pending

    @property
    def values(self) -> dict[str, Any] | None:
        """The canonical values of the step (prefilled ones included), ``None`` unless valid."""
        if not self.is_valid():
            return None
        out: dict[str, Any] = {}
        for spec in self.step.fields:
            if spec.type == "document":
                continue
            if spec.name in self.eform.prefilled:
                out[spec.name] = copy.deepcopy(self.eform.prefilled[spec.name])
            else:
                out[spec.name] = self.cleaned_data[spec.name]
        return out

    def set_external_errors(self, errors: Mapping[str, list[str]]) -> None:
        """Show errors found outside the engine (an upload, a submission check) beside the
        fields of this step and in the error summary. Keys that are not fields are ignored."""
        names = {spec.name for spec in self.step.fields}
        self.external_errors = {k: [str(m) for m in v] for k, v in errors.items() if k in names and v}
        self.__dict__.pop("items", None)

    # drawing
    def field_errors(self, name: str) -> list[tuple[str, str]]:
        """(message, anchor) pairs for a field of the step."""
        out: list[tuple[str, str]] = []
        if self.is_bound and self.operation is None:
            for error in self.errors.as_data().get(name, []):
                code = error.code or ""
                anchor = code[3:] if code.startswith("at:") else f"id_{name}"
                out.extend((str(message), anchor) for message in error.messages)
        out.extend((message, f"id_{name}") for message in self.external_errors.get(name, []))
        return out

    @property
    def error_links(self) -> list[ErrorLink]:
        return [
            ErrorLink(anchor, message)
            for spec in self.step.fields
            for message, anchor in self.field_errors(spec.name)
        ]

    @cached_property
    def items(self) -> list[Item]:
        if self.is_bound:
            _ = self.errors  # clean first: pending provinces and row errors shape the drawing
        items = []
        for spec in self.step.fields:
            kind = kind_for(spec)
            errors = self.field_errors(spec.name)
            if spec.type == "document":
                item = kind.item(spec, "", spec.name, errors, self.ctx)
                item.slot = self.eform._slot(spec.name)
            elif spec.name in self.eform.prefilled:
                item = kind.item(spec, "", spec.name, [], self.ctx)
                row = self.eform._summary_row(spec, self.eform.prefilled[spec.name], True, self.ctx)
                item.template = TEMPLATE_DIR + "_readonly.html"
                item.readonly, item.display, item.lines = True, row.display, list(row.lines)
            else:
                if self.is_bound:
                    raw = kind.from_data(spec, self.data, spec.name, self.ctx)
                elif spec.name in self.answers:
                    raw = kind.from_value(spec, self.answers[spec.name], self.ctx)
                else:
                    raw = kind.empty_raw(spec, self.ctx)
                item = kind.item(spec, raw, spec.name, errors, self.ctx, operation=self.operation)
            items.append(item)
        return items

    @property
    def has_prefilled(self) -> bool:
        return any(spec.name in self.eform.prefilled for spec in self.step.fields)

    @property
    def has_address(self) -> bool:
        return any(
            spec.name not in self.eform.prefilled
            and (spec.type == "address" or any(sub.type == "address" for sub in spec.fields))
            for spec in self.step.fields
        )

    @property
    def children_url(self) -> str:
        """``/api/v1/units/CODE/children``: the script puts the province code in place of CODE."""
        try:
            return reverse("api-v1:unit_children", kwargs={"code": "CODE"})
        except NoReverseMatch:  # pragma: no cover - the API is always mounted
            return "/api/v1/units/CODE/children"


# --- the engine ---------------------------------------------------------------------------------


class EForm:
    """A form specification as a wizard. ``prefilled`` maps field names to values from the
    national population database (for a group prefilled from ``household.members``: the list of
    members, each a dict of ``full_name``, ``personal_id``, ``birth_date``, ``sex``, ``relation``);
    values that are empty or cannot be used are ignored and the question is asked instead.
    ``today`` is for tests (default: today in Vietnam)."""

    def __init__(
        self,
        spec: Mapping[str, Any] | None,
        *,
        prefilled: Mapping[str, Any] | None = None,
        today: dt.date | None = None,
    ):
        self.spec = FormSpecIn.model_validate(dict(spec or {}))
        self.today = today
        self.steps: list[Step] = [
            Step(
                index=i,
                title=s.title,
                help=s.help,
                fields=tuple(s.fields),
                has_documents=any(f.type == "document" for f in s.fields),
            )
            for i, s in enumerate(self.spec.steps)
        ]
        self._fields: dict[str, tuple[FormFieldIn, int]] = {
            f.name: (f, step.index) for step in self.steps for f in step.fields
        }
        self.units = UnitDirectory(today)
        ctx = self._context()
        self.prefilled: dict[str, Any] = {}
        for name, value in (prefilled or {}).items():
            entry = self._fields.get(name)
            if entry is None or entry[0].type == "document":
                continue
            coerced = kind_for(entry[0]).coerce(entry[0], value, ctx)
            if coerced is not None:
                self.prefilled[name] = coerced

    def __len__(self) -> int:
        return len(self.steps)

    def prefilled_values(self) -> dict[str, Any]:
        """The usable register values as canonical values (what a draft stores in ``form_data``
        with their names in ``prefilled_fields``)."""
        return copy.deepcopy(self.prefilled)

    def _context(self) -> Context:
        return Context(self.units, self.today or timezone.localdate())

    def _step(self, index: int) -> Step:
        if not 0 <= index < len(self.steps):
            raise IndexError(f"this form has no step {index}")
        return self.steps[index]

    def required_field_names(self) -> set[str]:
        """The top-level fields the form requires."""
        return {name for name, (spec, _index) in self._fields.items() if spec.required}

    def field(self, name: str) -> FormFieldIn | None:
        entry = self._fields.get(name)
        return entry[0] if entry else None

    def step_index_of(self, name: str) -> int | None:
        """The step that asks field ``name`` (to send the citizen back to fix it)."""
        entry = self._fields.get(name)
        return entry[1] if entry else None

    # the wizard
    def row_operation(self, data) -> tuple[str, str, int | None] | None:
        """Which extra button of a step was pressed, if any: ``(group, "add", None)``,
        ``(group, "remove", row)`` or ``(field, "refresh", row or None)`` (show the communes of
        the province just chosen). ``None`` means "Tiếp tục". On an operation the wizard shows
        the step again with :meth:`bound_step` — nothing is validated or saved."""
        if data is None:
            return None
        for key in list(data.keys()):
            if key.startswith(ADD_ROW):
                name = key[len(ADD_ROW) :]
                if self._is_group(name):
                    return (name, "add", None)
            elif key.startswith(REMOVE_ROW):
                name, _sep, index = key[len(REMOVE_ROW) :].rpartition("_")
                if self._is_group(name) and index.isdigit() and len(index) <= 4:
                    return (name, "remove", int(index))
            elif key.startswith(REFRESH):
                top, _sep, rest = key[len(REFRESH) :].partition("-")
                if top in self._fields:
                    row = rest.split("-", 1)[0]
                    return (top, "refresh", int(row) if row.isdigit() and len(row) <= 4 else None)
        return None

    def _is_group(self, name: str) -> bool:
        entry = self._fields.get(name)
        return entry is not None and entry[0].type == "group"

    def bound_step(self, index: int, data=None, *, initial: Mapping[str, Any] | None = None) -> StepForm:
        """The form of step ``index``: unbound showing ``initial`` (saved canonical answers),
        or bound to ``data`` (the POST). A row operation in ``data`` is applied for drawing."""
        step = self._step(index)
        operation = self.row_operation(data)
        if operation is not None and self._fields[operation[0]][1] != index:
            operation = None
        return StepForm(self, step, data, initial=initial, operation=operation)

    def clean_step(self, index: int, data) -> tuple[dict[str, Any] | None, StepForm]:
        """(canonical values, form) — values are ``None`` whenever the step must be shown again:
        errors (beside the fields), a province changed without JavaScript, or a row operation."""
        form = self.bound_step(index, data)
        return form.values, form

    def validate_all(self, answers: Mapping[str, Any] | None) -> dict[str, list[str]]:
        """Check every non-document field of every step against the saved ``answers`` (prefilled
        fields excepted: they come from the register). Field name → messages; ``{}`` if valid."""
        answers = answers or {}
        problems: dict[str, list[str]] = {}
        for step in self.steps:
            ctx = self._context()
            for spec in step.fields:
                if spec.type == "document" or spec.name in self.prefilled:
                    continue
                kind = kind_for(spec)
                if spec.name in answers:
                    raw = kind.from_value(spec, answers[spec.name], ctx)
                else:
                    raw = kind.empty_raw(spec, ctx)
                try:
                    kind.clean(spec, raw, ctx, spec.name)
                except ValidationError as exc:
                    problems[spec.name] = [str(m) for m in exc.messages]
        return problems

    def summary(
        self, answers: Mapping[str, Any] | None, *, edit_url: Callable[[int], str] | None = None
    ) -> list[SummaryStep]:
        """Per step, every non-document answer as text (dates ``dd/mm/yyyy``, choice labels,
        addresses "Ấp X, Xã Tân Đông, Tỉnh Tây Ninh"), marked when it came from the register.

        ``edit_url(step_index)`` (optional) gives the URL of a step; the rows then carry their
        own "Sửa" link (``<url>#id_<name>``). Without it, ``summary.html`` builds
        ``<edit_url>?step=<index>#id_<name>`` from its ``edit_url`` context variable."""
        answers = answers or {}
        ctx = self._context()
        out = []
        for step in self.steps:
            base = edit_url(step.index) if edit_url else ""
            rows = []
            for spec in step.fields:
                if spec.type == "document":
                    continue
                from_register = spec.name in self.prefilled
                value = self.prefilled[spec.name] if from_register else answers.get(spec.name)
                link = f"{base}#id_{spec.name}" if base and not from_register else ""
                rows.append(self._summary_row(spec, value, from_register, ctx, edit_url=link))
            out.append(SummaryStep(step.index, step.title, rows, edit_url=base))
        return out

    def _summary_row(
        self, spec: FormFieldIn, value: Any, from_register: bool, ctx: Context, edit_url: str = ""
    ) -> SummaryRow:
        kind = kind_for(spec)
        parts: tuple = ()
        if spec.type == "group":
            parts = tuple(tuple(row) for row in kind.parts(spec, value, ctx))
            lines = tuple("; ".join(f"{label}: {text}" for label, text in row) for row in parts)
        else:
            display = kind.display(spec, value, ctx)
            lines = tuple(display.split("\n")) if display else ()
        return SummaryRow(
            name=spec.name,
            label=spec.label,
            display=kind.display(spec, value, ctx) if spec.type == "group" else "\n".join(lines),
            from_register=from_register,
            type=spec.type,
            lines=lines,
            parts=parts,
            edit_url=edit_url,
        )

    def document_slots(self) -> list[DocumentSlot]:
        return [
            DocumentSlot(
                field=f.name,
                document_code=f.document,
                label=f.label,
                required=f.required,
                step_index=step.index,
                help=f.help,
            )
            for step in self.steps
            for f in step.fields
            if f.type == "document"
        ]

    def _slot(self, name: str) -> DocumentSlot | None:
        return next((s for s in self.document_slots() if s.field == name), None)

    def register_mapping(self) -> dict[str, str]:
        """Form field name → population-register key, for the top-level fields with ``prefill``."""
        return {f.name: f.prefill for step in self.steps for f in step.fields if f.prefill}
