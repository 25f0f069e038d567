"""A letter's blocks as an A4 PDF for the post (ReportLab), with a Japanese Mincho font
embedded (its subset), so that it prints and reads the same on any machine.

The same blocks give the Markdown and the HTML (`documents.py`): the three files say the same.
ReportLab lays a letter out in about 10 ms (an HTML renderer took 150-250 ms, which a night of
thousands of letters cannot afford). The font is Debian's fonts-ipafont-mincho (IPA明朝), or
the TrueType file `SHUKKO_LETTER_FONT` names.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

FONT_NAME = "ShukkoMincho"
FONT_FILES = (
    "/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf",
    "/usr/share/fonts/truetype/ipafont-mincho/ipam.ttf",
    "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-mincho.ttf",
)
FONT_PACKAGE = "fonts-ipafont-mincho"


def font_file() -> Path:
    """The Mincho TrueType file to embed: SHUKKO_LETTER_FONT, a known Debian path, or what
    fontconfig finds for IPAMincho."""
    named = os.environ.get("SHUKKO_LETTER_FONT")
    if named:
        return Path(named)
    for candidate in FONT_FILES:
        if Path(candidate).exists():
            return Path(candidate)
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", "IPAMincho:lang=ja"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if found.endswith((".ttf", ".otf")) and "ipa" in found.lower():
            return Path(found)
    raise RuntimeError(
        "letters as PDF need a Japanese Mincho font: install Debian's "
        f"{FONT_PACKAGE} (apt-get install {FONT_PACKAGE}) or set SHUKKO_LETTER_FONT to a "
        "TrueType file"
    )


@lru_cache(maxsize=1)
def _styles():
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_file())))
    body = ParagraphStyle(
        "body", fontName=FONT_NAME, fontSize=10.5, leading=16, wordWrap="CJK", spaceAfter=4
    )
    return {
        "paragraph": body,
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT, spaceAfter=0),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontSize=14,
            leading=20,
            alignment=TA_CENTER,
            spaceBefore=14,
            spaceAfter=14,
        ),
        "heading": ParagraphStyle(
            "heading", parent=body, fontSize=11, leading=17, spaceBefore=8, spaceAfter=2
        ),
        "bullet": ParagraphStyle(
            "bullet", parent=body, leftIndent=12, firstLineIndent=-10, spaceAfter=1
        ),
        "note": ParagraphStyle("note", parent=body, fontSize=9, leading=13),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=12, spaceAfter=0),
    }


def _text(value: str) -> str:
    return escape(str(value)).replace("\n", "<br/>")


def to_pdf(blocks) -> bytes:
    """The blocks (title, heading, paragraph, right, bullets, table, note) on A4 pages with
    a business letter's margins."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = _styles()
    story = []
    for block in blocks:
        if block.kind in ("title", "heading", "paragraph", "right", "note"):
            story.append(Paragraph(_text(block.text), styles[block.kind]))
        elif block.kind == "bullets":
            story += [Paragraph("・" + _text(item), styles["bullet"]) for item in block.items]
        elif block.kind == "table":
            cell = styles["cell"]
            rows = [[Paragraph(_text(value), cell) for value in row]
                    for row in [block.header, *block.rows]]  # fmt: skip
            table = Table(rows, repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ]
                )
            )
            story.append(KeepTogether([table]) if len(rows) <= 20 else table)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=next((b.text for b in blocks if b.kind == "title"), ""),
        author="公益財団法人産業雇用安定センター",
    )
    document.build(story)
    return buffer.getvalue()
