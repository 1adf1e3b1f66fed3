"""Synthetic province data (dữ liệu giả lập) for load tests: ``motcua generate``.

Builds a realistic year of a province on top of the demo organisation and catalog: the 96
communes' one-stop centres, the catalog topped up to the national count of procedures (6,500),
citizens, officers, and ``dossiers`` dossiers with their event histories, supplements, late
dossiers with their apologies (Form 04) and the attachments' metadata (no file bodies).

Reproducible: every batch of :data:`BATCH` dossiers draws from its own ``random.Random`` seeded
with ``(seed, batch number)``, so the same seed and count always give the same rows.

Fast: rows are generated as tuples and written with PostgreSQL ``COPY`` (plain multi-row
``INSERT`` on other databases, for the tests). Primary keys are assigned here, so events and
attachments point at their dossier without a round trip; the identity sequences are moved past
them at the end.

Recognisable: synthetic dossiers carry ``idempotency_key = "syn:<seed>:<n>"``, synthetic users a
``username`` starting with ``syn-``. A second run with the same seed finds its dossiers and does
nothing; a run with another seed refuses to mix (start from a fresh database).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

#: Dossiers per generated batch (one transaction, one RNG).
BATCH = 20_000
#: The national count of administrative procedures (national database, 2025).
NATIONAL_PROCEDURES = 6_500
#: Share of dossiers filed online (Tây Ninh reports about 90 %).
ONLINE_SHARE = 0.90
#: Share of finished dossiers settled after their appointment (about 1 %: 99 % on time).
LATE_SHARE = 0.01
SUPPLEMENT_SHARE = 0.04
REFUSED_SHARE = 0.007
WITHDRAWN_SHARE = 0.003
#: A year of dossiers, ending now.
SPAN_DAYS = 365
#: Synthetic users and dossiers are recognised by these.
USER_PREFIX = "syn-"
KEY_PREFIX = "syn:"

#: Relative yearly volume of the demo catalog's procedures (by code): civil status, residence,
#: certification and land dominate a commune's counter; the rest share a long tail.
VOLUME_WEIGHTS = {
    "2.000815": 18,  # chứng thực bản sao từ bản chính
    "2.000884": 6,  # chứng thực chữ ký
    "1.001193": 8,  # đăng ký khai sinh
    "2.000986": 4,  # liên thông khai sinh – thường trú – BHYT
    "1.000656": 2,  # đăng ký khai tử
    "1.000894": 3,  # đăng ký kết hôn
    "1.004873": 5,  # xác nhận tình trạng hôn nhân
    "2.000635": 4,  # bản sao trích lục hộ tịch
    "1.004222": 7,  # đăng ký thường trú
    "1.004194": 6,  # đăng ký tạm trú
    "1.010041": 6,  # xác nhận thông tin về cư trú
    "1.001939": 4,  # thẻ BHYT
    "1.014748": 2,  # trợ cấp thất nghiệp
    "1.001612": 2,  # thành lập hộ kinh doanh
    "1.013978": 3,  # đăng ký đất đai lần đầu
    "1.013831": 4,  # biến động đất đai
    "1.013225": 2,  # giấy phép xây dựng
    "3.000333": 3,  # lý lịch tư pháp
    "1.001456": 2,  # hộ chiếu
}
DEFAULT_WEIGHT = 0.5
#: Share of all dossiers spread over the synthetic long-tail procedures.
LONG_TAIL_SHARE = 0.05

SURNAMES = "Nguyễn Trần Lê Phạm Huỳnh Hoàng Võ Phan Trương Bùi Đặng Đỗ Ngô Hồ Dương Đinh Lâm Tô".split()
MIDDLE = "Văn Thị Minh Ngọc Thanh Quốc Hữu Đức Thu Kim Hoàng Gia Bảo Xuân".split()
GIVEN = (
    "An Bình Chi Dũng Giang Hà Hải Hạnh Hiếu Hoa Hùng Hương Khang Khánh Lan Linh Long Mai Minh Nam "
    "Nga Ngân Nhung Phúc Phương Quân Sơn Tâm Thảo Trang Trung Tuấn Vy Yến"
).split()
#: Birth-province part of personal ID numbers: mostly Tây Ninh (072) and Long An (080).
BIRTH_PROVINCES = ["072"] * 5 + ["080"] * 4 + ["079", "074", "083", "001"]
APOLOGY_REASONS = [
    "Hồ sơ cần xác minh thêm với cơ quan liên quan.",
    "Chờ kết quả đo đạc thực địa.",
    "Cán bộ thụ lý nghỉ ốm đột xuất, đã phân công người thay.",
]
NAME_WORDS = (
    "đăng ký cấp cấp lại cấp đổi điều chỉnh gia hạn thu hồi xác nhận giấy phép giấy chứng nhận "
    "hoạt động kinh doanh dịch vụ vận tải thủy sản chăn nuôi trồng trọt khai thác khoáng sản "
    "nhà ở xây dựng môi trường thuốc thú y phân bón giống cây trồng đủ điều kiện hành nghề "
    "lao động nước ngoài học bổng giáo dục nghề nghiệp di tích quảng cáo biểu diễn nghệ thuật"
).split()


@dataclass
class Report:
    """What a run did: ``skipped`` when the database already held the data."""

    seed: int
    dossiers: int
    skipped: bool = False
    created: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class MixedSeeds(Exception):
    """The database already holds synthetic dossiers of another seed (or fewer of this one)."""


def synthetic_count(seed: int) -> int:
    from motcua.dossiers.models import Dossier

    return Dossier.objects.filter(idempotency_key__startswith=f"{KEY_PREFIX}{seed}:").count()


def generate(
    *,
    dossiers: int,
    seed: int,
    as_of: dt.datetime | None = None,
    procedures: int = NATIONAL_PROCEDURES,
    progress: Callable[[str], None] | None = None,
    batch: int = BATCH,
) -> Report:
    """Fill the database with ``dossiers`` synthetic dossiers from ``seed`` (see module docstring).

    The year of data ends at ``as_of`` (default: the start of the current hour); the same seed,
    count and ``as_of`` give the same rows.

    Skips when the database already holds at least ``dossiers`` of this seed; raises
    :class:`MixedSeeds` when it holds other synthetic dossiers (their codes would collide).
    """
    from motcua.dossiers.models import Dossier

    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    report = Report(seed=seed, dossiers=dossiers)
    have = synthetic_count(seed)
    if have >= dossiers:
        report.skipped = True
        report.dossiers = have
        return report
    if Dossier.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists():
        raise MixedSeeds(
            f"the database holds other synthetic dossiers ({have:,} of seed {seed}); "
            "generate into a fresh database"
        )
    as_of = as_of or timezone.now().replace(minute=0, second=0, microsecond=0)
    world = _prepare_world(
        seed=seed,
        citizens=_citizen_count(dossiers),
        procedures=procedures,
        as_of=as_of,
        say=say,
        report=report,
    )
    writer = _writer()
    sequences: dict[tuple[int, dt.date], int] = defaultdict(int)
    ids = _Ids()
    done = 0
    number = 0
    # A large load into a small table: drop the plain indexes and build them once at the end.
    dropped = _drop_plain_indexes(say) if dossiers >= 4 * max(Dossier.objects.count(), 25_000) else []
    try:
        while done < dossiers:
            size = min(batch, dossiers - done)
            rng = random.Random(f"{seed}:{number}")
            rows = _Batch()
            for offset in range(size):
                _one_dossier(world, rng, rows, ids, sequences, index=done + offset, seed=seed)
            with transaction.atomic():
                _bulk_session()
                writer(Dossier._meta.db_table, DOSSIER_COLUMNS, rows.dossiers)
                writer("dossiers_dossierevent", EVENT_COLUMNS, rows.events)
                writer("dossiers_attachment", ATTACHMENT_COLUMNS, rows.attachments)
            report.created["dossiers"] = report.created.get("dossiers", 0) + len(rows.dossiers)
            report.created["events"] = report.created.get("events", 0) + len(rows.events)
            report.created["attachments"] = report.created.get("attachments", 0) + len(rows.attachments)
            done += size
            number += 1
            say(f"{done:,} dossiers ({time.perf_counter() - started:.0f} s)")
    finally:
        _recreate_indexes(dropped, say)
    _finish(sequences)
    report.seconds = time.perf_counter() - started
    return report


# --- the world the dossiers live in ---------------------------------------------------------


@dataclass
class _Procedure:
    version_id: int
    level: str
    days: float
    documents: list[str]
    fee: int
    name: str


@dataclass
class _World:
    now: dt.datetime
    procedures: list[_Procedure]
    weights: list[float]  # cumulative, for random.choices
    communes: list[tuple[int, str, int]]  # (centre id, centre code, commune PC id)
    commune_weights: list[float]  # cumulative
    province_centre: tuple[int, str]
    departments: list[int]
    officers: dict[int, list[int]]  # centre id → officer ids
    citizens: list[tuple[int, str, str, str]]  # (id, full name, personal id, phone)
    due_cache: dict = field(default_factory=dict)


def _citizen_count(dossiers: int) -> int:
    # A citizen files about three dossiers a year; personal IDs use 6 serial digits.
    return max(20, min(900_000, dossiers // 3))


def _prepare_world(
    *, seed: int, citizens: int, procedures: int, as_of: dt.datetime, say, report: Report
) -> _World:
    from motcua.catalog.demo import load_demo_catalog
    from motcua.catalog.models import Procedure, ProcedureVersion
    from motcua.org.demo import build_demo
    from motcua.org.models import Agency

    if not Agency.objects.filter(kind=Agency.Kind.COMMUNE_ONE_STOP).exists():
        say("organisation: units and agencies")
        build_demo()
    if not ProcedureVersion.objects.filter(is_current=True, procedure__code="1.001193").exists():
        say("catalog: demo procedures")
        load_demo_catalog()
    report.created["procedures"] = _top_up_catalog(seed, procedures)
    report.created["citizens"] = _make_citizens(seed, citizens)
    report.created["officers"] = _make_officers()

    versions = list(
        ProcedureVersion.objects.filter(is_current=True)
        .select_related("procedure")
        .prefetch_related("documents", "fees")
        .order_by("procedure__code")
    )
    procedures, weights = [], []
    tail = sum(1 for v in versions if v.procedure.code.startswith("9."))
    tail_weight = (
        LONG_TAIL_SHARE
        * sum(
            VOLUME_WEIGHTS.get(v.procedure.code, DEFAULT_WEIGHT)
            for v in versions
            if not v.procedure.code.startswith("9.")
        )
        / max(1, tail)
    )
    for version in versions:
        fee = max((f.amount for f in version.fees.all() if f.channel == "online"), default=0)
        procedures.append(
            _Procedure(
                version_id=version.pk,
                level=version.level,
                days=float(version.processing_time or 0),
                documents=[d.code for d in version.documents.all()] or ["to-khai"],
                fee=fee,
                name=version.name,
            )
        )
        code = version.procedure.code
        weights.append(tail_weight if code.startswith("9.") else VOLUME_WEIGHTS.get(code, DEFAULT_WEIGHT))
    _ = Procedure  # imported for clarity of what the catalog holds
    centres = list(
        Agency.objects.filter(kind=Agency.Kind.COMMUNE_ONE_STOP)
        .order_by("code")
        .values_list("id", "code", "parent_id")
    )
    rng = random.Random(f"{seed}:world")
    # Wards of the two former provincial towns are busier than rural communes.
    commune_weights = [rng.choice((1, 1, 1, 2, 3)) for _ in centres]
    province = Agency.objects.get(kind=Agency.Kind.SERVICE_CENTRE)
    departments = list(
        Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).order_by("code").values_list("id", flat=True)
    )
    from motcua.accounts.models import OfficerRole, User

    officers: dict[int, list[int]] = defaultdict(list)
    for user_id, agency_id in OfficerRole.objects.filter(user__username__startswith=USER_PREFIX).values_list(
        "user_id", "agency_id"
    ):
        officers[agency_id].append(user_id)
    people = list(
        User.objects.filter(username__startswith=f"{USER_PREFIX}c")
        .order_by("id")
        .values_list("id", "full_name", "personal_id", "phone")
    )
    return _World(
        now=as_of,
        procedures=procedures,
        weights=list(itertools.accumulate(weights)),
        communes=centres,
        commune_weights=list(itertools.accumulate(commune_weights)),
        province_centre=(province.pk, province.code),
        departments=departments,
        officers=dict(officers),
        citizens=people,
    )


def _top_up_catalog(seed: int, target: int) -> int:
    """Synthetic procedures (codes ``9.NNNNNN``) until the catalog holds ``target`` (by default
    the national count)."""
    from motcua.catalog.models import Procedure, ProcedureVersion, Sector
    from motcua.core.text import fold

    current = ProcedureVersion.objects.filter(is_current=True).count()
    missing = target - current
    if missing <= 0:
        return 0
    rng = random.Random(f"{seed}:catalog")
    sectors = list(Sector.objects.order_by("code"))
    start = Procedure.objects.filter(code__startswith="9.").count()
    with transaction.atomic():
        procedures = Procedure.objects.bulk_create(
            Procedure(code=f"9.{start + i:06d}") for i in range(missing)
        )
        versions = []
        for proc in procedures:
            name = " ".join(rng.choice(NAME_WORDS) for _ in range(rng.randint(4, 10))).capitalize()
            sector = rng.choice(sectors)
            versions.append(
                ProcedureVersion(
                    procedure=proc, number=1, status="published", is_current=True,
                    published_at=timezone.now(), name=name, name_folded=fold(name),
                    summary="Thủ tục giả lập cho thử tải.", sector=sector,
                    level=rng.choice(["province", "province", "commune"]), online_level="full",
                    processing_time=rng.choice([1, 3, 5, 7, 10, 15, 20]), processing_time_unit="working_days",
                    search_text=fold(f"{proc.code} {name} {sector.name}"), min_assurance_level=2,
                )
            )  # fmt: skip
        ProcedureVersion.objects.bulk_create(versions, batch_size=1000)
    return missing


def _personal_id(rng: random.Random, serial: int) -> tuple[str, int]:
    year = rng.randint(1950, 2006)
    century_gender = (0 if year < 2000 else 2) + rng.randint(0, 1)
    return f"{rng.choice(BIRTH_PROVINCES)}{century_gender}{year % 100:02d}{serial % 1_000_000:06d}", year


def _make_citizens(seed: int, count: int) -> int:
    """Citizens verified with VNeID (level 2), ``syn-c<n>``; personal IDs end with their serial."""
    from motcua.accounts.models import User

    have = User.objects.filter(username__startswith=f"{USER_PREFIX}c").count()
    if have >= count:
        return 0
    taken = set(User.objects.exclude(personal_id=None).values_list("personal_id", flat=True))
    rng = random.Random(f"{seed}:citizens")
    now = timezone.now()
    rows = []
    for serial in range(have, count):
        pid, _year = _personal_id(rng, serial)
        while pid in taken:
            pid, _year = _personal_id(rng, serial)
        taken.add(pid)
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        phone = f"0{rng.choice('3789')}{rng.randint(0, 99_999_999):08d}"
        rows.append(
            (
                "!synthetic", False, f"{USER_PREFIX}c{serial}", "", "", "", False, True, now, pid, name,
                phone, 2, False,
            )
        )  # fmt: skip
    write = _writer()
    for start in range(0, len(rows), 50_000):
        with transaction.atomic():
            write("accounts_user", USER_COLUMNS, rows[start : start + 50_000])
    _reset_identity("accounts_user")
    return len(rows)


def _make_officers() -> int:
    """Two desk officers per commune centre and three at the provincial centre (``syn-o…``)."""
    from motcua.accounts.models import OfficerRole, User
    from motcua.org.models import Agency

    if User.objects.filter(username__startswith=f"{USER_PREFIX}o").exists():
        return 0
    centres = Agency.objects.filter(
        kind__in=[Agency.Kind.COMMUNE_ONE_STOP, Agency.Kind.SERVICE_CENTRE]
    ).order_by("code")
    created = 0
    with transaction.atomic():
        for centre in centres:
            for k in range(3 if centre.kind == Agency.Kind.SERVICE_CENTRE else 2):
                user = User.objects.create(
                    username=f"{USER_PREFIX}o{centre.code}-{k}",
                    password="!synthetic",
                    full_name=f"Cán bộ một cửa {centre.short_name or centre.name} {k + 1}",
                    is_officer=True,
                )
                OfficerRole.objects.create(user=user, agency=centre, role=OfficerRole.Role.DESK_OFFICER)
                created += 1
    return created


# --- one dossier ----------------------------------------------------------------------------

DOSSIER_COLUMNS = (
    "id", "code", "tracking_pin", "assisted", "channel", "status", "current_step", "form_data",
    "prefilled_fields", "form_step", "eid_verified", "fee_amount", "payment_state", "paid_online",
    "created_at", "updated_at", "submitted_at", "received_at", "due_at", "finished_at", "returned_at",
    "idempotency_key", "lock_version", "applicant_id", "competent_agency_id", "helper_id",
    "procedure_version_id", "receiving_agency_id", "assigned_to_id", "original_due_at", "paused_at",
    "paused_hours", "return_channel", "step_due_at", "supplement_count", "supplement_deadline",
    "is_linked_application", "linked_parent_id",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "at", "action", "from_status", "to_status", "comment", "data", "public", "actor_id", "dossier_id",
)  # fmt: skip
ATTACHMENT_COLUMNS = (
    "id", "document_code", "file", "original_name", "content_type", "extension", "size", "sha256",
    "created_at", "reused_from_id", "uploaded_by_id", "dossier_id", "reused_result_id",
)  # fmt: skip
USER_COLUMNS = (
    "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active",
    "date_joined", "personal_id", "full_name", "phone", "assurance_level", "is_officer",
)  # fmt: skip


class _Ids:
    """Next primary keys, read once from the tables (the generator owns them while it runs)."""

    def __init__(self):
        with connection.cursor() as cursor:
            self.next = {}
            for table in ("dossiers_dossier", "dossiers_dossierevent", "dossiers_attachment"):
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (our table names)
                self.next[table] = cursor.fetchone()[0] + 1

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class _Batch:
    dossiers: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    attachments: list[tuple] = field(default_factory=list)


def _due(world: _World, start: dt.datetime, days: float) -> dt.datetime:
    """The appointment: ``days`` working days after ``start``, by the installation's calendar.

    Memoised per hour of submission and length: a year has ~9,000 hours and the catalog a few
    dozen lengths, against a million dossiers.
    """
    from motcua.core.calendar import get_calendar

    hour = start.replace(minute=0, second=0, microsecond=0)
    key = (hour, days)
    found = world.due_cache.get(key)
    if found is None:
        if "calendar" not in world.due_cache:
            world.due_cache["calendar"] = get_calendar()
        found = world.due_cache["calendar"].add_working_days(hour, Decimal(str(days)))
        world.due_cache[key] = found
    return found


def _one_dossier(world: _World, rng: random.Random, rows: _Batch, ids: _Ids, sequences, *, index, seed):
    now = world.now
    proc = rng.choices(world.procedures, cum_weights=world.weights)[0]
    centre_id, centre_code, commune_pc = rng.choices(world.communes, cum_weights=world.commune_weights)[0]
    if proc.level == "province":
        if rng.random() < 0.3:
            centre_id, centre_code = world.province_centre
        competent = world.departments[proc.version_id % len(world.departments)] if world.departments else None
    else:
        competent = commune_pc
    online = rng.random() < ONLINE_SHARE
    applicant_id, full_name, pid, phone = rng.choice(world.citizens)
    # Submissions: working hours of the last year, weekdays mostly; online ones any time.
    day = now - dt.timedelta(days=rng.randint(0, SPAN_DAYS - 1))
    if not online and day.weekday() >= 5:
        day -= dt.timedelta(days=day.weekday() - 4)
    hour = rng.randint(7, 16) if not online or rng.random() < 0.8 else rng.choice((6, 18, 19, 20, 21, 22))
    submitted = timezone.localtime(day).replace(
        hour=hour, minute=rng.randint(0, 59), second=rng.randint(0, 59)
    )
    if submitted > now:
        submitted = now - dt.timedelta(minutes=rng.randint(1, 600))
    local_day = timezone.localtime(submitted).date()
    sequences[(centre_id, local_day)] += 1
    code = f"{centre_code}-{local_day:%y%m%d}-{sequences[(centre_id, local_day)]:04d}"
    received = submitted + dt.timedelta(minutes=rng.randint(5, 240) if online else 0)
    due = _due(world, received, proc.days)
    officers = world.officers.get(centre_id) or [None]
    officer = rng.choice(officers)
    dossier_id = ids.take("dossiers_dossier")
    events = []

    def event(at, action, before, after, *, actor=None, comment="", data=None, public=True):
        events.append(
            (ids.take("dossiers_dossierevent"), at, action, before, after, comment, json.dumps(data or {}),
             public, actor, dossier_id)
        )  # fmt: skip

    def after_last(at: dt.datetime) -> dt.datetime:
        # Steps drawn independently must still follow each other.
        return max(at, events[-1][1] + dt.timedelta(minutes=rng.randint(1, 30))) if events else at

    if online:
        event(submitted, "submit", "draft", "submitted", actor=applicant_id)
    status = "submitted"
    received_at = finished = returned = original_due = paused = supplement_deadline = None
    return_channel = ""
    supplements = 0
    pause = dt.timedelta(0)
    assigned = None
    u = rng.random()
    span = max(due - received, dt.timedelta(hours=1))
    if received <= now:
        received_at = received
        event(
            received, "receive", "submitted" if online else "", "received", actor=officer, data={"form": "01"}
        )
        status = "received"
        assign_at = received + min(dt.timedelta(minutes=rng.randint(5, 120)), span * 0.1)
        if assign_at <= now:
            assigned = officer
            event(assign_at, "assign", "received", "in_progress", actor=officer, public=False)
            status = "in_progress"
        if u < WITHDRAWN_SHARE:
            at = min(now, after_last(received + span * rng.uniform(0.1, 0.8)))
            event(at, "withdraw", status, "withdrawn", actor=applicant_id, comment="Không có nhu cầu nữa.")
            status, finished = "withdrawn", at
        elif u < WITHDRAWN_SHARE + REFUSED_SHARE:
            at = min(now, after_last(received + span * rng.uniform(0.1, 0.9)))
            event(
                at,
                "refuse",
                status,
                "refused",
                actor=officer,
                comment="Không đủ điều kiện.",
                data={"form": "03"},
            )
            status, finished = "refused", at
        else:
            if rng.random() < SUPPLEMENT_SHARE:
                asked = after_last(received + span * rng.uniform(0.05, 0.3))
                if asked <= now:
                    supplements = 1
                    event(asked, "request_supplement", status, "supplement_requested", actor=officer,
                          comment="Bổ sung bản chụp rõ nét giấy tờ.", data={"form": "02"})  # fmt: skip
                    answered = asked + dt.timedelta(days=rng.uniform(0.2, 4))
                    if answered <= now:
                        event(
                            answered, "supplement", "supplement_requested", "in_progress", actor=applicant_id
                        )
                        status = "in_progress"
                        pause = answered - asked
                        due += pause  # the clock stopped meanwhile
                    else:
                        status, paused = "supplement_requested", asked
                        supplement_deadline = asked + dt.timedelta(days=15)
            late = rng.random() < LATE_SHARE
            if late and status == "in_progress":
                apology_at = after_last(due - min(span * 0.2, dt.timedelta(hours=20)))
                if apology_at <= now:
                    new_due = due + dt.timedelta(days=rng.randint(2, 7))
                    event(apology_at, "apologise", status, status, actor=officer,
                          comment=rng.choice(APOLOGY_REASONS),
                          data={"form": "04", "new_due_at": new_due.isoformat(), "old_due_at": due.isoformat()})  # fmt: skip
                    original_due, due = due, new_due
            if status == "in_progress":
                if original_due is not None:
                    done_at = original_due + (due - original_due) * rng.uniform(0.2, 0.95)
                elif late:
                    done_at = due + dt.timedelta(hours=rng.randint(2, 72))
                else:
                    done_at = received + span * rng.uniform(0.3, 0.97) + pause
                done_at = after_last(done_at)
                if not late and done_at >= due and events[-1][1] < due - dt.timedelta(minutes=2):
                    done_at = due - dt.timedelta(minutes=1)  # on time, as 99 % are
                if done_at <= now:
                    event(done_at, "issue_result", "in_progress", "resolved", actor=officer)
                    status, finished = "resolved", done_at
                    handed = done_at + dt.timedelta(hours=rng.randint(1, 120))
                    if handed <= now:
                        return_channel = "online" if online and rng.random() < 0.6 else "in_person"
                        event(handed, "return_result", "resolved", "returned", actor=officer,
                              data={"channel": return_channel, "tracking_number": ""})  # fmt: skip
                        status, returned = "returned", handed
    fee = proc.fee
    form_data = json.dumps(
        {
            "nguoi_yeu_cau_ho_ten": full_name,
            "nguoi_yeu_cau_so_dinh_danh": pid,
            "nguoi_yeu_cau_dien_thoai": phone,
        },
        ensure_ascii=False,
    )
    last = events[-1][1] if events else submitted
    rows.dossiers.append(
        (
            dossier_id, code, f"{rng.randrange(1_000_000):06d}", not online and rng.random() < 0.1,
            "online" if online else "in_person", status, "", form_data,
            '["nguoi_yeu_cau_ho_ten", "nguoi_yeu_cau_so_dinh_danh"]' if online else "[]",
            4 if online else 0, online, fee, ("paid" if online else "at_desk") if fee else "not_required",
            online and fee > 0, submitted, last, submitted, received_at, due, finished, returned,
            f"{KEY_PREFIX}{seed}:{index}", len(events), applicant_id, competent, None, proc.version_id,
            centre_id, assigned, original_due, paused, Decimal("0.00"), return_channel, None, supplements,
            supplement_deadline, False, None,
        )
    )  # fmt: skip
    rows.events.extend(events)
    for position, document in enumerate(proc.documents[: rng.randint(1, 3) if online else 1]):
        digest = hashlib.sha256(f"{seed}:{index}:{position}".encode()).hexdigest()
        is_pdf = rng.random() < 0.7
        ext = ".pdf" if is_pdf else ".jpg"
        rows.attachments.append(
            (
                ids.take("dossiers_attachment"), document, f"dossiers/{digest[:2]}/{digest}{ext}",
                f"{document}{ext}", "application/pdf" if is_pdf else "image/jpeg", ext,
                rng.randint(60_000, 900_000), digest, submitted, None, applicant_id if online else officer,
                dossier_id, None,
            )
        )  # fmt: skip


def _finish(sequences: dict[tuple[int, dt.date], int]) -> None:
    """Move identity sequences past the generated keys; daily code counters past the codes used,
    so a real submission today does not collide with a synthetic code."""
    from motcua.dossiers.models import DossierCodeSequence

    for table in ("dossiers_dossier", "dossiers_dossierevent", "dossiers_attachment"):
        _reset_identity(table)
    existing = {
        (row.agency_id, row.day): row
        for row in DossierCodeSequence.objects.filter(
            day__gte=min((d for _a, d in sequences), default=dt.date.today())
        )
    }
    new, changed = [], []
    for (agency_id, day), last in sequences.items():
        row = existing.get((agency_id, day))
        if row is None:
            new.append(DossierCodeSequence(agency_id=agency_id, day=day, last=last))
        elif row.last < last:
            row.last = last
            changed.append(row)
    with transaction.atomic():
        DossierCodeSequence.objects.bulk_create(new, batch_size=5000)
        DossierCodeSequence.objects.bulk_update(changed, ["last"], batch_size=5000)
    if connection.vendor == "postgresql":
        # VACUUM as autovacuum would soon after: besides the statistics, the visibility map lets
        # index-only scans (the officers' tab counts) skip the table. Not inside a transaction.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for table in (
                "dossiers_dossier",
                "dossiers_dossierevent",
                "dossiers_attachment",
                "accounts_user",
            ):
                cursor.execute(f"{command} {table}")


BULK_TABLES = ("dossiers_dossier", "dossiers_dossierevent", "dossiers_attachment")


def _bulk_session() -> None:
    """PostgreSQL, inside the batch transaction: no wait for the WAL flush (a crash loses at most
    the last batch, which a re-run regenerates), and — for a superuser — no per-row foreign-key
    triggers: the generator assigns every key itself, from rows it has just read or written."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def _drop_plain_indexes(say) -> list[str]:
    """Drop the non-unique indexes of the bulk tables; returns their definitions."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
            "JOIN pg_index x ON x.indexrelid = c.oid WHERE i.tablename = ANY(%s) AND NOT x.indisunique",
            [list(BULK_TABLES)],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    say(f"dropped {len(found)} indexes for the load")
    return [definition for _name, definition in found]


def _recreate_indexes(definitions: list[str], say) -> None:
    if not definitions:
        return
    say(f"building {len(definitions)} indexes")
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")


def _reset_identity(table: str) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite continues after the largest rowid by itself
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"  # noqa: S608 (our table names)
        )


# --- writers --------------------------------------------------------------------------------


def _writer() -> Callable[[str, Sequence[str], list[tuple]], None]:
    return _copy if connection.vendor == "postgresql" else _insert


def _copy(table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """PostgreSQL ``COPY … FROM STDIN``: the bulk path (psycopg adapts the rows in C)."""
    if not rows:
        return
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _insert(table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """Other databases (the tests' SQLite): parameterised multi-row INSERTs."""
    if not rows:
        return
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    ops = connection.ops
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, max(1, 900 // len(columns))):
            values = [_adapt(ops, v) for row in chunk for v in row]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([placeholders] * len(chunk))}",  # noqa: S608
                values,
            )


def _adapt(ops, value):
    if isinstance(value, dt.datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def _chunks(rows: list, size: int) -> Iterable[list]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
