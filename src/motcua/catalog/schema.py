"""The catalog exchange format (JSON), version 1 — see ``docs/catalog-schema.md``.

Structural rules live here as pydantic models; rules that need the database (known agencies,
sectors defined in the file or already stored, duplicate codes) are checked by
``motcua.catalog.importer``. Both report every problem with its path, e.g.
``procedures[3].fees[0].amount``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from motcua.registers.ports import REGISTER_FIELDS as POPULATION_REGISTER_FIELDS

PROCEDURE_CODE = re.compile(r"^\d\.\d{6}$")
SLUG = r"^[a-z0-9][a-z0-9_-]*$"
AGENCY_KINDS = (
    "province_pc",
    "service_centre",
    "department",
    "provincial_police",
    "social_insurance",
    "commune_pc",
    "commune_one_stop",
    "commune_police",
    "other",
)
ROLES = ("desk_officer", "specialist", "leader", "agency_admin", "province_admin", "auditor")
TimeUnit = Literal["working_days", "working_hours"]
AgencyKind = Literal[AGENCY_KINDS]  # type: ignore[valid-type]
FIELD_TYPES = (
    "text",
    "textarea",
    "number",
    "date",
    "choice",
    "personal_id",
    "phone",
    "email",
    "address",
    "group",
    "document",
    "checkbox",
)
# Fields of the national population database a form field may be prefilled from, plus the
# attributes of one household member for the sub-fields of a group prefilled from household.members.
REGISTER_FIELDS = (*POPULATION_REGISTER_FIELDS, "relation")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SectorIn(_Strict):
    code: str = Field(min_length=1, max_length=40, pattern=SLUG)
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field(default="", max_length=200)


class LifeEventIn(_Strict):
    code: str = Field(min_length=1, max_length=40, pattern=SLUG)
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field(default="", max_length=200)
    description: str = ""


class DocumentIn(_Strict):
    code: str = Field(min_length=1, max_length=60, pattern=SLUG)
    name: str = Field(min_length=1, max_length=500)
    originals: int = Field(default=0, ge=0, le=20)
    copies: int = Field(default=0, ge=0, le=20)
    requirement: Literal["required", "conditional", "optional"] = "required"
    condition: str = Field(default="", max_length=500)
    template_url: str = Field(default="", max_length=300)
    note: str = ""

    @model_validator(mode="after")
    def _condition_when_conditional(self):
        if self.requirement == "conditional" and not self.condition:
            raise ValueError("a conditional document needs 'condition' saying when it is needed")
        return self


class FeeIn(_Strict):
    name: str = Field(min_length=1, max_length=300)
    channel: Literal["online", "in_person", "post"]
    amount: int = Field(ge=0, le=10**12, description="VND, whole đồng")
    quantity_field: str = Field(
        default="", max_length=60, description="a number field of the form: per-unit fee"
    )
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    basis: str = Field(default="", max_length=300)
    note: str = Field(default="", max_length=300)

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class StepIn(_Strict):
    code: str = Field(min_length=1, max_length=60, pattern=SLUG)
    name: str = Field(min_length=1, max_length=300)
    role: Literal[ROLES]  # type: ignore[valid-type]
    agency_kind: AgencyKind | Literal[""] = ""
    agency: str = Field(default="", description="unit identifier code of a specific agency")
    hours: Decimal = Field(ge=0, le=10000, max_digits=6, decimal_places=1)


class ChoiceIn(_Strict):
    value: str = Field(min_length=1, max_length=100)
    label: str = Field(min_length=1, max_length=300)


class FormFieldIn(_Strict):
    name: str = Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1, max_length=300)
    type: Literal[FIELD_TYPES]  # type: ignore[valid-type]
    required: bool = False
    help: str = ""
    choices: list[ChoiceIn] = Field(default_factory=list)
    prefill: Literal[REGISTER_FIELDS] | None = None  # type: ignore[valid-type]
    document: str = Field(default="", description="for type=document: the code of the required document")
    min: Decimal | None = None
    max: Decimal | None = None
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1)
    pattern: str | None = None
    fields: list[FormFieldIn] = Field(default_factory=list, description="for type=group: the repeated fields")
    min_items: int = Field(default=0, ge=0)
    max_items: int = Field(default=20, ge=1, le=100)

    @model_validator(mode="after")
    def _type_rules(self):
        if self.type == "choice" and not self.choices:
            raise ValueError("a choice field needs 'choices'")
        if self.type != "choice" and self.choices:
            raise ValueError("only a choice field has 'choices'")
        if self.type == "group" and not self.fields:
            raise ValueError("a group field needs 'fields'")
        if self.type != "group" and self.fields:
            raise ValueError("only a group field has 'fields'")
        if self.type == "document" and not self.document:
            raise ValueError("a document field names the required document in 'document'")
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError("max is below min")
        if self.min_length is not None and self.max_length is not None and self.max_length < self.min_length:
            raise ValueError("max_length is below min_length")
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"pattern is not a valid regular expression: {exc}") from exc
        return self


class FormStepIn(_Strict):
    title: str = Field(min_length=1, max_length=200)
    help: str = ""
    fields: list[FormFieldIn] = Field(min_length=1)


def walk(fields):
    """Every field, including those inside repeating groups."""
    for field in fields:
        yield field
        if field.fields:
            yield from walk(field.fields)


class FormSpecIn(_Strict):
    steps: list[FormStepIn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self):
        seen: set[str] = set()
        for step in self.steps:
            for field in step.fields:
                if field.name in seen:
                    raise ValueError(f"field name '{field.name}' is used twice")
                seen.add(field.name)
        return self


class ProcedureIn(_Strict):
    code: str = Field(description="national code, e.g. 1.001193")
    name: str = Field(min_length=1, max_length=500)
    name_en: str = Field(default="", max_length=500)
    summary: str = ""
    sector: str = Field(min_length=1)
    life_events: list[str] = Field(default_factory=list)
    level: Literal["province", "commune"]
    agencies: list[str] = Field(default_factory=list, description="unit identifier codes")
    agency_kinds: list[AgencyKind] = Field(default_factory=list)
    applicants: str = ""
    where_to_submit: str = ""
    online_level: Literal["full", "partial", "none"]
    processing_time: Decimal = Field(max_digits=6, decimal_places=1)
    processing_time_unit: TimeUnit
    online_processing_time: Decimal | None = Field(
        default=None,
        ge=0,
        max_digits=6,
        decimal_places=1,
        description="shorter time for online dossiers, same unit",
    )
    cutoff_applies: bool = False
    processing_time_note: str = ""
    legal_basis: list[str] = Field(default_factory=list)
    result_type: str = Field(default="", max_length=500)
    conditions: str = ""
    min_assurance_level: Literal[1, 2] = 1
    documents: list[DocumentIn] = Field(default_factory=list)
    fees: list[FeeIn] = Field(default_factory=list)
    steps: list[StepIn] = Field(default_factory=list)
    form: FormSpecIn = Field(default_factory=FormSpecIn)

    @field_validator("code")
    @classmethod
    def _code_format(cls, value: str) -> str:
        if not PROCEDURE_CODE.match(value):
            raise ValueError("the national code has the form d.dddddd, e.g. 1.001193")
        return value

    @field_validator("processing_time")
    @classmethod
    def _not_negative(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError("the processing time cannot be negative")
        return value

    @model_validator(mode="after")
    def _cross_rules(self):
        if self.online_processing_time is not None and self.online_processing_time > self.processing_time:
            raise ValueError("online_processing_time cannot be longer than processing_time")
        if not self.agencies and not self.agency_kinds:
            raise ValueError("name the competent agencies ('agencies') or their kind ('agency_kinds')")
        for kind, label in ((self.documents, "document"), (self.steps, "step")):
            codes = [item.code for item in kind]
            duplicates = sorted({c for c in codes if codes.count(c) > 1})
            if duplicates:
                raise ValueError(f"{label} code used twice: {', '.join(duplicates)}")
        document_codes = {d.code for d in self.documents}

        def walk(fields):
            for field in fields:
                yield field
                yield from walk(field.fields)

        number_fields = {f.name for step in self.form.steps for f in walk(step.fields) if f.type == "number"}
        for fee in self.fees:
            if fee.quantity_field and fee.quantity_field not in number_fields:
                raise ValueError(
                    f"fee '{fee.name}' is multiplied by '{fee.quantity_field}', which is not a number field"
                )
        for step in self.form.steps:
            for field in walk(step.fields):
                if field.type == "document" and field.document not in document_codes:
                    raise ValueError(f"form field '{field.name}' names unknown document '{field.document}'")
        return self


LINKED_INPUT = re.compile(r"^(form\.[a-z][a-z0-9_]*|stage\.\d\.\d{6}\.[a-z][a-z0-9_]*|value:.*)$")
LINKED_TARGET = re.compile(r"^[a-z][a-z0-9_]*(\.\d{1,2}\.[a-z][a-z0-9_]*)?$")
LINKED_OUTPUT = re.compile(
    r"^(result\.(number|verification_url|signed_on)|dossier\.code|answers\.[a-z][a-z0-9_]*"
    r"|register\.new_personal_id\([a-z][a-z0-9_]*,[a-z][a-z0-9_]*,[a-z][a-z0-9_]*\))$"
)


class LinkedMemberIn(_Strict):
    """One stage of a linked group: a member procedure, its agency, time budget and data hand-off.

    ``inputs`` fill the member's e-form: ``{"member_field": "form.<group field>" |
    "stage.<procedure code>.<output>" | "value:<text>"}``. ``documents`` hand the group's files on:
    ``{"member document code": "group document code"}``. ``outputs`` name what the stage yields for
    later stages: ``result.number``, ``result.verification_url``, ``result.signed_on``,
    ``dossier.code``, ``answers.<field>`` or ``register.new_personal_id(<name>,<birth date>,<sex>)``
    (the population register assigns a personal ID number, e.g. to a newborn).
    """

    procedure: str
    agency_kind: AgencyKind
    time_budget: Decimal = Field(ge=0, max_digits=6, decimal_places=1)
    time_budget_unit: TimeUnit = "working_days"
    optional: bool = False
    depends_on: list[str] = Field(default_factory=list, description="procedure codes that must finish first")
    inputs: dict[str, str] = Field(default_factory=dict)
    documents: dict[str, str] = Field(default_factory=dict)
    outputs: dict[str, str] = Field(default_factory=dict)
    on_failure: Literal["skip_dependents", "stop_group"] = Field(
        default="skip_dependents",
        description="when this stage is refused or stopped: cancel only the stages that need it, or the whole group",
    )

    @field_validator("inputs")
    @classmethod
    def _inputs(cls, value: dict[str, str]) -> dict[str, str]:
        for target, source in value.items():
            if not LINKED_TARGET.match(target):
                raise ValueError(f"'{target}' is not a form field name (or <group>.<row>.<field>)")
            if not LINKED_INPUT.match(source):
                raise ValueError(
                    f"'{source}' is not form.<field>, stage.<procedure>.<output> or value:<text>"
                )
        return value

    @field_validator("outputs")
    @classmethod
    def _outputs(cls, value: dict[str, str]) -> dict[str, str]:
        for name, source in value.items():
            if not re.match(r"^[a-z][a-z0-9_]*$", name):
                raise ValueError(f"'{name}' is not an output name")
            if not LINKED_OUTPUT.match(source):
                raise ValueError(f"'{source}' is not a known output source")
        return value


class LinkedBundleIn(_Strict):
    """A choice the applicant may make, e.g. "link 3 procedures" (Decree 63/2024, group 2)."""

    code: str = Field(min_length=1, max_length=40, pattern=SLUG)
    label: str = Field(min_length=1, max_length=300)
    members: list[str] = Field(min_length=1)


class LinkedGroupIn(_Strict):
    code: str = Field(min_length=1, max_length=40, pattern=SLUG)
    name: str = Field(min_length=1, max_length=500)
    name_en: str = Field(default="", max_length=500)
    description: str = ""
    legal_basis: list[str] = Field(default_factory=list)
    total_time: Decimal = Field(ge=0, max_digits=6, decimal_places=1)
    total_time_unit: TimeUnit = "working_days"
    life_event: str = ""
    procedure: str = Field(
        default="", description="the application procedure: its e-form, documents and fees are the group's"
    )
    bundle_field: str = Field(
        default="", description="the e-form field holding the applicant's choice of bundle"
    )
    bundles: list[LinkedBundleIn] = Field(default_factory=list)
    members: list[LinkedMemberIn] = Field(min_length=2)

    @model_validator(mode="after")
    def _members(self):
        codes = [m.procedure for m in self.members]
        if len(set(codes)) != len(codes):
            raise ValueError("a procedure appears twice in the group")
        by_code = {m.procedure: m for m in self.members}
        for member in self.members:
            unknown = [c for c in member.depends_on if c not in codes]
            if unknown:
                raise ValueError(
                    f"{member.procedure} depends on procedures not in the group: {', '.join(unknown)}"
                )
            for source in member.inputs.values():
                if source.startswith("stage."):
                    earlier = source.split(".")[1] + "." + source.split(".")[2]
                    if earlier not in member.depends_on:
                        raise ValueError(
                            f"{member.procedure} reads {source} but does not depend on {earlier}"
                        )
                    output = source.split(".", 3)[3]
                    if output not in by_code[earlier].outputs:
                        raise ValueError(f"{earlier} has no output '{output}' (read by {member.procedure})")
        _no_cycle(by_code)
        if self.bundles and not self.bundle_field:
            raise ValueError("bundles need a bundle_field")
        required = {m.procedure for m in self.members if not m.optional}
        for bundle in self.bundles:
            chosen = set(bundle.members)
            unknown = chosen - set(codes)
            if unknown:
                raise ValueError(
                    f"bundle {bundle.code} names procedures not in the group: {', '.join(sorted(unknown))}"
                )
            if not required <= chosen:
                raise ValueError(f"bundle {bundle.code} leaves out a required procedure")
            for code in chosen:
                missing = set(by_code[code].depends_on) - chosen
                if missing:
                    raise ValueError(f"bundle {bundle.code}: {code} needs {', '.join(sorted(missing))}")
        return self


def _no_cycle(members: dict) -> None:
    state: dict[str, int] = {}

    def visit(code: str) -> None:
        if state.get(code) == 1:
            raise ValueError(f"the stages depend on each other in a circle (at {code})")
        if state.get(code) == 2:
            return
        state[code] = 1
        for dep in members[code].depends_on:
            visit(dep)
        state[code] = 2

    for code in members:
        visit(code)


class CatalogFile(_Strict):
    schema_version: Literal[1] = 1
    sectors: list[SectorIn] = Field(default_factory=list)
    life_events: list[LifeEventIn] = Field(default_factory=list)
    procedures: list[ProcedureIn] = Field(default_factory=list)
    linked_groups: list[LinkedGroupIn] = Field(default_factory=list)
