"""The report's files: Markdown, CSV per table, one XLSX workbook, PNG charts in Japanese."""

from __future__ import annotations

from pathlib import Path

from shukko.documents import blocks as doc
from shukko.documents.exports import write_csv, write_xlsx
from shukko.documents.files import write_atomically

MONTHLY_HEADER = [
    "月",
    "受入情報",
    "送出情報",
    "成立数",
    "受入情報（パンフレット）",
    "送出情報（パンフレット）",
    "成立数（パンフレット）",
]


def _dash(value) -> str:
    return "—" if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def tables(report: dict) -> dict[str, tuple[list[str], list[list]]]:
    """Every table as (header, rows), shared by CSV, XLSX and Markdown."""
    cross = report["cross_industry"]
    return {
        "月別実績": (MONTHLY_HEADER, _monthly_rows(report)),
        "年間実績": (
            ["区分", "人数", "人数（パンフレット）"],
            [[a["label"], a["persons"], a["brochure"]] for a in report["annual"]],
        ),
        "出向・移籍": (
            ["区分", "成立数"],
            [[k["label"], k["persons"]] for k in report["established_by_kind"]],
        ),
        "出向の目的": (
            ["目的", "件数", "成立数"],
            [[p["label"], p["cases"], p["persons"]] for p in report["secondments_by_purpose"]],
        ),
        "送出業種": (
            ["大分類", "業種", "成立数", "構成比"],
            [
                [d["division"], d["name"], d["persons"], d["share"]]
                for d in report["sending_by_division"]
            ],
        ),
        "受入業種": (
            ["大分類", "業種", "成立数", "構成比"],
            [
                [d["division"], d["name"], d["persons"], d["share"]]
                for d in report["receiving_by_division"]
            ],
        ),
        "異業種間": (
            ["異業種間の成立数", "成立数", "割合"],
            [[cross["persons"], cross["of_persons"], cross["share"]]],
        ),
        "紹介元": (
            ["紹介元の種類", "件数", "人数", "成立数"],
            [
                [r["partner_kind"], r["offers"], r["persons_offered"], r["persons_established"]]
                for r in report["referrals"]
            ],
        ),
        "案件の状態": (
            ["区分", "状態", "状態名", "件数", "人数"],
            [
                [c["kind"], c["state"], c["label"], c["cases"], c["persons"]]
                for c in report["cases_by_state"]
            ],
        ),
        **_transfer_tables(report["transfers"]),
        **_bank_tables(report["bank"]),
    }


def _transfer_tables(transfers: dict) -> dict[str, tuple[list[str], list[list]]]:
    """移籍: persons placed by month (transfer cases and job seekers), both industries, and
    the job seekers' ages."""
    division_header = ["大分類", "業種", "成立数", "構成比"]

    def divisions(rows: list[dict]) -> list[list]:
        return [[d["division"], d["name"], d["persons"], d["share"]] for d in rows]

    return {
        "移籍 月別成立数": (
            ["月", "移籍案件", "求職者", "成立数"],
            [[m["month"], m["cases"], m["seekers"], m["persons"]] for m in transfers["monthly"]]
            + [["合計", transfers["cases_persons"], transfers["seekers"], transfers["persons"]]],
        ),
        "移籍 送出業種": (division_header, divisions(transfers["sending_by_division"])),
        "移籍 受入業種": (division_header, divisions(transfers["receiving_by_division"])),
        "移籍 求職者の年齢（離職時）": (
            ["年齢", "人数", "構成比"],
            [[a["group"], a["persons"], a["share"]] for a in transfers["ages"]],
        ),
    }


def _monthly_rows(report: dict) -> list[list]:
    """The fiscal year's months beside the brochure's figures, and the year's totals."""
    keys = ("receiving_info", "sending_info", "established")
    rows = [
        [m["month"], *(m[k] for k in keys), *(m[f"brochure_{k}"] for k in keys)]
        for m in report["monthly"]
    ]
    totals = report["totals"]
    return [*rows, ["合計", *(totals[k] for k in keys), None, None, None]]


def _bank_tables(bank: dict) -> dict[str, tuple[list[str], list[list]]]:
    """キャリア人材バンク: hires by month, the occupations they went into, each office."""
    return {
        "キャリア人材バンク 月別再就職数": (
            ["月", "再就職数"],
            [[m["month"], m["hires"]] for m in bank["monthly_hires"]] + [["合計", bank["hires"]]],
        ),
        "キャリア人材バンク 受入職種": (
            ["大分類", "職業", "人数", "構成比"],
            [[o["code"], o["name"], o["persons"], o["share"]] for o in bank["occupations"]],
        ),
        "キャリア人材バンク 事務所別": (
            ["事務所", "登録者数", "うち再就職", "就職率"],
            [
                [o["name"], o["registrations"], o["placed"], o["share_placed"]]
                for o in bank["by_office"]
            ]
            + [["合計", bank["registrations"], bank["placed"], bank["share_placed"]]],
        ),
    }


CSV_NAMES = {
    "月別実績": "monthly.csv",
    "年間実績": "annual.csv",
    "出向・移籍": "by_kind.csv",
    "出向の目的": "by_purpose.csv",
    "送出業種": "sending_by_division.csv",
    "受入業種": "receiving_by_division.csv",
    "異業種間": "cross_industry.csv",
    "紹介元": "referrals.csv",
    "案件の状態": "cases_by_state.csv",
    "移籍 月別成立数": "transfer_monthly.csv",
    "移籍 送出業種": "transfer_sending_by_division.csv",
    "移籍 受入業種": "transfer_receiving_by_division.csv",
    "移籍 求職者の年齢（離職時）": "transfer_ages.csv",
    "キャリア人材バンク 月別再就職数": "bank_monthly_hires.csv",
    "キャリア人材バンク 受入職種": "bank_occupations.csv",
    "キャリア人材バンク 事務所別": "bank_by_office.csv",
}


