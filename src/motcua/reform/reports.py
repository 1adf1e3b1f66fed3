"""The workbench's documents as :class:`~motcua.reform.exports.Report` objects.

Official documents are written in Vietnamese whatever the interface language (like the desk's
forms): review form per procedure, before/after cost sheet, the simplification-plan annex,
recommendations to ministries, the portfolio summary and the monthly Resolution 66 report.
"""

from __future__ import annotations

from decimal import Decimal

from motcua.reform import selectors, services
from motcua.reform.exports import Report, Section, number, vnd
from motcua.reform.models import Assessment, CostSheet, Proposal, ReviewPlan

ANSWER = {"yes": "Có", "no": "Không", "na": "Không áp dụng"}
DIMENSION = {"necessity": "sự cần thiết", "reasonableness": "tính hợp lý", "legality": "tính hợp pháp"}
ACTIVITY = {
    "learn": "Tìm hiểu thủ tục",
    "prepare": "Chuẩn bị hồ sơ (tờ khai, sao chụp, chứng thực)",
    "travel": "Đi lại",
    "wait": "Chờ đợi tại cơ quan",
    "supplement": "Đi lại bổ sung hồ sơ",
    "receive": "Nhận kết quả",
    "other": "Khác",
}
ACTION = {
    "simplify": "Đơn giản hóa",
    "abolish": "Bãi bỏ",
    "replace_by_data": "Thay thế thành phần hồ sơ bằng dữ liệu",
    "decentralise": "Phân cấp",
}
STATUS = {
    "draft": "Dự thảo",
    "approved": "Đã phê duyệt",
    "legal_issued": "Đã ban hành văn bản",
    "republished": "Đã công bố lại",
    "applied": "Đã áp dụng trên hệ thống",
    "rejected": "Không chấp thuận",
}
UNIT = {"working_days": "ngày làm việc", "working_hours": "giờ làm việc"}


def _time(version) -> str:
    return f"{number(version.processing_time.normalize())} {UNIT.get(version.processing_time_unit, '')}"


def review_form(assessment: Assessment) -> Report:
    """Phiếu rà soát, đánh giá TTHC (Decree 63/2010 Art. 28; Circular 02/2017)."""
    version = assessment.version
    answers = selectors.answers_by_key(assessment)
    report = Report(
        title="PHIẾU RÀ SOÁT, ĐÁNH GIÁ THỦ TỤC HÀNH CHÍNH",
        subtitle=f"Kế hoạch: {assessment.plan.title} — Bộ câu hỏi {assessment.bank.version}",
        filename=f"phieu-ra-soat-{version.procedure.code}",
    )
    report.sections.append(
        Section(
            "I. THÔNG TIN CHUNG",
            paragraphs=[
                f"1. Tên thủ tục: {version.name} (mã {version.procedure.code}, phiên bản {version.number})",
                f"2. Lĩnh vực: {version.sector.name}",
                "3. Văn bản quy định: " + ("; ".join(version.legal_basis) or "—"),
                f"4. Cơ quan rà soát: {assessment.assignment.agency.name}",
            ],
        )
    )
    roman = ["II", "III", "IV"]
    for index, dimension in enumerate(["necessity", "reasonableness", "legality"]):
        rows = []
        for question in assessment.bank.questions.filter(dimension=dimension):
            for item, label in services.items_for(question, version):
                answer = answers.get((question.pk, item))
                rows.append(
                    [
                        question.code,
                        question.text + (f" — {label}" if label else ""),
                        ANSWER.get(answer.value, "") if answer else "",
                        answer.reason if answer else "",
                        answer.proposal if answer else "",
                        answer.legal_ref if answer else "",
                    ]
                )
        report.sections.append(
            Section(
                f"{roman[index]}. RÀ SOÁT, ĐÁNH GIÁ {DIMENSION[dimension].upper()}",
                columns=["Mã", "Nội dung", "Trả lời", "Lý do", "Đề xuất", "Căn cứ pháp lý"],
                rows=rows,
            )
        )
    sheets = selectors.sheets_of(assessment)
    if "before" in sheets:
        result = selectors.sheet_result(sheets["before"])
        report.sections.append(
            Section(
                "V. CHI PHÍ TUÂN THỦ HIỆN TẠI",
                paragraphs=[
                    f"Chi phí thực hiện một lần: {vnd(result.unit_cost_vnd)} đồng; "
                    f"chi phí tuân thủ một năm: {vnd(result.yearly_cost_vnd)} đồng/năm."
                ],
            )
        )
    suggestions = list(selectors.accepted_suggestions(version.procedure)[:20])
    if suggestions:
        report.sections.append(
            Section("VI. Ý KIẾN CỦA NGƯỜI DÂN", paragraphs=[f"- {s.text}" for s in suggestions])
        )
    return report


