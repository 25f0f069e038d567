"""The web's wording of refusals (shukko.refusals), in Japanese, as consultants read them:
no option or command of the CLI. A refusal naming a form field is shown beside it."""

from __future__ import annotations

from functools import lru_cache

from shukko.errors import ShukkoError
from shukko.refusals import Refusal, worded
from shukko.web import labels
from shukko.web.forms import FIELD_LABELS

SIDES = {"sending": "送出情報", "receiving": "受入情報"}
OFFER_KINDS = labels.OFFER_KINDS
SUBJECTS = {"case": "案件", "registrant": "登録者"}

_NOT_FOUND = {
    "not_found.case": "案件 {case_id} は見つかりません。",
    "not_found.offer": "{offer} の受入情報・送出情報は見つかりません。",
    "not_found.side_offer": "{side_label} {offer} は見つかりません。",
    "not_found.opening": "求人 {opening} は見つかりません。",
    "not_found.transfer_offer": "移籍を受け入れる受入情報 {opening} は見つかりません。",
    "not_found.request": "送出情報 {request} は見つかりません。",
    "not_found.registrant": "登録者 {registrant_id} は見つかりません。",
    "not_found.user": "利用者「{name}」は見つかりません。",
    "not_found.company": (
        "会社「{company}」は登録されていません（法人番号または名称で探しました）。"
        "その会社の受入情報・送出情報か求人を取り込むと登録されます。"
    ),
}

_CASE_GUARDS = {
    "guard.blocked": "「{event_label}」はまだ記録できません。{reasons}",
    "guard.worker_consented": (
        "労働者の同意が揃っていません（同意 {consented}名／{headcount}名、選定済み {assigned}名）。"
        "対象労働者を選定し、一人ずつ本人同意を記録してください。"
    ),
    "guard.union_agreed": "労働組合との合意が記録されていません。",
    "guard.majority_agreed": "過半数代表者との合意が記録されていません。",
    "guard.rules_updated": "就業規則（出向規定）の改定が記録されていません。",
    "guard.terms_fixed": "出向契約の内容が確定していません。契約条件ファイルを提出してください。",
    "guard.transfer_consented": "移籍への本人の同意が記録されていません。",
    "guard.interview_date_given": "面談の日付を入力してください。",
    "guard.worker_awaiting_consent": (
        "同意を待っている対象労働者がいません。先に対象労働者を選定してください。"
    ),
    "guard.terms_handed_in": "契約条件ファイル（JSON または YAML）を選んでください。",
    "guard.start_date_reached": "出向開始日（{start_date}）がまだ来ていません。",
    "guard.end_reached_or_reason_given": (
        "出向期間の終了日（{end_date}）前の復帰です。理由をメモに入力してください。"
    ),
    "guard.reason_given": "理由をメモに入力してください。",
    "guard.receipt_given": "出向実施計画届の受付番号を入力してください。",
    "guard.under_a_programme": (
        "この出向には助成金の対象となるコースがないため、出向実施計画届はありません。"
    ),
    "guard.extension_within_maximum": (
        "延長後の終了日は、現在の終了日（{end_date}）より後で、"
        "出向期間が {max_months}か月以内になる日にしてください。"
    ),
}

