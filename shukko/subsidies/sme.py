"""中小企業: SME or large for employment subsidies, by capital OR regular employees per industry.

The limits and the industry split follow the employment-subsidy rules (雇用関係助成金), as
data with their sources in config/sme.toml: retail (小売業, incl. 飲食店)
5,000万円 / 50; services (サービス業) 5,000万円 / 100; wholesale (卸売業) 1億円 / 100; other
(manufacturing, construction, transport, 通信業, 不動産業, ...) 3億円 / 300.

サービス業 is not a whole JSIC division: of G (情報通信業) only 38 放送業, 39 情報サービス業
and 411/412/415/416 (映像・音声・文字情報制作業 except 新聞業 and 出版業) count, and of K
(不動産業，物品賃貸業) only 693 駐車場業 and 70 物品賃貸業; L and M (except 飲食店, which is
retail) to R count whole, except 791 旅行業 (その他の業種). Codes may be minor groups (小分類,
three digits). An entity without capital (医療法人, 社会福祉法人, 社団・財団, NPO, 学校法人
...) is judged on its employees alone; a 協同組合's 出資の総額 is its capital.
"""

from __future__ import annotations

from config.sme import sme_rules
from models.reference import INDUSTRY_GROUPS

# The figures and the industry split are data with their sources: config/sme.toml.
_RULES = sme_rules()
LIMITS = _RULES.limits  # category: (capital yen, regular employees)
NO_CAPITAL_FORMS = _RULES.no_capital_forms


def industry_categories(industry: str) -> set[str]:
    """The categories an industry code may be (one, or two for 41 and 69 without the
    minor group): retail, wholesale, services or other."""
    rules = _RULES
    if industry in rules.service_exceptions:
        return {"other"}
    if industry in rules.retail_groups:
        return {"retail"}
    if industry in rules.wholesale_groups:
        return {"wholesale"}
    if industry in rules.service_groups or industry[:2] in rules.service_groups:
        return {"services"}
    if industry in rules.split_groups:
        return {"services", "other"}
    if len(industry) == 3 and industry[:2] in rules.retail_groups | rules.wholesale_groups:
        return industry_categories(industry[:2])
    group = industry[:2]
    if group.isdigit():
        division = INDUSTRY_GROUPS[group].division  # M: 75 宿泊業 (76, 77 are retail, above)
        return {"services"} if division in rules.service_divisions else {"other"}
    if industry == "I":  # a bare division letter: 卸売業，小売業 — the stricter retail limits
        return {"retail"}
    return {"services"} if industry in rules.service_divisions else {"other"}


def industry_category(industry: str) -> str:
    """One category (the stricter one where the code leaves two open)."""
    categories = industry_categories(industry)
    return "services" if "services" in categories else categories.pop()


def has_no_capital(name: str | None) -> bool:
    """True for a legal form without share capital, read from the name (法人格 is part of it)."""
    return bool(name) and any(form in name for form in NO_CAPITAL_FORMS)


def is_sme(
    industry: str, capital_yen: int | None, employees: int | None, name: str | None = None
) -> bool | None:
    """True when capital or employees are at or under the industry's limit; None if unknown."""
    if has_no_capital(name) or capital_yen == 0:
        capital_yen = None
        if employees is None:
            return None
        verdicts = {employees <= LIMITS[c][1] for c in industry_categories(industry)}
        return verdicts.pop() if len(verdicts) == 1 else None
    verdicts = {_is_sme_in(c, capital_yen, employees) for c in industry_categories(industry)}
    return verdicts.pop() if len(verdicts) == 1 else None


def _is_sme_in(category: str, capital_yen: int | None, employees: int | None) -> bool | None:
    capital_limit, employee_limit = LIMITS[category]
    if capital_yen is not None and capital_yen <= capital_limit:
        return True
    if employees is not None and employees <= employee_limit:
        return True
    if capital_yen is None or employees is None:
        return None  # the known figure is over its limit (or none is known); the other might not be
    return False