def _sheet_rows(sheet: CostSheet) -> list[list]:
    rows = []
    for line in sheet.lines.all():
        rows.append(
            [
                ACTIVITY.get(line.activity, line.activity),
                line.hours,
                sheet.hourly_value.value_vnd,
                int((line.hours * sheet.hourly_value.value_vnd).quantize(Decimal(1))),
                line.out_of_pocket_vnd,
                "Trung bình thấp" if line.rule == "lower_average" else "Nhập trực tiếp",
            ]
        )
    return rows


def cost_sheet(proposal: Proposal) -> Report:
    """Before/after compliance-cost sheet of one proposal (Art. 27)."""
    sheets = selectors.sheets_of(proposal.assessment)
    comparison = selectors.comparison(proposal.assessment)
    report = Report(
        title="BẢNG TÍNH CHI PHÍ TUÂN THỦ THỦ TỤC HÀNH CHÍNH",
        subtitle=f"{proposal.before_version.name} (mã {proposal.procedure.code})",
        filename=f"chi-phi-{proposal.procedure.code}",
    )
    columns = [
        "Công việc",
        "Số giờ",
        "Giá trị 1 giờ (đồng)",
        "Chi phí thời gian (đồng)",
        "Chi phí khác (đồng)",
        "Cách xác định",
    ]
    for kind, heading in (
        (CostSheet.Kind.BEFORE, "I. TRƯỚC KHI ĐƠN GIẢN HÓA"),
        (CostSheet.Kind.AFTER, "II. SAU KHI ĐƠN GIẢN HÓA"),
    ):
        sheet = sheets.get(kind)
        if sheet is None:
            continue
        result = selectors.sheet_result(sheet)
        report.sections.append(
            Section(
                heading,
                paragraphs=[
                    f"Giá trị 1 giờ: {vnd(sheet.hourly_value.value_vnd)} đồng (nguồn: {sheet.hourly_value.source}, "
                    f"ngày {sheet.hourly_value.source_date:%d/%m/%Y})",
                    f"Phí, lệ phí: {vnd(result.fees_vnd)} đồng; số lần thực hiện/năm: {number(result.frequency)}; "
                    f"số đối tượng/năm: {vnd(result.subjects)} (nguồn: {sheet.subjects_source})",
                    f"Chi phí thực hiện một lần: {vnd(result.unit_cost_vnd)} đồng; "
                    f"chi phí một năm: {vnd(result.yearly_cost_vnd)} đồng/năm",
                ],
                columns=columns,
                rows=_sheet_rows(sheet),
                numeric={1, 2, 3, 4},
            )
        )
    if comparison:
        report.sections.append(Section("III. LỢI ÍCH", paragraphs=_benefit(comparison)))
    return report


def _benefit(comparison) -> list[str]:
    return [
        f"Chi phí tuân thủ TTHC trước khi đơn giản hóa: {vnd(comparison.before.yearly_cost_vnd)} đồng/năm",
        f"Chi phí tuân thủ TTHC sau khi đơn giản hóa: {vnd(comparison.after.yearly_cost_vnd)} đồng/năm",
        f"Chi phí tiết kiệm: {vnd(comparison.yearly_saving_vnd)} đồng/năm",
        f"Tỷ lệ cắt giảm chi phí: {number(comparison.reduction_percent)}%",
        f"Thời gian người dân tiết kiệm: {number(comparison.hours_saved)} giờ/hồ sơ; "
        f"{number(comparison.yearly_hours_saved)} giờ/năm",
    ]


def _annex_report(plan: ReviewPlan, *, authority: str | None, title: str, filename: str) -> Report:
    report = Report(title=title, subtitle=plan.title, filename=filename)
    for number_, entry in enumerate(selectors.annex(plan, authority=authority), start=1):
        proposal, side = entry.proposal, entry.side
        paragraphs = [f"Hình thức: {ACTION.get(proposal.action, proposal.action)}"]
        if proposal.ministry:
            paragraphs.append(f"Kiến nghị gửi: {proposal.ministry}")
        paragraphs.append("1.1. Nội dung đơn giản hóa:")
        for change in proposal.changes.all():
            paragraphs.append(
                f"- {change.get_kind_display()}: {change.before_text} → {change.after_text}. Lý do: {change.reason}"
            )
        paragraphs.append(f"Lý do chung: {proposal.reasons}")
        paragraphs.append(
            f"Thời hạn giải quyết: {_time(side.before)} → {_time(side.after)} (giảm {number(side.time_reduction_percent)}%)"
        )
        paragraphs.append(f"1.2. Kiến nghị thực thi: {proposal.legal_instrument}")
        paragraphs.append("1.3. Lợi ích phương án đơn giản hóa:")
        if side.comparison:
            paragraphs.extend(_benefit(side.comparison))
        report.sections.append(
            Section(f"{number_}. {side.before.name} (mã {proposal.procedure.code})", paragraphs=paragraphs)
        )
    if not report.sections:
        report.sections.append(Section("—", paragraphs=["Chưa có phương án."]))
    return report


