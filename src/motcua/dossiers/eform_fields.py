"""Field kinds of the e-form engine (:mod:`motcua.dossiers.eforms`).

A *kind* handles one field type of a form specification (``text``, ``date``, ``address``…):

* ``from_data``  — the raw input posted by the browser (it is also what the inputs show again),
* ``from_value`` — the raw input for a saved canonical value,
* ``clean``      — raw input → canonical value, or ``ValidationError`` whose message says what to do,
* ``coerce``     — a value from the population register (or an already canonical one) →
  canonical value, ``None`` when it cannot be used (the question is then asked),
* ``display``    — canonical value → text for the check-your-answers page,
* ``item``       — what the templates need to draw the field.

Nothing here writes to the database; addresses read the administrative units in force.
Every piece of text that comes in is passed through :func:`clean_text` (NFC, control
characters removed, length capped) and is stored as inert text — the templates escape it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.personal_id import normalise as normalise_personal_id
from motcua.accounts.personal_id import parse_personal_id
from motcua.core.text import fold

#: Where an address starts when nothing is chosen yet: Tây Ninh (GSO code since 1 July 2025).
DEFAULT_PROVINCE = "80"
#: No raw input is kept longer than this (the value is then rejected as too long).
RAW_LIMIT = 10_000
#: Hard caps per type, whatever the specification says.
CAPS = {
    "text": 500,
    "textarea": 4000,
    "email": 254,
    "address_detail": 300,
    "choice": 100,
    "short": 40,  # personal ID, phone, number, date as typed
}
MIN_YEAR = 1900
TEMPLATE_DIR = "dossiers/eform/"

# C0 and C1 control characters except tab and newline (handled separately), zero-width space,
# left-to-right/right-to-left marks, bidi embeddings/overrides/isolates, invisible operators,
# byte-order mark and interlinear annotation characters.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def clean_text(value: Any, *, multiline: bool = False, limit: int = RAW_LIMIT) -> str:
    """``value`` as safe plain text: NFC (Vietnamese typed in decomposed form is composed),
    control and invisible formatting characters removed, runs of spaces collapsed, stripped,
    at most ``limit`` characters. Newlines are kept only when ``multiline``."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    value = unicodedata.normalize("NFC", value[: limit * 2])
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        value = value.replace("\n", " ")
    value = _INVISIBLE.sub("", value)
    if multiline:
        value = "\n".join(_SPACES.sub(" ", line).strip() for line in value.split("\n"))
        value = re.sub(r"\n{3,}", "\n\n", value)
    else:
        value = _SPACES.sub(" ", value)
    return value.strip()[:limit]


def get_raw(data, key: str) -> Any:
    """One posted value (the last one when a key is repeated), ``None`` when absent."""
    if data is None:
        return None
    if hasattr(data, "getlist"):
        values = data.getlist(key)
        return values[-1] if values else None
    value = data.get(key)
    if isinstance(value, list | tuple):
        return value[-1] if value else None
    return value


def label_phrase(label: str) -> str:
    """A label as it reads inside a sentence: "Họ và tên" → "họ và tên" (acronyms kept)."""
    label = label.strip().rstrip(":").strip()
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        label = label[0].lower() + label[1:]
    return label


def required_message(spec) -> str:
    """What to say when a required field is left empty — an instruction, not a diagnosis."""
    label = spec.label.strip()
    if spec.type == "choice":
        return _("Choose an answer for “%(label)s”") % {"label": label}
    if spec.type == "checkbox":
        return _("Tick the box “%(label)s” to continue") % {"label": label}
    if spec.type == "personal_id":
        return parse_personal_id("").reasons[0][1]
    if spec.type == "document":
        return _("Attach %(label)s") % {"label": label_phrase(label)}
    if label.endswith("?"):
        return _("Answer the question “%(label)s”") % {"label": label}
    return _("Enter %(label)s") % {"label": label_phrase(label)}


# --- patterns -----------------------------------------------------------------------------------

_DIGIT = r"(?:\\d|\[0-9\])"
_PATTERN_DIGITS = re.compile(rf"\^?(0?){_DIGIT}\{{(\d+)(?:,(\d+))?\}}\$?")
_PATTERN_ONLY_DIGITS = re.compile(rf"\^?{_DIGIT}[+*]\$?")


def describe_pattern(pattern: str, help_text: str = "") -> str:
    """What to type for a field whose value must match ``pattern`` — never the regex itself."""
    match = _PATTERN_DIGITS.fullmatch(pattern)
    if match:
        leading_zero, low, high = match.group(1), int(match.group(2)), match.group(3)
        if leading_zero and high is None:
            return _("Enter %(n)d digits, starting with 0") % {"n": low + 1}
        if high is not None and not leading_zero:
            return _("Enter %(low)d to %(high)d digits, without spaces or letters") % {
                "low": low,
                "high": int(high),
            }
        if not leading_zero:
            return _("Enter exactly %(n)d digits, without spaces or letters") % {"n": low}
    if _PATTERN_ONLY_DIGITS.fullmatch(pattern):
        return _("Enter digits only, without spaces or letters")
    if help_text:
        return _("Write it as the hint says: %(hint)s") % {"hint": help_text}
    return _("Check what you entered: it is not written the way this question needs")