_BANK = {
    "bank.blocked": "「{event_label}」は記録できません。{reasons}",
    "bank.opening_given": "求人を入力してください（例: 13:K-0001）。",
    "bank.consent_for_opening": (
        "{company}への個人情報の提供について、本人の同意が記録されていません。"
        "先に同意を記録してください。"
    ),
    "bank.opening_available": "求人 {opening} は締め切られたか、残りの人数がありません。",
    "bank.not_introduced_yet": "求人 {opening} はこの登録者にすでに紹介しています。",
    "bank.introduced_to_opening": (
        "求人 {opening} はこの登録者に紹介していません。先に紹介を記録してください。"
    ),
    "bank.reason_given": "理由をメモに入力してください。",
    "bank.still_open": "求人 {opening} への応募は不採用または辞退で終わっています。",
    "bank.not_offered_yet": "求人 {opening} からはすでに内定が出ています。",
    "bank.interview_held": (
        "求人 {opening} の採用面接がこの日までに記録されていません。内定は面接の後に記録します。"
    ),
    "bank.outcome_given": "結果（不採用・辞退）を選んでください。",
    "bank.offer_made": "求人 {opening} からの内定が記録されていません。",
    "bank.left_by_start": (
        "入社日が前の勤務先の離職日（{leaving_on}）より前です。離職日以降の日にしてください。"
    ),
    "bank.hired_without_interview": (
        "移籍の求職者は、受入企業の採用面接と内定を記録してから採用を記録します。"
    ),
    "bank.ineligible": "キャリア人材バンクに登録できません。{reasons}",
    "seeker.request_needed": "求職者は企業からの再就職支援の依頼（送出情報）から登録します。",
    "seeker.request_not_transfer": "送出情報 {request} は受付中の移籍の依頼ではありません。",
    "seeker.no_retention_due": "この求職者に未実施の定着確認はありません。",
    "seeker.request_full": (
        "送出情報 {request} の対象者 {headcount}名の全員が、求職者として登録済みか"
        "出向・移籍の案件に入っています。"
    ),
    "bank.too_young_at_leaving": (
        "離職日（{leaving_on}）に {age}歳です。{min_age}歳以上で離職する方が対象です。"
    ),
    "bank.request_after_leaving": (
        "離職日（{leaving_on}）を過ぎています。企業からの依頼による登録は離職日より前に行います。"
        "離職後1年以内であれば、本人からの登録としてください。"
    ),
    "bank.self_age": (
        "現在 {age}歳です。本人からの登録は {min_age}歳から {max_age}歳までです。"
    ),
    "bank.self_before_leaving": (
        "離職日（{leaving_on}）がまだ来ていません。本人からの登録は離職後に行います"
        "（離職前は企業からの依頼として登録します）。"
    ),
    "bank.self_too_long_ago": (
        "離職日（{leaving_on}）から約 {months}か月たっています。本人からの登録は離職後 "
        "{within}か月以内です。"
    ),
}

_EVENTS = {
    "event.unknown": "「{event}」はこの{subject_label}の手続ではありません。",
    "event.final": (
        "この{subject_label}は「{state_label}」で終了しています。これ以上の記録はできません。"
    ),
    "event.not_allowed": (
        "「{event_label}」は、{subject_label}が「{state_label}」の間は記録できません。"
    ),
    "event.workers_after_contract": (
        "案件は「{state_label}」です。対象労働者の選定は契約締結の前に行います。"
    ),
    "event.not_skill_programme": (
        "この案件はスキルアップ支援コース（復帰後の賃金の条件がある出向）ではありません。"
    ),
    "event.not_returned": (
        "案件は「{state_label}」です。復帰後の賃金は出向元へ復帰してから記録します。"
    ),
    "conflict.case": "他の担当者が案件 {case_id} を更新しました。最新の内容を確認してください。",
    "conflict.registrant": (
        "他の担当者が登録者 {registrant_id} を更新しました。最新の内容を確認してください。"
    ),
    "conflict.batch": (
        "他の処理が同時に案件を更新しました。何も保存していません。もう一度実行してください。"
    ),
}

