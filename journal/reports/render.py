"""One `ReportTable` → HTML, PDF (WeasyPrint) and XLSX (openpyxl) (REP-5).

Both files are reproducible byte for byte from the same table: the PDF's creation and
modification dates are the data's timestamp (`dcterms.created` / `dcterms.modified`), the
XLSX's document properties too, and the XLSX's zip entries carry a fixed date.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from journal.reports.layout import ReportTable, display

# Without any data row a file still needs a date: a fixed one, so that it stays reproducible.
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

NUMBER_FORMATS = {"integer": "0", "decimal": "0.00", "percent": "0.0", "date": "DD.MM.YYYY"}
WIDTHS = {"string": 28, "integer": 8, "decimal": 8, "percent": 9, "mark": 6, "date": 11}


def data_moment(table_or_at: ReportTable | dt.datetime | None) -> dt.datetime:
    at = table_or_at.data_at if isinstance(table_or_at, ReportTable) else table_or_at
    return timezone.localtime(at or EPOCH).replace(microsecond=0)


def font_faces() -> str:
    """@font-face rules for the print CSS: DejaVu Sans from the local disk."""
    base = Path(settings.REPORTS_FONT_DIR)
    faces = [("DejaVuSans.ttf", "normal"), ("DejaVuSans-Bold.ttf", "bold")]
    return "\n".join(
        f"@font-face {{ font-family: 'Report Sans'; font-weight: {weight}; "
        f"src: url('{(base / name).as_uri()}'); }}"
        for name, weight in faces
    )


def cells(table: ReportTable) -> dict[str, Any]:
    """The table as the templates show it (text already formatted)."""

    def line(values: list[Any]) -> list[dict[str, Any]]:
        return [
            {"text": display(v, t), "num": t in ("integer", "decimal", "percent", "mark")}
            for v, t in zip(values, table.types, strict=True)
        ]

    rows = [line(r) for r in table.rows]
    return {
        "header": table.header,
        "rows": rows,
        "body_html": body_html(rows),
        "totals": [line(r) for r in table.totals],
        "summary": [(label, display(v, t)) for label, v, t in table.summary],
    }


def body_html(rows: list[list[dict[str, Any]]]) -> SafeString:
    """The table's body rows as HTML, built here rather than by a template loop: a whole
    school's summary sheet has some 100,000 cells, and the template engine spends ~25 µs
    on each (bench/reports.py). The same markup as a `{% for %}` with autoescaping."""
    out = []
    for row in rows:
        out.append("<tr>")
        for c in row:
            text = escape(c["text"])
            out.append(f'<td class="num">{text}</td>' if c["num"] else f"<td>{text}</td>")
        out.append("</tr>")
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped above


def html_table(table: ReportTable) -> str:
    return render_to_string("reports/table.html", {"table": table, **cells(table)})


def pdf_from_html(html: str, *, pdf_variant: str | None = None) -> bytes:
    """`pdf_variant="pdf/a-3b"` for the archive (ARC-1): PDF/A with its XMP identification,
    embedded fonts and an output intent, as WeasyPrint makes them."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.REPORTS_FONT_DIR))
    return bytes(document.write_pdf(pdf_variant=pdf_variant))


@dataclass(frozen=True)
class Heading:
    """What a file says besides the table: the school, the parameters, who signs."""

    school: str
    parameters: list[tuple[str, str]]
    signatures: list[tuple[str, str]]  # position, name


def print_context(table: ReportTable, heading: Heading) -> dict[str, Any]:
    moment = data_moment(table)
    return {
        "table": table,
        **cells(table),
        "school": heading.school,
        "parameters": heading.parameters,
        "signatures": heading.signatures,
        "font_faces": font_faces(),
        "moment": moment.isoformat(),
        "moment_text": f"{moment:%d.%m.%Y %H:%M}",
    }


def pdf_document(table: ReportTable, heading: Heading, *, pdf_variant: str | None = None) -> bytes:
    """A4 landscape; the header rows repeat on every sheet; «лист N из M»; signatures."""
    html = render_to_string("reports/print.html", print_context(table, heading))
    return pdf_from_html(html, pdf_variant=pdf_variant)


def _xlsx_value(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind == "mark":
        return int(value) if str(value).isdigit() else str(value)
    if kind == "boolean":
        return "да" if value else "нет"
    if isinstance(value, Decimal):
        return float(value)
    return value


def xlsx_document(table: ReportTable, heading: Heading) -> bytes:
    """Frozen header, column widths, number formats, merged header cells like the paper
    forms, A4 landscape print setup with the header rows repeated on every page."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    moment = data_moment(table).replace(tzinfo=None)
    wb = Workbook()
    school = heading.school
    wb.properties.creator = school[:200] or "edujournal"
    wb.properties.title = table.form.title[:200]
    wb.properties.created = moment
    wb.properties.modified = moment
    wb.properties.lastModifiedBy = None
    ws = wb.active
    assert ws is not None
    ws.title = "Отчёт"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.cell(row=1, column=1, value=table.form.title).font = Font(bold=True, size=12)
    row = 2
    for line in [school, *table.caption, *(f"{k}: {v}" for k, v in heading.parameters)]:
        ws.cell(row=row, column=1, value=line)
        row += 1
    row += 1
    top = row
    for level, header in enumerate(table.header):
        for cell in header:
            r, c = top + level, cell.first_column + 1
            target = ws.cell(row=r, column=c, value=cell.text)
            target.font = Font(bold=True)
            target.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if cell.colspan > 1 or cell.rowspan > 1:
                ws.merge_cells(
                    start_row=r,
                    start_column=c,
                    end_row=r + cell.rowspan - 1,
                    end_column=c + cell.colspan - 1,
                )
    depth = len(table.header)
    for r in range(top, top + depth):
        for c in range(1, table.width + 1):
            ws.cell(row=r, column=c).border = border
    first_body = top + depth
    for i, values in enumerate([*table.rows, *table.totals]):
        for j, (value, kind) in enumerate(zip(values, table.types, strict=True)):
            target = ws.cell(row=first_body + i, column=j + 1, value=_xlsx_value(value, kind))
            target.border = border
            if kind in NUMBER_FORMATS:
                target.number_format = NUMBER_FORMATS[kind]
            if i >= len(table.rows):
                target.font = Font(bold=True)
    row = first_body + len(table.rows) + len(table.totals) + 1
    for label, value, kind in table.summary:
        ws.cell(row=row, column=1, value=label)
        target = ws.cell(row=row, column=2, value=_xlsx_value(value, kind))
        if kind in NUMBER_FORMATS:
            target.number_format = NUMBER_FORMATS[kind]
        row += 1
    for j, kind in enumerate(table.types):
        ws.column_dimensions[get_column_letter(j + 1)].width = WIDTHS.get(kind, 10)
    ws.freeze_panes = ws.cell(row=first_body, column=2)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{top}:{first_body - 1}"
    ws.oddFooter.right.text = "лист &P из &N"
    buffer = io.BytesIO()
    wb.save(buffer)
    return stable_zip(buffer.getvalue())


def stable_zip(data: bytes) -> bytes:
    """The same archive with every entry dated ZIP_DATE (openpyxl stamps the current time)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