def plan_annex(plan: ReviewPlan) -> Report:
    """Phụ lục phương án đơn giản hóa (annex of the Chairman's Decision)."""
    return _annex_report(
        plan,
        authority=Proposal.Authority.PROVINCE,
        title="PHƯƠNG ÁN ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH",
        filename=f"phu-luc-phuong-an-{plan.year}",
    )


def recommendations(plan: ReviewPlan) -> Report:
    """Kiến nghị các Bộ (Decree 63/2010 Art. 31) for procedures outside the province's power."""
    return _annex_report(
        plan,
        authority=Proposal.Authority.MINISTRY,
        title="KIẾN NGHỊ ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH THUỘC THẨM QUYỀN CỦA BỘ, NGÀNH",
        filename=f"kien-nghi-{plan.year}",
    )


def portfolio(plan: ReviewPlan) -> Report:
    data = selectors.portfolio(plan)
    report = Report(
        title="TỔNG HỢP KẾT QUẢ RÀ SOÁT, ĐÁNH GIÁ THỦ TỤC HÀNH CHÍNH",
        subtitle=plan.title,
        filename=f"tong-hop-{plan.year}",
        landscape=True,
    )
    report.sections.append(
        Section(
            "I. SỐ LIỆU CHUNG",
            paragraphs=[
                f"Số thủ tục đã rà soát: {data['reviewed']}; số phương án: {data['proposals']}",
                "Theo hình thức: " + ("; ".join(f"{k}: {v}" for k, v in data["by_action"].items()) or "—"),
                f"Tổng chi phí tuân thủ trước: {vnd(data['cost_before'])} đồng/năm; sau: {vnd(data['cost_after'])} "
                f"đồng/năm; tiết kiệm {vnd(data['saving'])} đồng/năm ({number(data['cost_percent'])}%, tỷ lệ trên tổng)",
                f"Tổng thời hạn giải quyết: {number(data['days_before'])} → {number(data['days_after'])} "
                f"({number(data['days_percent'])}%)",
                f"Giờ của người dân tiết kiệm mỗi năm: {number(data['hours_saved'])}",
                f"Thành phần hồ sơ cắt giảm hoặc thay bằng dữ liệu: {data['documents_removed']}",
                "Theo cơ sở dữ liệu khai thác: "
                + ("; ".join(f"{k}: {v}" for k, v in data["replaced_by_source"].items()) or "—"),
            ],
        )
    )
    rows = []
    for entry in data["entries"]:
        comp = entry.side.comparison
        rows.append(
            [
                entry.proposal.procedure.code,
                entry.side.before.name,
                ACTION.get(entry.proposal.action, ""),
                STATUS.get(entry.proposal.status, ""),
                comp.before.yearly_cost_vnd if comp else None,
                comp.after.yearly_cost_vnd if comp else None,
                comp.yearly_saving_vnd if comp else None,
                comp.reduction_percent if comp else None,
            ]
        )
    report.sections.append(
        Section(
            "II. CHI TIẾT",
            columns=[
                "Mã",
                "Thủ tục",
                "Hình thức",
                "Tiến độ",
                "Chi phí trước (đồng/năm)",
                "Chi phí sau (đồng/năm)",
                "Tiết kiệm (đồng/năm)",
                "Tỷ lệ (%)",
            ],
            rows=rows,
            numeric={4, 5, 6, 7},
        )
    )
    return report


