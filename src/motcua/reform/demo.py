"""Demo data for the reform app, loaded by `motcua demo` (idempotent).

A procedure control officer at the provincial People's Committee, a department specialist and a
community digital-technology team member; the hourly value (a clearly labelled placeholder);
the 2026 review plan over a few demo procedures, with field observations and one assessment
started.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import transaction

from motcua.accounts import services as account_services
from motcua.accounts.models import OfficerRole, User
from motcua.catalog.models import Procedure
from motcua.org.models import Agency

Role = OfficerRole.Role
DEMO_PASSWORD = "demo12345"
PLAN_TITLE = "Kế hoạch rà soát, đánh giá thủ tục hành chính năm 2026"
#: The research (docs/reform.md, shared research §2.4) found no official hourly rate: this is the
#: placeholder it uses, labelled as such so that nobody takes it for a statistic.
HOURLY_VALUE = 40_000
HOURLY_SOURCE = (
    "Giá trị minh họa (chưa phải số liệu chính thức) — thay bằng thu nhập bình quân một giờ lao động "
    "do cơ quan thống kê công bố trước khi sử dụng"
)

#: (procedure code, agency code, team, deadline)
ASSIGNMENTS = [
    ("1.004873", "000.00.04.H53", "department", dt.date(2026, 6, 30)),
    ("1.004873", "000.08.40.H53", "community", dt.date(2026, 5, 31)),
    ("2.000635", "000.00.04.H53", "department", dt.date(2026, 6, 30)),
    ("1.001612", "000.00.03.H53", "department", dt.date(2026, 7, 31)),
    ("2.000633", "000.00.05.H53", "department", dt.date(2026, 7, 31)),
]
#: What the community team saw citizens spend on 1.004873 (activity, hours, money, note).
OBSERVATIONS = [
    ("travel", "2", 30000, "Đi xe máy từ ấp đến UBND xã, hai lượt"),
    ("travel", "3", 40000, "Đi nhờ xe, chờ đò"),
    ("travel", "6", 120000, "Thuê xe ôm, người cao tuổi"),
    ("prepare", "2", 10000, "Photo và chứng thực bản sao căn cước"),
    ("prepare", "1.5", 6000, "Photo căn cước"),
    ("wait", "1", 0, "Chờ tại bộ phận một cửa"),
]


def _officer(username: str, full_name: str, agency: Agency, role: str, hashed: list[str]) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        if not hashed:
            hashed.append(make_password(DEMO_PASSWORD))
        return account_services.create_officer(
            username=username,
            password=DEMO_PASSWORD,
            password_hash=hashed[0],
            full_name=full_name,
            agency=agency,
            roles=[role],
            email=f"{username}@tayninh.example.org",
            check_password_strength=False,
        )
    account_services.grant_role(user=user, agency=agency, role=role)
    return user


def build_demo_people() -> dict[str, User]:
    """The workbench's three demo officers, with the demo TOTP device (as every demo officer)."""
    agencies = {
        a.code: a for a in Agency.objects.filter(code__in=["000.00.00.H53", "000.00.04.H53", "000.08.40.H53"])
    }
    hashed: list[str] = []
    people = {
        "reform": _officer(
            "kiemsoat.tinh", "Trương Thị Kim", agencies["000.00.00.H53"], Role.REFORM_OFFICER, hashed
        ),
        "specialist": _officer(
            "chuyenvien.sotuphap", "Lý Văn Hòa", agencies["000.00.04.H53"], Role.SPECIALIST, hashed
        ),
        "team": _officer(
            "tocongnghe.tandong", "Đỗ Thị Mai", agencies["000.08.40.H53"], Role.COMMUNITY_HELPER, hashed
        ),
    }
    from motcua.accounts.demo_otp import ensure_demo_totp

    ensure_demo_totp(usernames=[user.username for user in people.values()])
    return people


def build_demo() -> list[tuple[str, str, str]]:
    """Create this app's demo data; return demo logins as (username, password, description)."""
    from motcua.reform import selectors, services
    from motcua.reform.models import Assessment, Assignment, HourlyValue, ReviewPlan

    agencies = {
        a.code: a
        for a in Agency.objects.filter(code__in=[c for _p, c, _t, _d in ASSIGNMENTS] + ["000.00.00.H53"])
    }
    if "000.00.00.H53" not in agencies:
        return []
    with transaction.atomic():
        people = build_demo_people()
        reform, specialist, team = people["reform"], people["specialist"], people["team"]
        services.load_question_bank()
        if not HourlyValue.objects.exists():
            services.set_hourly_value(
                year=2025,
                value_vnd=HOURLY_VALUE,
                source=HOURLY_SOURCE,
                source_date=dt.date(2025, 12, 31),
                actor=reform,
            )
        plan = ReviewPlan.objects.filter(year=2026, title=PLAN_TITLE).first()
        if plan is None:
            plan = services.create_plan(
                year=2026, title=PLAN_TITLE, owner=agencies["000.00.00.H53"], decision_no="", actor=reform
            )
        for code, agency_code, team_kind, due in ASSIGNMENTS:
            procedure = Procedure.objects.filter(code=code).first()
            if (
                procedure is None
                or agency_code not in agencies
                or selectors.current_version(procedure) is None
            ):
                continue
            if not Assignment.objects.filter(
                plan=plan, procedure=procedure, agency=agencies[agency_code], team=team_kind
            ).exists():
                services.assign(
                    plan=plan,
                    procedure_code=code,
                    agency=agencies[agency_code],
                    team=team_kind,
                    due_date=due,
                    actor=reform,
                )
        field_work = Assignment.objects.filter(
            plan=plan, team="community", procedure__code="1.004873"
        ).first()
        if field_work and not field_work.observations.exists():
            for activity, hours, money, note in OBSERVATIONS:
                services.record_observation(
                    assignment=field_work,
                    activity=activity,
                    hours=hours,
                    money_vnd=money,
                    observed_on=dt.date(2026, 3, 10),
                    note=note,
                    actor=team,
                )
        desk_work = Assignment.objects.filter(
            plan=plan, team="department", procedure__code="1.004873"
        ).first()
        if desk_work and not Assessment.objects.filter(assignment=desk_work).exists():
            assessment = services.start_assessment(assignment=desk_work, actor=specialist)
            identity = "giay-to-tuy-than"
            answers = [
                {
                    "question": "N1",
                    "value": "yes",
                    "reason": "Xác nhận tình trạng hôn nhân để đăng ký kết hôn và giao dịch dân sự",
                }
            ]
            if assessment.version.documents.filter(code=identity).exists():
                answers.append(
                    {
                        "question": "R-DOC-DATA",
                        "item": identity,
                        "value": "yes",
                        "reason": "Thông tin nhân thân đã có trong Cơ sở dữ liệu quốc gia về dân cư",
                        "proposal": "Bỏ yêu cầu xuất trình giấy tờ tùy thân; khai thác dữ liệu dân cư",
                        "legal_ref": "Luật Căn cước 2023",
                    }
                )
            services.save_answers(assessment=assessment, answers=answers, actor=specialist)
    return [
        (
            "kiemsoat.tinh",
            DEMO_PASSWORD,
            f"procedure control officer (review plans) — {agencies['000.00.00.H53'].name}",
        ),
        (
            "chuyenvien.sotuphap",
            DEMO_PASSWORD,
            f"specialist, answers the assessment — {agencies['000.00.04.H53'].name}",
        ),
        (
            "tocongnghe.tandong",
            DEMO_PASSWORD,
            f"community digital-technology team member, field observations — {agencies['000.08.40.H53'].name}",
        ),
    ]
