"""Documents written for people (notices, reports): one list of blocks, rendered as Markdown
and as a standalone HTML page, so both files always say the same thing."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from shukko.documents.files import write_atomically


@dataclass
class Block:
    kind: str  # title, heading, paragraph, right, bullets, table, note
    text: str = ""
    items: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def title(text: str) -> Block:
    return Block("title", text)


def heading(text: str) -> Block:
    return Block("heading", text)


def paragraph(text: str) -> Block:
    return Block("paragraph", text)


def right(text: str) -> Block:
    """A line set to the right (a letter's date and sender)."""
    return Block("right", text)


def bullets(items: list[str]) -> Block:
    return Block("bullets", items=items)


def table(header: list[str], rows: list[list[str]]) -> Block:
    return Block("table", header=header, rows=rows)


def note(text: str) -> Block:
    return Block("note", text)


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    for block in blocks:
        if block.kind == "title":
            lines += [f"# {block.text}", ""]
        elif block.kind == "heading":
            lines += [f"## {block.text}", ""]
        elif block.kind == "paragraph":
            lines += [block.text, ""]
        elif block.kind == "right":
            lines += [f'<div align="right">{block.text}</div>', ""]
        elif block.kind == "note":
            lines += [f"> {block.text}", ""]
        elif block.kind == "bullets":
            lines += [f"- {item}" for item in block.items] + [""]
        elif block.kind == "table":
            lines.append("| " + " | ".join(map(_md_cell, block.header)) + " |")
            lines.append("|" + "---|" * len(block.header))
            lines += ["| " + " | ".join(map(_md_cell, row)) + " |" for row in block.rows]
            lines.append("")
    return "\n".join(lines)


# A letter prints on A4 with the margins of a business letter; on screen it reads as a page.
# Mincho first (the letters' face, as in their PDF), from Debian's fonts-ipafont-mincho.
LETTER_CSS = (
    "@page{size:A4;margin:20mm 20mm 20mm 25mm}"
    "@media print{body{max-width:none;margin:0;font-size:10.5pt}}"
    "body{font-family:'IPAMincho','IPAexMincho','Noto Serif CJK JP',serif}"
    "h1{font-size:1.3em;text-align:center;margin:1.5em 0}"
    "h2{font-size:1.05em}table{page-break-inside:avoid}"
)


def to_html(blocks: list[Block], page_title: str, *, letter: bool = False) -> str:
    e = html.escape
    body: list[str] = []
    for block in blocks:
        if block.kind == "title":
            body.append(f"<h1>{e(block.text)}</h1>")
        elif block.kind == "heading":
            body.append(f"<h2>{e(block.text)}</h2>")
        elif block.kind == "paragraph":
            body.append(f"<p>{e(block.text)}</p>")
        elif block.kind == "right":
            body.append(f'<p class="right">{e(block.text)}</p>')
        elif block.kind == "note":
            body.append(f'<p class="note">{e(block.text)}</p>')
        elif block.kind == "bullets":
            body.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in block.items) + "</ul>")
        elif block.kind == "table":
            head = "".join(f"<th>{e(str(h))}</th>" for h in block.header)
            rows = "".join(
                "<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>"
                for row in block.rows
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    return (
        '<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(page_title)}</title>\n<style>"
        "body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.6}"
        "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .6em}"
        "td{text-align:right}.note{color:#555;font-size:.9em}.right{text-align:right;margin:0}"
        + (LETTER_CSS if letter else "")
        + "</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def write_letters(letters: list[tuple[Path, list[Block], str]]) -> None:
    """Each letter's three files side by side: Markdown, HTML (A4 when printed) and an A4 PDF
    for the post, each written whole or not at all; given as (Markdown path, blocks,
    subject). The PDFs are laid out together (on every core for a night's many letters)."""
    from shukko.documents.pdf import render_many, write_later

    for markdown_path, blocks, subject in letters:
        write_atomically(markdown_path, to_markdown(blocks))
        write_atomically(markdown_path.with_suffix(".html"), to_html(blocks, subject, letter=True))
    if write_later([(path.with_suffix(".pdf"), blocks) for path, blocks, _subject in letters]):
        return  # a replayed year: laid out while the next day goes on (pdfs_in_background)
    pdfs = render_many([blocks for _path, blocks, _subject in letters])
    for (markdown_path, _blocks, _subject), pdf in zip(letters, pdfs, strict=True):
        write_atomically(markdown_path.with_suffix(".pdf"), pdf)