def matches(pattern: str, value: str) -> bool:
    try:
        return re.fullmatch(pattern, value) is not None
    except re.error:  # a broken pattern never blocks a citizen
        return True


# --- dates --------------------------------------------------------------------------------------

_SEP = r"\s*[/.\-,\s]\s*"
_DMY = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d+)")
_DMY_COMPACT = re.compile(r"(\d{2})(\d{2})(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MY = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{4}})")


class DateInputError(ValueError):
    """A typed date that cannot be read; ``code`` is ``format``, ``year`` or ``impossible``."""

    def __init__(self, code: str, typed: str = ""):
        super().__init__(code)
        self.code = code
        self.typed = typed


def parse_date(text: str, *, month_precision: bool = False) -> dt.date:
    """Read a date typed as ``dd/mm/yyyy`` (also ``d/m/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``,
    ``ddmmyyyy`` from a numeric keypad, and ISO ``yyyy-mm-dd``). With ``month_precision``,
    ``mm/yyyy`` is read as the first day of that month. Raises :class:`DateInputError`."""
    text = clean_text(text, limit=CAPS["short"])
    match = _ISO.fullmatch(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DMY.fullmatch(text) or _DMY_COMPACT.fullmatch(text)
        if match:
            day, month = int(match.group(1)), int(match.group(2))
            if len(match.group(3)) != 4:
                raise DateInputError("year", text)
            year = int(match.group(3))
        else:
            match = _MY.fullmatch(text) if month_precision else None
            if not match:
                raise DateInputError("format", text)
            day, month, year = 1, int(match.group(1)), int(match.group(2))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateInputError("impossible", f"{day:02d}/{month:02d}/{year:04d}") from None


def format_date(value: dt.date) -> str:
    """``dd/mm/yyyy``, as Vietnamese readers expect."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _as_date(value: Any) -> dt.date | None:
    """A canonical or register date value (date, datetime, ISO or dd/mm/yyyy string) or ``None``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return parse_date(value)
        except DateInputError:
            return None
    return None


# --- numbers ------------------------------------------------------------------------------------

_NUMBER_CHARS = re.compile(r"[+-]?[\d.,]+")


def parse_number(text: str) -> Decimal:
    """Read a number as Vietnamese write it: ``1.000.000`` (dots group thousands), ``12,5``
    (decimal comma); ``12.5`` and ``1,000,000`` are understood too. Raises ``ValueError``."""
    s = _SPACES.sub("", clean_text(text, limit=CAPS["short"])).replace("\u2212", "-")
    if not _NUMBER_CHARS.fullmatch(s) or not any(ch.isdigit() for ch in s):
        raise ValueError("not a number")
    sign = "-" if s.startswith("-") else ""
    body = s.lstrip("+-")

    def grouped(part: str, sep: str) -> bool:
        return re.fullmatch(rf"[1-9]\d{{0,2}}(?:{re.escape(sep)}\d{{3}})+", part) is not None

    if "." in body and "," in body:
        decimal_sep = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        whole, _sep, frac = body.rpartition(decimal_sep)
        if thousands in frac or not (grouped(whole, thousands) or whole.isdigit()):
            raise ValueError("bad grouping")
        body = whole.replace(thousands, "") + "." + frac
    elif "." in body:
        if grouped(body, "."):
            body = body.replace(".", "")
        elif body.count(".") != 1:
            raise ValueError("bad grouping")
    elif "," in body:
        if body.count(",") == 1:
            body = body.replace(",", ".")
        elif grouped(body, ","):
            body = body.replace(",", "")
        else:
            raise ValueError("bad grouping")
    whole, _sep, frac = body.partition(".")
    if not whole:
        whole = "0"
    if not whole.isdigit() or (frac and not frac.isdigit()) or len(whole.lstrip("0")) > 15 or len(frac) > 6:
        raise ValueError("too long")
    try:
        return Decimal(f"{sign}{whole}.{frac or '0'}")
    except InvalidOperation as exc:  # pragma: no cover - guarded by the checks above
        raise ValueError("not a number") from exc


def number_str(value: Decimal) -> str:
    """The canonical text of a number: no exponent, no trailing zeros (``"1000000"``, ``"12.5"``)."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def format_number(value: Decimal | str | int) -> str:
    """A number for Vietnamese readers: ``1.000.000``, ``12,5``."""
    try:
        text = number_str(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)
    negative = text.startswith("-")
    whole, _sep, frac = text.lstrip("-").partition(".")
    out = f"{int(whole):,}".replace(",", ".")
    if frac:
        out += "," + frac
    return ("-" if negative else "") + out


# --- phones -------------------------------------------------------------------------------------

_MOBILE = re.compile(r"0[35789]\d{8}")
_LANDLINE = re.compile(r"02\d{9}")


def normalise_phone(text: str) -> str | None:
    """A Vietnamese phone number as ``0xxxxxxxxx``: mobile (10 digits, 03/05/07/08/09…) or
    landline (11 digits, 02…); ``+84``/``84``/``0084`` become ``0``. ``None`` when not a number."""
    s = re.sub(r"[\s.\-()/]", "", clean_text(text, limit=CAPS["short"]))
    if s.startswith("+84"):
        s = "0" + s[3:]
    elif s.startswith("0084"):
        s = "0" + s[4:]
    elif s.startswith("84") and len(s) in (11, 12):
        s = "0" + s[2:]
    if _MOBILE.fullmatch(s) or _LANDLINE.fullmatch(s):
        return s
    return None


# --- units --------------------------------------------------------------------------------------

_TYPE_PREFIX = re.compile(r"^(tinh|thanh pho|xa|phuong|dac khu|thi tran) ")
_CODE = re.compile(r"\d{1,5}")


def _unit_sort_key(name: str) -> str:
    return _TYPE_PREFIX.sub("", fold(name))


class UnitDirectory:
    """Reads of the administrative units in force: the lists are shared through the cache
    (``org.selectors.cached_units``, renewed when units change), names kept per engine."""

    def __init__(self, today: dt.date | None = None):
        self.today = today
        self._provinces: list[tuple[str, str]] | None = None
        self._communes: dict[str, list[tuple[str, str]]] = {}
        self._names: dict[tuple[str, str], str] = {}

    def provinces(self) -> list[tuple[str, str]]:
        """(code, name) of the provinces in force, by name without "Tỉnh"/"Thành phố"."""
        if self._provinces is None:
            from motcua.org import selectors

            def build() -> list[tuple[str, str]]:
                rows = list(selectors.current_provinces(today=self.today).values_list("code", "name"))
                rows.sort(key=lambda row: _unit_sort_key(row[1]))
                return rows

            rows = selectors.cached_units("provinces", self.today or timezone.localdate(), build)
            self._provinces = rows
            self._names.update({("province", code): name for code, name in rows})
        return self._provinces

    def is_province(self, code: str) -> bool:
        return any(c == code for c, _n in self.provinces())

    def communes(self, province_code: str) -> list[tuple[str, str]]:
        """(code, name) of the communes and wards in force in the province, by name."""
        if not _CODE.fullmatch(province_code or ""):
            return []
        if province_code not in self._communes:
            from motcua.org import selectors

            def build() -> list[tuple[str, str]]:
                rows: list[tuple[str, str]] = []
                province = selectors.current_unit(province_code, level="province", today=self.today)
                if province is not None:
                    rows = list(
                        selectors.current_children(province, today=self.today).values_list("code", "name")
                    )
                rows.sort(key=lambda row: _unit_sort_key(row[1]))
                return rows

            rows = []
            if self.is_province(province_code):
                day = self.today or timezone.localdate()
                rows = selectors.cached_units(f"communes:{province_code}", day, build)
            self._communes[province_code] = rows
            self._names.update({("commune", code): name for code, name in rows})
        return self._communes[province_code]

    def name(self, level: str, code: str) -> str:
        """The unit's name — in force today, else the latest one that had the code; ``""``."""
        if not code or not _CODE.fullmatch(code):
            return ""
        key = (level, code)
        if key not in self._names:
            from motcua.org import selectors
            from motcua.org.models import AdministrativeUnit

            unit = selectors.current_unit(code, level=level, today=self.today)
            if unit is None:
                unit = (
                    AdministrativeUnit.objects.filter(level=level, code=code).order_by("-valid_from").first()
                )
            self._names[key] = unit.name if unit else ""
        return self._names[key]


# --- per-form state -----------------------------------------------------------------------------


class Context:
    """What one round of cleaning needs and finds: unit reads, today, changes of province that
    need the step shown again, and the errors of the sub-fields of repeating groups."""

    def __init__(self, units: UnitDirectory, today: dt.date):
        self.units = units
        self.today = today
        self.pending: set[str] = set()
        self.row_errors: dict[str, list[tuple[str, str]]] = {}


def _anchor(html_name: str, part: str = "") -> str:
    return f"id_{html_name}-{part}" if part else f"id_{html_name}"


def at(anchor: str) -> str:
    """The ``ValidationError`` code that makes the error summary link to ``anchor``."""
    return f"at:{anchor}"


# --- what the templates draw --------------------------------------------------------------------


@dataclass
class Option:
    value: str
    label: str
    id: str = ""
    selected: bool = False


@dataclass
class Row:
    index: int
    number: int
    legend: str
    items: list[Item]
    remove_name: str
    remove_label: str
    can_remove: bool


@dataclass
class Item:
    """One field as the templates draw it. ``id`` is the id of the first input (what the error
    summary and the "Sửa" links point at)."""

    template: str
    name: str
    html_name: str
    type: str
    label: str
    required: bool = False
    help: str = ""
    hint: str = ""
    value: Any = ""
    errors: list[str] = field(default_factory=list)
    invalid: set[str] = field(default_factory=set)
    attrs: dict[str, str] = field(default_factory=dict)
    css: str = ""
    options: list[Option] = field(default_factory=list)
    # address
    provinces: list[Option] = field(default_factory=list)
    communes: list[Option] = field(default_factory=list)
    province_value: str = ""
    detail: str = ""
    built_for: str = ""
    note: str = ""
    # group
    rows: list[Row] = field(default_factory=list)
    row_count: int = 0
    add_name: str = ""
    add_label: str = ""
    can_add: bool = False
    # read-only (prefilled) and documents
    readonly: bool = False
    display: str = ""
    lines: list[str] = field(default_factory=list)
    slot: Any = None
    optional_marker: bool = False

    @property
    def id(self) -> str:
        return _anchor(self.html_name)

    @property
    def help_id(self) -> str:
        return f"{self.id}-help" if self.help else ""

    @property
    def hint_id(self) -> str:
        return f"{self.id}-hint" if self.hint else ""

    @property
    def error_id(self) -> str:
        return f"{self.id}-error" if self.errors else ""

    @property
    def describedby(self) -> str:
        return " ".join(i for i in (self.help_id, self.hint_id, self.error_id) if i)

    @property
    def commune_id(self) -> str:
        return _anchor(self.html_name, "commune")

    @property
    def detail_id(self) -> str:
        return _anchor(self.html_name, "detail")

    @property
    def province_invalid(self) -> bool:
        return self.id in self.invalid

    @property
    def commune_invalid(self) -> bool:
        return self.commune_id in self.invalid

    @property
    def detail_invalid(self) -> bool:
        return self.detail_id in self.invalid


# --- kinds --------------------------------------------------------------------------------------


class Kind:
    """Single-line text; the base of the other kinds."""

    type = "text"
    cap = CAPS["text"]
    multiline = False
    template = "_input.html"
    css = ""

    # raw input
    def empty_raw(self, spec, ctx: Context) -> Any:
        return ""

    def from_data(self, spec, data, name: str, ctx: Context) -> Any:
        return clean_text(get_raw(data, name), multiline=self.multiline)

    def from_value(self, spec, value: Any, ctx: Context) -> Any:
        if value is None or isinstance(value, dict | list):
            return ""
        return clean_text(value, multiline=self.multiline)

    def is_empty(self, spec, raw: Any) -> bool:
        return raw in (None, "")

    def empty_value(self, spec) -> Any:
        return ""

    # canonical value
    def clean(self, spec, raw: Any, ctx: Context, name: str) -> Any:
        value = clean_text(raw, multiline=self.multiline)
        if not value:
            if spec.required:
                raise ValidationError(required_message(spec), code="required")
            return self.empty_value(spec)
        return self.check(spec, value, ctx)

    def check(self, spec, value: str, ctx: Context) -> Any:
        limit = min(spec.max_length or self.cap, self.cap)
        if len(value) > limit:
            raise ValidationError(
                _("Enter at most %(n)d characters; you entered %(count)d.")
                % {"n": limit, "count": len(value)},
                code="max_length",
            )
        if spec.min_length and len(value) < spec.min_length:
            raise ValidationError(
                _("Enter at least %(n)d characters.") % {"n": spec.min_length}, code="min_length"
            )
        if spec.pattern and not matches(spec.pattern, value):
            raise ValidationError(describe_pattern(spec.pattern, spec.help), code="pattern")
        return value

    def coerce(self, spec, value: Any, ctx: Context) -> Any:
        """A register (or saved) value → canonical, ``None`` when empty or unusable."""
        raw = self.from_value(spec, value, ctx)
        if self.is_empty(spec, raw):
            return None
        try:
            result = self.clean(spec, raw, ctx, spec.name)
        except ValidationError:
            return None
        return None if result in (None, "", [], {}) else result

    def display(self, spec, value: Any, ctx: Context) -> str:
        if value is None or isinstance(value, dict | list):
            return ""
        return clean_text(value, multiline=self.multiline)

    # drawing
    def hint(self, spec) -> str:
        return ""

    def attrs(self, spec) -> dict[str, str]:
        return {"type": "text"}

    def item(self, spec, raw: Any, html_name: str, errors: list[tuple[str, str]], ctx: Context, **kw) -> Item:
        return Item(
            template=TEMPLATE_DIR + self.template,
            name=spec.name,
            html_name=html_name,
            type=spec.type,
            label=spec.label,
            required=spec.required,
            help=spec.help,
            hint=self.hint(spec),
            value=raw,
            errors=[message for message, _a in errors],
            invalid={a for _m, a in errors},
            attrs=self.attrs(spec),
            css=self.css,
            optional_marker=not spec.required and "(nếu" not in spec.label.lower(),
        )


class TextKind(Kind):
    def attrs(self, spec):
        attrs = {"type": "text"}
        if "ho_ten" in spec.name:
            attrs.update(autocapitalize="words", autocomplete="off", spellcheck="false")
        elif spec.pattern:
            attrs.update(spellcheck="false")
        return attrs


class TextareaKind(Kind):
    type = "textarea"
    cap = CAPS["textarea"]
    multiline = True
    template = "_textarea.html"


class EmailKind(Kind):
    type = "email"
    cap = CAPS["email"]
    css = "eform-input--medium"

    def check(self, spec, value, ctx):
        value = super().check(spec, value, ctx)
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                _("Enter an email address such as name@example.com"), code="invalid"
            ) from None
        local, _at, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}"

    def attrs(self, spec):
        return {
            "type": "text",
            "inputmode": "email",
            "autocomplete": "email",
            "autocapitalize": "none",
            "spellcheck": "false",
        }