def resolution66(*, year: int, month: int) -> Report:
    data = selectors.resolution66(year=year, month=month)
    report = Report(
        title="BÁO CÁO TIẾN ĐỘ CẮT GIẢM, ĐƠN GIẢN HÓA TTHC THEO NGHỊ QUYẾT 66/NQ-CP",
        subtitle=f"Tháng {month:02d}/{year} (số liệu đến ngày {data['end']:%d/%m/%Y}; mốc so sánh năm 2024)",
        filename=f"bao-cao-nq66-{year}-{month:02d}",
    )
    report.sections.append(
        Section(
            "I. TIẾN ĐỘ THỰC THI (phễu)",
            columns=["Giai đoạn", "Số phương án"],
            rows=[["Đã đề xuất", data["proposed"]]]
            + [[STATUS[f["stage"]], f["count"]] for f in data["funnel"]],
            numeric={1},
        )
    )
    report.sections.append(
        Section(
            "II. KẾT QUẢ CẮT GIẢM (chỉ tính phương án đã có văn bản ban hành)",
            paragraphs=[
                f"Số phương án được tính: {data['counted']}",
                f"Chi phí tuân thủ: {vnd(data['cost_before'])} → {vnd(data['cost_after'])} đồng/năm, "
                f"giảm {number(data['cost_percent'])}% (tỷ lệ trên tổng chi phí; chỉ tiêu {number(data['target_percent'])}%)",
                f"Thời hạn giải quyết: {number(data['days_before'])} → {number(data['days_after'])}, "
                f"giảm {number(data['days_percent'])}% (tỷ lệ trên tổng thời hạn; chỉ tiêu {number(data['target_percent'])}%)",
            ],
        )
    )
    return report


def draft_decision(plan: ReviewPlan) -> Report:
    """Dự thảo Quyết định thông qua phương án đơn giản hóa, listing the plans by sector (field)."""
    entries = selectors.annex(plan, authority=Proposal.Authority.PROVINCE)
    report = Report(
        title="QUYẾT ĐỊNH (DỰ THẢO) VỀ VIỆC THÔNG QUA PHƯƠNG ÁN ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH",
        subtitle=f"thuộc thẩm quyền giải quyết của tỉnh năm {plan.year}",
        filename=f"du-thao-quyet-dinh-{plan.year}",
    )
    grounds = [
        "Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08/6/2010 của Chính phủ về kiểm soát thủ tục hành chính; "
        "Nghị định số 48/2013/NĐ-CP và Nghị định số 92/2017/NĐ-CP sửa đổi, bổ sung;",
        "Căn cứ Thông tư số 02/2017/TT-VPCP ngày 31/10/2017 của Văn phòng Chính phủ hướng dẫn về nghiệp vụ "
        "kiểm soát thủ tục hành chính;",
        f"Căn cứ {plan.title}" + (f" ({plan.decision_no})" if plan.decision_no else "") + ";",
    ]
    report.sections.append(Section("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", paragraphs=grounds))
    by_sector: dict[str, list] = {}
    for entry in entries:
        by_sector.setdefault(entry.side.before.sector.name, []).append(entry)
    article = [
        "Điều 1. Thông qua phương án đơn giản hóa thủ tục hành chính thuộc thẩm quyền giải quyết của tỉnh (Phụ lục kèm theo), gồm:"
    ]
    for number_, (sector, items) in enumerate(sorted(by_sector.items()), start=1):
        article.append(f"{number_}. Lĩnh vực {sector}: {len(items)} thủ tục")
        for entry in items:
            article.append(f"   - {entry.side.before.name} (mã {entry.proposal.procedure.code})")
    if not entries:
        article.append("(chưa có phương án)")
    report.sections.append(Section("QUYẾT ĐỊNH:", paragraphs=article))
    report.sections.append(
        Section(
            "Điều 2, Điều 3",
            paragraphs=[
                "Điều 2. Giao các sở, ban, ngành dự thảo văn bản thực thi phương án đơn giản hóa theo thẩm quyền, "
                "trình cấp có thẩm quyền ban hành theo nội dung và thời hạn tại Phụ lục.",
                "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, "
                "Thủ trưởng các sở, ban, ngành và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành.",
            ],
        )
    )
    return report


def data_reuse(plan: ReviewPlan) -> Report:
    """Thành phần hồ sơ thay thế bằng dữ liệu (Resolution 66.7/2025/NQ-CP), by database."""
    report = Report(
        title="THÀNH PHẦN HỒ SƠ ĐƯỢC THAY THẾ BẰNG DỮ LIỆU",
        subtitle=plan.title,
        filename=f"thay-the-bang-du-lieu-{plan.year}",
    )
    rows = [
        [p.procedure.code, p.before_version.name, c.before_text, c.data_source, STATUS.get(p.status, "")]
        for p in selectors.proposals_of(plan)
        for c in p.changes.all()
        if c.kind == "replace_by_data"
    ]
    report.sections.append(
        Section(
            "Danh sách",
            columns=["Mã TTHC", "Thủ tục", "Thành phần hồ sơ", "Cơ sở dữ liệu khai thác", "Tiến độ"],
            rows=rows,
        )
    )
    return report