def markdown(report: dict) -> str:
    fy = report["fiscal_year"]
    blocks = [
        doc.title(f"産業雇用安定センター 業務統計 {fy}年度（{report['from']} 〜 {report['to']}）"),
        doc.paragraph(
            "受入情報・送出情報は受付日の月に数えた在籍型出向の人数、成立数は出向契約締結日の月に"
            "数えた人数です。（パンフレット）の列はセンターのパンフレットに掲載された数値です。"
        ),
        doc.paragraph(
            "年間実績の受入情報・送出情報は出向・移籍・いずれもの全区分の人数、移籍成立は移籍の"
            "案件の人数と移籍の求職者の入社の合計です。パンフレットの年表は見出しの年度が月次表より"
            "一年早く付いているため、月次表と一致する年度に読み替えて並べています。"
        ),
        *(doc.note(note) for note in report.get("notes", [])),
    ]
    for title, (header, rows) in tables(report).items():
        blocks += [doc.heading(title), doc.table(header, [[_dash(c) for c in r] for r in rows])]
    return doc.to_markdown(blocks)


def monthly_chart(report: dict, path: Path) -> Path:
    """The brochure's chart: 受入情報 and 送出情報 as bars, 成立数 as a line, by month."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib_fontja  # noqa: F401  (IPAexGothic for the Japanese labels)

    months = report["monthly"]
    labels = [m["label"] for m in months]
    positions = range(len(months))
    figure, axes = plt.subplots(figsize=(10, 5), dpi=110)
    width = 0.4
    axes.bar(
        [p - width / 2 for p in positions],
        [m["receiving_info"] for m in months],
        width,
        label="受入情報",
        color="#f3a953",
    )
    axes.bar(
        [p + width / 2 for p in positions],
        [m["sending_info"] for m in months],
        width,
        label="送出情報",
        color="#5b8fd9",
    )
    axes.plot(
        list(positions),
        [m["established"] for m in months],
        marker="o",
        color="#d9534f",
        label="成立数",
    )
    brochure = [m.get("brochure_established") for m in months]
    if any(value is not None for value in brochure):
        axes.plot(
            list(positions),
            brochure,
            linestyle="--",
            color="#777777",
            label="成立数（パンフレット）",
        )
    axes.set_xticks(list(positions), labels)
    axes.set_ylabel("人数")
    axes.set_title(f"在籍型出向 月別実績（{report['fiscal_year']}年度）")
    axes.legend()
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path


def bank_chart(report: dict, path: Path) -> Path:
    """キャリア人材バンク: re-employments by month, and the occupations taken."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib_fontja  # noqa: F401

    bank = report["bank"]
    figure, (months, jobs) = plt.subplots(1, 2, figsize=(11, 4.5), dpi=110)
    rows = bank["monthly_hires"]
    months.bar([r["label"] for r in rows], [r["hires"] for r in rows], color="#6aa84f")
    months.set_title("月別再就職数")
    months.set_ylabel("人数")
    months.grid(axis="y", alpha=0.3)
    taken = bank["occupations"][:8][::-1]
    jobs.barh([f"{r['code']} {r['name']}" for r in taken], [r["persons"] for r in taken],
              color="#6aa84f")  # fmt: skip
    jobs.set_title("再就職者の受入職種")
    jobs.set_xlabel("人数")
    share = bank["share_placed"]
    figure.suptitle(
        f"キャリア人材バンク {report['fiscal_year']}年度 再就職 {bank['hires']}人"
        + (f"（登録者の就職率 {share:.1%}）" if share is not None else "")
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path


def industry_chart(report: dict, path: Path) -> Path:
    """成立数 by JSIC division, sender beside receiver."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib_fontja  # noqa: F401

    figure, panes = plt.subplots(1, 2, figsize=(11, 5), dpi=110)
    for axes, key, title in (
        (panes[0], "sending_by_division", "送出企業の業種"),
        (panes[1], "receiving_by_division", "受入企業の業種"),
    ):
        rows = report[key][:8][::-1]
        axes.barh(
            [f"{r['division']} {r['name']}" for r in rows],
            [r["persons"] for r in rows],
            color="#5b8fd9",
        )
        axes.set_title(title)
        axes.set_xlabel("成立数（人）")
    share = report["cross_industry"]["share"]
    figure.suptitle(
        f"{report['fiscal_year']}年度 業種別の成立数"
        + (f"（異業種間 {share:.1%}）" if share is not None else "")
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path


def write_report_files(report: dict, out: Path) -> list[Path]:
    """Every file of the report into `out`; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    every = tables(report)
    paths = [doc_path := out / "report.md"]
    write_atomically(doc_path, markdown(report))
    paths += [write_csv(out / CSV_NAMES[title], *table) for title, table in every.items()]
    paths.append(write_xlsx(out / "report.xlsx", every))
    paths.append(monthly_chart(report, out / "monthly.png"))
    paths.append(industry_chart(report, out / "industries.png"))
    paths.append(bank_chart(report, out / "bank.png"))
    return paths