_INPUT = {
    "input.text_too_long": "{length:,}文字あります。{limit:,}文字までにしてください。",
    "input.date_outside": "{day} は受け付けられる日付（{earliest}〜{latest}）の外です。",
    "input.date_in_future": "{day} はまだ来ていない日付です。",
    "input.office": "「{value}」は都道府県ではありません（コード 01〜47 か、東京都のような名称）。",
    "input.offer_key": "「{value}」は受付番号の形ではありません（例: 13:S-0001）。",
    "input.opening_key": "「{value}」は求人番号の形ではありません（例: 13:K-0001）。",
    "input.outcome": "「{value}」は結果として選べません（不採用・辞退）。",
    "input.programme": "「{value}」は支援の区分として選べません。",
    "input.case_kind": "「{value}」は在籍型出向でも移籍でもありません。",
    "input.side": "「{value}」は送出情報でも受入情報でもありません。",
    "input.offer_both_sides": (
        "{offer} は送出情報にも受入情報にもあります。どちらかを選んでください。"
    ),
    "input.registrant_state": "「{value}」は登録者の状態ではありません。",
    "input.top": "{value} は件数ではありません（1以上）。",
    "input.limit": "{value} は件数ではありません（0以上）。",
    "input.role": "「{value}」は権限の種類ではありません。",
    "input.user_name": "「{value}」は利用者名に使えません（英数字と . _ @ - で64文字まで）。",
    "input.user_exists": "利用者「{value}」はすでに登録されています。",
    "input.password_short": "パスワードは{limit}文字以上にしてください。",
    "input.password_long": "パスワードは{limit}文字までにしてください。",
    "input.name_empty": "氏名を入力してください。",
    "input.birth_date": "生年月日（{value}）が今日より前ではありません。",
    "input.leaving_reason": "「{value}」は離職理由（定年・継続雇用の終了・その他）ではありません。",
    "input.employment_type": "「{value}」は希望する雇用形態ではありません。",
    "input.wage": "{value} は円の賃金ではありません。",
    "input.occupation": "「{value}」は職種（A〜L またはその名称）ではありません。",
    "input.area": "「{value}」は地域（都道府県または地方）ではありません。",
    "input.too_many_workers": (
        "この案件は {headcount}名の案件で、すでに {assigned}名を選定しています。"
    ),
    "input.worker_already_consented": "対象労働者 {worker_id} はすでに同意しています。",
    "input.worker_not_assigned": "対象労働者 {worker_id} はこの案件に選定されていません。",
    "input.workers_pending": (
        "同意していない対象労働者が複数います（{workers}）。一人を選んでください。"
    ),
    "input.worker_ambiguous": (
        "この案件の対象労働者は {count}名です（{workers}）。どの方の賃金かを選んでください。"
    ),
    "input.worker_not_on_case": (
        "対象労働者 {worker_id} はこの案件にいません（この案件の対象労働者: {workers}）。"
    ),
    "input.monthly_wage": "{value:,} は円の月額賃金ではありません。",
    "input.month": "「{value}」は年月ではありません（例: 2024-05）。",
    "input.month_outside": (
        "{month} は {returned_on} の復帰後の {count}か月（{first}〜{last}）に入っていません。"
    ),
    "input.month_ahead": "{month} はまだ始まっていません。",
}

_OPENING = {
    "case.cannot_open": "案件を開けません。{reasons}",
    "case.offer_missing": "送出情報または受入情報が見つかりません。",
    "case.offer_kind": "{side_label}は{offer_kind_label}の情報です（{kind_label}ではありません）。",
    "case.headcount_exceeds": (
        "人数 {headcount}名が{side_label}の人数（{offer_headcount}名）を超えています。"
    ),
    "case.same_company": "送出企業と受入企業が同じ会社です。",
    "case.headcount_below_one": "人数は1名以上にしてください。",
    "case.pair_open": (
        "この送出情報と受入情報の組み合わせには、進行中の案件（案件 {case_id}）があります。"
    ),
}

_TERMS = {
    "terms.invalid": "契約条件ファイルに誤りがあります。{reasons}",
    "terms.not_a_mapping": "契約条件ファイルは「項目: 値」の形で書いてください。",
    "terms.unknown_key": "「{key}」は契約条件の項目ではありません。",
    "terms.missing_key": "「{key}」がありません。",
    "terms.bad_value": "「{key}」の値が正しくありません（{value}）。",
    "terms.required_for_secondment": "在籍型出向では「{key}」が必要です。",
    "terms.purpose_not_for_kind": (
        "目的「{purpose}」は在籍型出向のものです（この案件は{kind_label}です）。"
    ),
    "terms.period_too_long": (
        "出向期間 {start}〜{end} が上限の {max_months}か月を超えています。"
    ),
    "terms.wage_below_pre": (
        "出向中の賃金（月額 {wage:,}円）が出向前の賃金（{pre:,}円）を下回っています。"
        "{programme}では出向前の賃金以上が条件です。"
    ),
    "terms.date_outside": (
        "「{key}」の {day} は受け付けられる日付（{earliest}〜{latest}）の外です。"
    ),
    "terms.no_file": "契約条件ファイルが見つかりません。",
    "terms.unreadable": "契約条件ファイルを UTF-8 の文字として読めません。",
    "terms.not_json_yaml": "契約条件ファイルが JSON・YAML として読めません。",
    "terms.too_large": "契約条件ファイルが大きすぎます（{size:,}バイト、上限 {limit:,}バイト）。",
}

