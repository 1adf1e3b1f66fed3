"""One report, three formats: PDF (WeasyPrint, DejaVu), XLSX (openpyxl), DOCX (python-docx).

A :class:`Report` is a title and sections of paragraphs and tables; each renderer lays them out
in its format, so every workbench report exists in every format from one builder.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    numeric: set[int] = field(default_factory=set)  # column indexes shown right-aligned


@dataclass
class Report:
    title: str
    subtitle: str
    filename: str
    sections: list[Section] = field(default_factory=list)
    landscape: bool = False


def vnd(amount) -> str:
    """12345678 → "12.345.678" (Vietnamese thousands separator)."""
    return f"{int(amount):,}".replace(",", ".")


def number(value) -> str:
    """Decimal hours/percentages with a decimal comma: 71.64 → "71,64"."""
    return f"{Decimal(value):f}".replace(".", ",")


def _cell(value) -> str:
    """Text of a cell for PDF and DOCX: đồng with dots, decimals with a comma."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, int):
        return vnd(value)
    if isinstance(value, Decimal):
        return number(value)
    return str(value)


def _as_text(report: Report) -> Report:
    sections = [
        Section(s.heading, s.paragraphs, s.columns, [[_cell(v) for v in row] for row in s.rows], s.numeric)
        for s in report.sections
    ]
    return Report(report.title, report.subtitle, report.filename, sections, report.landscape)


def to_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    with translation.override("vi"):
        html = render_to_string(
            "reform/exports/report.html", {"report": _as_text(report), "now": timezone.localtime()}
        )
    return HTML(string=html).write_pdf()


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = report.filename[:31]
    sheet.append([report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([report.subtitle])
    widths: dict[int, int] = {}
    for section in report.sections:
        sheet.append([])
        sheet.append([section.heading])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for paragraph in section.paragraphs:
            sheet.append([paragraph])
        if section.columns:
            sheet.append(section.columns)
            for index in range(1, len(section.columns) + 1):
                cell = sheet.cell(row=sheet.max_row, column=index)
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            for row in section.rows:
                # Numbers stay numbers in the spreadsheet so that officers can sum them.
                sheet.append(
                    [v if isinstance(v, int | Decimal) else ("" if v is None else str(v)) for v in row]
                )
                for index, value in enumerate(row, start=1):
                    widths[index] = min(60, max(widths.get(index, 10), len(str(value)) + 2))
                    sheet.cell(row=sheet.max_row, column=index).alignment = Alignment(
                        wrap_text=True, vertical="top"
                    )
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_docx(report: Report) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    if report.landscape:
        page = document.sections[0]
        page.orientation = WD_ORIENT.LANDSCAPE
        page.page_width, page.page_height = page.page_height, page.page_width
    document.add_heading(report.title, level=1)
    document.add_paragraph(report.subtitle)
    for section in report.sections:
        document.add_heading(section.heading, level=2)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        if section.columns:
            table = document.add_table(rows=1, cols=len(section.columns))
            table.style = "Table Grid"
            for cell, title in zip(table.rows[0].cells, section.columns, strict=True):
                cell.text = title
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in section.rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, row, strict=False):
                    cell.text = _cell(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