class PersonalIdKind(Kind):
    type = "personal_id"
    cap = CAPS["short"]
    css = "eform-input--short"

    def check(self, spec, value, ctx):
        number = normalise_personal_id(value)
        info = parse_personal_id(number, today=ctx.today)
        if not info.valid:
            raise ValidationError([ValidationError(message, code=code) for code, message in info.reasons])
        if spec.pattern and not matches(spec.pattern, number):
            raise ValidationError(describe_pattern(spec.pattern, spec.help), code="pattern")
        return number

    def attrs(self, spec):
        return {"type": "text", "inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}


class PhoneKind(Kind):
    type = "phone"
    cap = CAPS["short"]
    css = "eform-input--short"

    def check(self, spec, value, ctx):
        number = normalise_phone(value)
        if number is None:
            raise ValidationError(
                _("Enter a phone number of 10 digits starting with 0, for example 0912345678"),
                code="invalid",
            )
        if spec.pattern and not matches(spec.pattern, number):
            raise ValidationError(describe_pattern(spec.pattern, spec.help), code="pattern")
        return number

    def hint(self, spec):
        return _("For example: 0912345678")

    def attrs(self, spec):
        return {"type": "tel", "autocomplete": "tel"}


class NumberKind(Kind):
    type = "number"
    cap = CAPS["short"]
    css = "eform-input--short"

    def empty_value(self, spec):
        return None

    def from_value(self, spec, value, ctx):
        if value is None or isinstance(value, dict | list | bool):
            return ""
        text = clean_text(value, limit=CAPS["short"])
        try:  # a canonical "12.5" is shown as "12,5" so it reads back the same
            return number_str(Decimal(text)).replace(".", ",")
        except (InvalidOperation, ValueError):
            return text

    def check(self, spec, value, ctx):
        try:
            number = parse_number(value)
        except ValueError:
            raise ValidationError(_("Enter a number, for example 12 or 12,5"), code="invalid") from None
        low, high = spec.min, spec.max
        if (low is not None and number < low) or (high is not None and number > high):
            if low is not None and high is not None:
                message = _("Enter a number from %(min)s to %(max)s")
            elif low is not None:
                message = _("Enter a number of %(min)s or more")
            else:
                message = _("Enter a number of %(max)s or less")
            params = {"min": format_number(low) if low is not None else "", "max": format_number(high or 0)}
            raise ValidationError(message % params, code="range")
        return number_str(number)

    def display(self, spec, value, ctx):
        if value in (None, "") or isinstance(value, dict | list | bool):
            return ""
        return format_number(value)

    def hint(self, spec):
        if spec.min is not None and spec.max is not None:
            return _("From %(min)s to %(max)s") % {
                "min": format_number(spec.min),
                "max": format_number(spec.max),
            }
        return ""

    def attrs(self, spec):
        return {"type": "text", "inputmode": "decimal", "autocomplete": "off"}


def _past_only(spec) -> str:
    """``"birth"`` or ``"death"`` when the date cannot be after today, else ``""``."""
    if spec.prefill == "birth_date" or "ngay_sinh" in spec.name:
        return "birth"
    if "ngay_mat" in spec.name or "ngay_chet" in spec.name:
        return "death"
    return ""


def _month_precision(spec) -> bool:
    label = fold(spec.label)
    return "thang nam" in label and "ngay" not in label


class DateKind(Kind):
    type = "date"
    cap = CAPS["short"]
    css = "eform-input--date"

    def empty_value(self, spec):
        return None

    def from_value(self, spec, value, ctx):
        day = _as_date(value)
        if day is not None:
            return format_date(day)
        return (
            "" if value is None or isinstance(value, dict | list) else clean_text(value, limit=CAPS["short"])
        )

    def check(self, spec, value, ctx):
        try:
            day = parse_date(value, month_precision=_month_precision(spec))
        except DateInputError as exc:
            if exc.code == "impossible":
                message = _("%(date)s is not a real date. Check the day and the month.") % {"date": exc.typed}
            elif exc.code == "year":
                message = _("Enter the year with 4 digits, for example 2024")
            else:
                message = _("Enter the date as day/month/year, for example 05/09/2024")
            raise ValidationError(message, code=exc.code) from None
        if day.year < MIN_YEAR:
            raise ValidationError(
                _("Check the year: it must be %(year)d or later") % {"year": MIN_YEAR}, code="year"
            )
        if day.year > ctx.today.year + 100:
            raise ValidationError(
                _("Check the year: it must be %(year)d or earlier") % {"year": ctx.today.year + 100},
                code="year",
            )
        past_only = _past_only(spec)
        if past_only and day > ctx.today:
            if past_only == "birth":
                message = _("The date of birth cannot be after today. Check the year of birth.")
            else:
                message = _("The date of death cannot be after today. Check the date.")
            raise ValidationError(message, code="future")
        return day.isoformat()

    def display(self, spec, value, ctx):
        day = _as_date(value)
        return format_date(day) if day else ""

    def hint(self, spec):
        if _month_precision(spec):
            return _("For example: 09/2024 or 05/09/2024")
        return _("For example: 05/09/2024")

    def attrs(self, spec):
        attrs = {"type": "text", "inputmode": "numeric", "autocomplete": "off"}
        if spec.prefill == "birth_date":
            attrs["autocomplete"] = "bday"
        return attrs


# Spellings of the same answer that registers and other systems use.
_SYNONYMS = ({"nam", "male", "m", "trai"}, {"nu", "female", "f", "gai"})


class ChoiceKind(Kind):
    type = "choice"
    cap = CAPS["choice"]

    def values(self, spec) -> list[str]:
        return [c.value for c in spec.choices]

    def check(self, spec, value, ctx):
        if value not in self.values(spec):
            raise ValidationError(_("Choose one of the answers listed"), code="invalid_choice")
        return value

    def coerce(self, spec, value, ctx):
        if value is None or isinstance(value, dict | list | bool):
            return None
        text = clean_text(value, limit=CAPS["choice"])
        if text in self.values(spec):
            return text
        folded = fold(text)
        for choice in spec.choices:
            if folded and folded in (fold(choice.value), fold(choice.label)):
                return choice.value
        for group in _SYNONYMS:
            if folded in group:
                for choice in spec.choices:
                    if fold(choice.value) in group or fold(choice.label) in group:
                        return choice.value
        return None

    def display(self, spec, value, ctx):
        for choice in spec.choices:
            if choice.value == value:
                return choice.label
        return super().display(spec, value, ctx)

    def item(self, spec, raw, html_name, errors, ctx, **kw):
        item = super().item(spec, raw, html_name, errors, ctx, **kw)
        radios = len(spec.choices) <= 5
        item.template = TEMPLATE_DIR + ("_radios.html" if radios else "_select.html")
        item.options = [
            Option(
                value=c.value,
                label=c.label,
                id=item.id if i == 0 else f"{item.id}-{i}",
                selected=c.value == raw,
            )
            for i, c in enumerate(spec.choices)
        ]
        return item


_TRUE = {"on", "1", "true", "yes", "co", "có"}


class CheckboxKind(Kind):
    type = "checkbox"
    template = "_checkbox.html"

    def empty_raw(self, spec, ctx):
        return False

    def from_data(self, spec, data, name, ctx):
        value = get_raw(data, name)
        return value is not None and clean_text(value, limit=10).lower() not in (
            "",
            "0",
            "false",
            "off",
            "no",
        )

    def from_value(self, spec, value, ctx):
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return clean_text(value, limit=10).lower() in _TRUE
        return bool(value) if isinstance(value, int) else False

    def is_empty(self, spec, raw):
        return not raw

    def empty_value(self, spec):
        return False

    def clean(self, spec, raw, ctx, name):
        checked = self.from_value(spec, raw, ctx)
        if spec.required and not checked:
            raise ValidationError(required_message(spec), code="required")
        return checked

    def coerce(self, spec, value, ctx):
        return None if value is None else self.from_value(spec, value, ctx)

    def display(self, spec, value, ctx):
        return _("Yes") if value is True else _("No")


class AddressKind(Kind):
    """Province (select) + commune or ward (select) + house number, street or hamlet (text).

    The commune list is built for one province; a hidden ``<name>-for`` input says which. When
    the posted province differs from it (the citizen changed the province without JavaScript),
    cleaning records the field as *pending* instead of failing: the step is shown again with
    the communes of the new province.
    """

    type = "address"
    template = "_address.html"

    def empty_raw(self, spec, ctx):
        return {"province": DEFAULT_PROVINCE, "commune": "", "detail": "", "for": DEFAULT_PROVINCE}

    def from_data(self, spec, data, name, ctx):
        province = clean_text(get_raw(data, f"{name}-province"), limit=10)
        built_for = get_raw(data, f"{name}-for")
        return {
            "province": province,
            "commune": clean_text(get_raw(data, f"{name}-commune"), limit=10),
            "detail": clean_text(get_raw(data, f"{name}-detail")),
            "for": province if built_for is None else clean_text(built_for, limit=10),
        }

    def from_value(self, spec, value, ctx):
        raw = self.empty_raw(spec, ctx)
        if isinstance(value, dict):
            province = clean_text(value.get("province") or value.get("province_code") or "", limit=10)
            raw.update(
                province=province or DEFAULT_PROVINCE,
                commune=clean_text(value.get("commune") or value.get("commune_code") or "", limit=10),
                detail=clean_text(value.get("detail") or value.get("address_detail") or ""),
            )
            raw["for"] = raw["province"]
        elif isinstance(value, str):
            raw["detail"] = clean_text(value)
        return raw

    def is_empty(self, spec, raw):
        return not isinstance(raw, dict) or not (raw.get("commune") or raw.get("detail"))

    def empty_value(self, spec):
        return None

    def clean(self, spec, raw, ctx, name):
        if not isinstance(raw, dict):
            raw = self.from_value(spec, raw, ctx)
        province, commune = raw.get("province") or "", raw.get("commune") or ""
        detail = clean_text(raw.get("detail"))
        built_for = raw.get("for", province)
        if not commune and not detail and not spec.required:
            return None
        if not province:
            raise ValidationError(_("Choose the province or city"), code=at(_anchor(name)))
        if not ctx.units.is_province(province):
            raise ValidationError(_("Choose a province or city from the list"), code=at(_anchor(name)))
        if built_for != province:
            ctx.pending.add(name)  # not an error: show the communes of the new province
            return None
        errors = []
        if not commune:
            errors.append(ValidationError(_("Choose the commune or ward"), code=at(_anchor(name, "commune"))))
        elif commune not in {code for code, _n in ctx.units.communes(province)}:
            errors.append(
                ValidationError(
                    _("Choose a commune or ward of %(province)s from the list")
                    % {"province": ctx.units.name("province", province)},
                    code=at(_anchor(name, "commune")),
                )
            )
        if not detail and spec.required:
            errors.append(
                ValidationError(
                    _("Enter the house number and street, or the hamlet"), code=at(_anchor(name, "detail"))
                )
            )
        elif len(detail) > CAPS["address_detail"]:
            errors.append(
                ValidationError(
                    _("Enter at most %(n)d characters; you entered %(count)d.")
                    % {"n": CAPS["address_detail"], "count": len(detail)},
                    code=at(_anchor(name, "detail")),
                )
            )
        if errors:
            raise ValidationError(errors)
        return {"province": province, "commune": commune, "detail": detail}

    def coerce(self, spec, value, ctx):
        raw = self.from_value(spec, value, ctx)
        if isinstance(value, str):
            return {"province": "", "commune": "", "detail": raw["detail"]} if raw["detail"] else None
        if not isinstance(value, dict):
            return None
        if not (raw["commune"] or raw["detail"]) and isinstance(value.get("text"), str):
            text = clean_text(value["text"])[: CAPS["address_detail"]]
            return {"province": "", "commune": "", "detail": text} if text else None
        if self.is_empty(spec, raw):
            return None
        codes_ok = _CODE.fullmatch(raw["province"]) and (
            not raw["commune"] or _CODE.fullmatch(raw["commune"])
        )
        if not codes_ok:
            return None
        return {"province": raw["province"], "commune": raw["commune"], "detail": raw["detail"][:300]}

    def display(self, spec, value, ctx):
        if isinstance(value, str):
            return clean_text(value)
        if not isinstance(value, dict):
            return ""
        detail = clean_text(value.get("detail"))
        commune = clean_text(value.get("commune"), limit=10)
        province = clean_text(value.get("province"), limit=10)
        parts = [
            detail,
            ctx.units.name("commune", commune) or clean_text(value.get("commune_name")) or commune,
            ctx.units.name("province", province) or clean_text(value.get("province_name")) or province,
        ]
        return ", ".join(p for p in parts if p)

    def item(self, spec, raw, html_name, errors, ctx, **kw):
        if not isinstance(raw, dict):
            raw = self.from_value(spec, raw, ctx)
        item = super().item(spec, "", html_name, errors, ctx, **kw)
        province = raw.get("province") or DEFAULT_PROVINCE
        commune = raw.get("commune") or ""
        item.province_value = province
        item.provinces = [
            Option(code, name, selected=code == province) for code, name in ctx.units.provinces()
        ]
        item.communes = [
            Option(code, name, selected=code == commune) for code, name in ctx.units.communes(province)
        ]
        item.detail = raw.get("detail") or ""
        item.built_for = province
        if html_name in ctx.pending or raw.get("for", province) != province:
            item.note = _("Choose the commune or ward of the province you have just chosen")
        return item


class GroupKind(Kind):
    """A repeating group: rows of sub-fields (``<group>-<row>-<sub-field>`` in the POST, with
    ``<group>-rows`` saying how many rows were drawn). Rows left completely empty are dropped."""

    type = "group"
    template = "_group.html"

    def empty_raw(self, spec, ctx):
        return []

    def empty_row(self, spec, ctx) -> dict[str, Any]:
        return {sub.name: kind_for(sub).empty_raw(sub, ctx) for sub in spec.fields}

    def row_count(self, spec, data, name: str) -> int:
        posted = clean_text(get_raw(data, f"{name}-rows"), limit=4)
        count = int(posted) if posted.isdigit() else 0
        prefix = re.compile(rf"{re.escape(name)}-(\d{{1,4}})-")
        for key in data.keys() if data is not None else ():
            match = prefix.match(key)
            if match:
                count = max(count, int(match.group(1)) + 1)
        return min(count, spec.max_items + 1)

    def from_data(self, spec, data, name, ctx):
        return [
            {
                sub.name: kind_for(sub).from_data(sub, data, f"{name}-{i}-{sub.name}", ctx)
                for sub in spec.fields
            }
            for i in range(self.row_count(spec, data, name))
        ]

    def from_value(self, spec, value, ctx):
        if not isinstance(value, list):
            return []
        rows = []
        for member in value[: spec.max_items + 1]:
            member = member if isinstance(member, dict) else {}
            rows.append(
                {
                    sub.name: kind_for(sub).from_value(sub, _member_value(sub, member), ctx)
                    for sub in spec.fields
                }
            )
        return rows

    def is_empty(self, spec, raw):
        return not raw

    def row_is_empty(self, spec, row) -> bool:
        return all(kind_for(sub).is_empty(sub, row.get(sub.name)) for sub in spec.fields)

    def empty_value(self, spec):
        return []

    def clean(self, spec, raw, ctx, name):
        rows = raw if isinstance(raw, list) else []
        values, errors = [], []
        for i, row in enumerate(rows):
            row = row if isinstance(row, dict) else {}
            if self.row_is_empty(spec, row):
                continue
            value = {}
            for sub in spec.fields:
                kind = kind_for(sub)
                html = f"{name}-{i}-{sub.name}"
                try:
                    value[sub.name] = kind.clean(sub, row.get(sub.name, kind.empty_raw(sub, ctx)), ctx, html)
                except ValidationError as exc:
                    for error in exc.error_list:
                        message = error.message % error.params if error.params else error.message
                        anchor = error.code[3:] if (error.code or "").startswith("at:") else _anchor(html)
                        ctx.row_errors.setdefault(html, []).append((str(message), anchor))
                        errors.append(
                            ValidationError(
                                _("Row %(n)d: %(message)s") % {"n": i + 1, "message": message},
                                code=at(anchor),
                            )
                        )
            values.append(value)
        if len(values) > spec.max_items:
            errors.append(
                ValidationError(
                    _("Enter at most %(n)d rows; remove the extra ones.") % {"n": spec.max_items},
                    code="max_items",
                )
            )
        needed = max(spec.min_items, 1 if spec.required else 0)
        if len(values) < needed:
            errors.append(
                ValidationError(_("Fill in at least %(n)d row(s).") % {"n": needed}, code="min_items")
            )
        if errors:
            raise ValidationError(errors)
        return values

    def coerce(self, spec, value, ctx):
        if not isinstance(value, list):
            return None
        rows = []
        for member in value[: spec.max_items]:
            if not isinstance(member, dict):
                continue
            row = {}
            for sub in spec.fields:
                kind = kind_for(sub)
                coerced = kind.coerce(sub, _member_value(sub, member), ctx)
                row[sub.name] = kind.empty_value(sub) if coerced is None else coerced
            rows.append(row)
        return rows or None

    def parts(self, spec, value, ctx) -> list[list[tuple[str, str]]]:
        """Per row, (label, text) of the sub-fields that have an answer."""
        rows = []
        for row in value if isinstance(value, list) else []:
            row = row if isinstance(row, dict) else {}
            shown = []
            for sub in spec.fields:
                text = kind_for(sub).display(sub, row.get(sub.name), ctx)
                if text and not (sub.type == "checkbox" and row.get(sub.name) is not True):
                    shown.append((sub.label, text))
            rows.append(shown)
        return rows

    def display(self, spec, value, ctx):
        return "\n".join(
            _("Row %(n)d: %(message)s")
            % {"n": n, "message": "; ".join(f"{label}: {text}" for label, text in row)}
            for n, row in enumerate(self.parts(spec, value, ctx), start=1)
        )

    def item(self, spec, raw, html_name, errors, ctx, **kw):
        rows = list(raw) if isinstance(raw, list) else []
        operation = kw.get("operation")
        if operation and operation[0] == spec.name:
            if operation[1] == "add" and len(rows) < spec.max_items:
                rows.append(self.empty_row(spec, ctx))
            elif operation[1] == "remove" and operation[2] is not None and 0 <= operation[2] < len(rows):
                del rows[operation[2]]
        minimum = max(spec.min_items, 1 if spec.required else 0)
        while len(rows) < minimum:
            rows.append(self.empty_row(spec, ctx))
        own = [(message, anchor) for message, anchor in errors if anchor == _anchor(html_name)]
        item = super().item(spec, "", html_name, own, ctx, **kw)
        person = any("ho_ten" in sub.name or sub.prefill == "full_name" for sub in spec.fields)
        item.add_label = _("Add a person") if person else _("Add a row")
        item.add_name = f"_add_row_{spec.name}"
        item.can_add = len(rows) < spec.max_items
        item.row_count = len(rows)
        for i, row in enumerate(rows):
            sub_items = []
            for sub in spec.fields:
                if sub.type == "document":
                    continue
                kind = kind_for(sub)
                sub_html = f"{html_name}-{i}-{sub.name}"
                sub_items.append(
                    kind.item(
                        sub,
                        row.get(sub.name, kind.empty_raw(sub, ctx)),
                        sub_html,
                        ctx.row_errors.get(sub_html, []),
                        ctx,
                        **kw,
                    )
                )
            item.rows.append(
                Row(
                    index=i,
                    number=i + 1,
                    legend=_("Row %(n)d") % {"n": i + 1},
                    items=sub_items,
                    remove_name=f"_remove_row_{spec.name}_{i}",
                    remove_label=_("Remove row %(n)d") % {"n": i + 1},
                    can_remove=len(rows) > minimum,
                )
            )
        return item


def _member_value(sub, member: dict) -> Any:
    """A sub-field's value in a saved row (by name) or a register member (by prefill key)."""
    if sub.name in member:
        return member[sub.name]
    if sub.prefill and sub.prefill in member:
        return member[sub.prefill]
    return None


class DocumentKind(Kind):
    """Render-only: the wizard handles the upload; the engine never produces a value."""

    type = "document"
    template = "_document.html"


KINDS: dict[str, Kind] = {
    "text": TextKind(),
    "textarea": TextareaKind(),
    "number": NumberKind(),
    "date": DateKind(),
    "choice": ChoiceKind(),
    "personal_id": PersonalIdKind(),
    "phone": PhoneKind(),
    "email": EmailKind(),
    "address": AddressKind(),
    "group": GroupKind(),
    "document": DocumentKind(),
    "checkbox": CheckboxKind(),
}


def kind_for(spec) -> Kind:
    return KINDS[spec.type]