_OWNERS = {
    "owner.other_office": (
        "{name} さんは {office_label} 事務所の利用者です。担当者にできるのは、この案件・登録者"
        "の事務所（{offices_label}）の利用者です。"
    ),
    "owner.taken": "すでに {owner} さんの担当です。担当の変更は事務所の管理者が行います。",
    "owner.not_allowed": (
        "この担当を割り当てる権限がありません（相談員は担当者のいないものを引き受け、"
        "事務所の管理者が事務所内で割り当てます）。"
    ),
    "owner.headquarters": "{name} さんは本部の利用者です（閲覧のみで、担当者にはなれません）。",
    "input.note_empty": "メモが空です。",
}

_SETUP = {
    "signin.refused": "利用者名またはパスワードが正しくありません。",
    "signin.throttled": (
        "この端末からのログインの失敗が続いたため、しばらく受け付けません。"
        "{seconds}秒ほど待ってから再度お試しください。"
    ),
    "schema.missing": "データベースが準備されていません。システム管理者に連絡してください。",
    "schema.behind": "データベースの更新が必要です。システム管理者に連絡してください。",
    "demo.fresh_needs_sqlite": "最初からのやり直しは SQLite のデータベースでだけできます。",
    "demo.not_empty": "データベースにすでに {offers:,}件の情報があります。",
}

JA = {**_NOT_FOUND, **_CASE_GUARDS, **_BANK, **_EVENTS, **_INPUT, **_OPENING, **_TERMS,
      **_OWNERS, **_SETUP}  # fmt: skip


def _labels(refusal: Refusal) -> dict:
    """Japanese names for a refusal's codes: its event, side, kind, subject and field."""
    params = refusal.params
    events = labels.BANK_EVENTS if "registrant_id" in params else labels.EVENTS
    subject = params.get("subject", "registrant" if "registrant_id" in params else "case")
    if subject == "registrant":
        events = labels.BANK_EVENTS
    return {
        "event_label": events.get(params.get("event", ""), params.get("event", "")),
        "side_label": SIDES.get(params.get("side", ""), ""),
        "kind_label": labels.KINDS.get(params.get("kind", ""), params.get("kind", "")),
        "offer_kind_label": OFFER_KINDS.get(params.get("offer_kind", ""), ""),
        "subject_label": SUBJECTS.get(subject, ""),
        "field_label": " / ".join(FIELD_LABELS.get(f, f) for f in refusal.fields),
        "office_label": labels.office_name(str(params.get("office", ""))),
        "offices_label": "・".join(
            labels.office_name(code) for code in str(params.get("offices", "")).split(" / ")
        ),
    }


def refusal_words(refusal) -> str:
    """A refusal as data (or a service's RefusalEntry) in the words a page shows."""
    if not isinstance(refusal, Refusal):
        refusal = refusal.refusal()
    try:
        return _words_of(refusal.code, tuple(refusal.params.items()), tuple(refusal.fields))
    except TypeError:  # a parameter that is a list (of reasons): worded each time
        return worded(JA, refusal, extra=_labels, joiner="")


@lru_cache(maxsize=4096)
def _words_of(code: str, params: tuple, fields: tuple) -> str:
    """Worded once per code and parameters: a worklist shows the same few reasons on many
    lines (one case lacking consent is worded like the next)."""
    return worded(JA, Refusal(code, dict(params), fields), extra=_labels, joiner="")


def japanese(exc: ShukkoError) -> str:
    """What a page shows for a refusal."""
    if exc.code is None:
        return str(exc)
    return refusal_words(exc.refusal)
