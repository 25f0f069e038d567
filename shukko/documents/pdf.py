"""A letter's blocks as an A4 PDF for the post (ReportLab), with a Japanese Mincho font
embedded (its subset), so that it prints and reads the same on any machine.

The same blocks give the Markdown and the HTML (`documents.py`): the three files say the same.
ReportLab lays a letter out in about 15 ms (an HTML renderer took 150-250 ms, which a night of
thousands of letters cannot afford); a night with many letters lays them out on every core
(`render_many`). The font is Debian's fonts-ipafont-mincho (IPA明朝), or the TrueType file
`SHUKKO_LETTER_FONT` names.
"""

from __future__ import annotations

import atexit
import io
import multiprocessing
import os
import shutil
import subprocess
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
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
        if not Path(named).is_file() or Path(named).suffix.lower() not in (".ttf", ".otf"):
            raise RuntimeError(
                f"SHUKKO_LETTER_FONT: {named} is not a TrueType font file (.ttf) here"
            )
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
    }


def _text(value: str) -> str:
    return escape(str(value)).replace("\n", "<br/>")


def to_pdf(blocks) -> bytes:
    """The blocks (title, heading, paragraph, right, bullets, table, note) on A4 pages with
    a business letter's margins."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = _styles()
    story = []
    for block in blocks:
        if block.kind in ("title", "heading", "paragraph", "right", "note"):
            story.append(Paragraph(_text(block.text), styles[block.kind]))
        elif block.kind == "bullets":
            story += [Paragraph("・" + _text(item), styles["bullet"]) for item in block.items]
        elif block.kind == "table":
            # plain cells: a letter's tables hold short figures, and laying each cell out
            # as a paragraph cost most of a letter's time
            rows = [[str(value) for value in row] for row in [block.header, *block.rows]]
            table = Table(rows, repeatRows=1, hAlign="LEFT")
            table.setStyle(
                TableStyle(
                    [
                        ("FONT", (0, 0), (-1, -1), FONT_NAME, 9),
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ]
                )
            )
            story.append(table)
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


# A night with at least this many letters lays them out in worker processes (spawned: no
# state of the night's threads or database connections goes with them).
PARALLEL_FROM = 8
_pool: ProcessPoolExecutor | None = None


def _workers() -> ProcessPoolExecutor | None:
    global _pool
    cores = os.cpu_count() or 1
    if cores < 2:
        return None
    if _pool is None:
        _pool = ProcessPoolExecutor(
            max_workers=min(cores, 4), mp_context=multiprocessing.get_context("spawn")
        )
        atexit.register(_pool.shutdown, cancel_futures=True)
    return _pool


def render_many(letters: list) -> list[bytes]:
    """The PDFs of many letters (each a list of blocks), in order: on every core when there
    are enough of them to be worth it, in this process otherwise."""
    pool = _workers() if len(letters) >= PARALLEL_FROM else None
    if pool is None:
        return [to_pdf(blocks) for blocks in letters]
    return list(pool.map(to_pdf, letters, chunksize=4))


class Background:
    """PDFs laid out and written by the worker processes while the caller goes on (a replayed
    year's nights: the next day's work overlaps the letters' layout). At most `limit` batches
    wait; `stop()` waits for all, raises the first failure, and lays out in the foreground
    again."""

    def __init__(self, pool: ProcessPoolExecutor, limit: int) -> None:
        self.pool, self.limit = pool, limit
        self.pending: deque[Future] = deque()

    def submit(self, files: list[tuple[Path, object]]) -> None:
        for start in range(0, len(files), BACKGROUND_BATCH):
            batch = files[start : start + BACKGROUND_BATCH]
            self.pending.append(self.pool.submit(_write_pdfs, batch))
        while len(self.pending) > self.limit:  # memory stays bounded: wait for the oldest
            self.pending.popleft().result()

    def stop(self) -> None:
        global _background
        if _background is self:
            _background = None
        while self.pending:
            self.pending.popleft().result()


BACKGROUND_BATCH = 8
_background: Background | None = None


@contextmanager
def pdfs_in_background(limit: int = 64):
    """Within, `write_later` hands letters' PDFs to the worker processes and returns at
    once; leaving waits until every one is written. On one core, nothing changes."""
    global _background
    pool = _workers()
    background = Background(pool, limit) if pool is not None else None
    _background = background
    try:
        yield background
    finally:
        if background is not None:
            background.stop()


def write_later(files: list[tuple[Path, object]]) -> bool:
    """Hand (PDF path, blocks) pairs to the background when one is running; False when not
    (the caller lays them out now)."""
    if _background is None or not files:
        return False
    _background.submit(files)
    return True


def _write_pdfs(files: list[tuple[Path, object]]) -> None:
    """In a worker: each letter's PDF laid out and written whole (or not at all)."""
    from shukko.documents.files import write_atomically

    for path, blocks in files:
        write_atomically(path, to_pdf(blocks))
