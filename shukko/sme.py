"""中小企業: SME or large for employment subsidies, by capital OR regular employees per industry.

retail (incl. restaurants) 5,000万円 / 50; services 5,000万円 / 100; wholesale 1億円 / 100;
other (manufacturing, construction, transport, ...) 3億円 / 300.
"""

from __future__ import annotations

from models.reference import INDUSTRY_GROUPS

LIMITS = {  # category: (capital yen, regular employees)
    "retail": (50_000_000, 50),
    "services": (50_000_000, 100),
    "wholesale": (100_000_000, 100),
    "other": (300_000_000, 300),
}
_RETAIL_GROUPS = {f"{n:02d}" for n in range(56, 62)} | {"76", "77"}  # 小売業, 飲食店
_WHOLESALE_GROUPS = {f"{n:02d}" for n in range(50, 56)}
_SERVICE_DIVISIONS = {"G", "K", "L", "M", "N", "O", "P", "Q", "R"}


def industry_category(industry: str) -> str:
    """retail, wholesale, services or other, from a JSIC major group or division letter."""
    if industry in _RETAIL_GROUPS:
        return "retail"
    if industry in _WHOLESALE_GROUPS:
        return "wholesale"
    division = INDUSTRY_GROUPS[industry].division if industry.isdigit() else industry
    if division == "I":  # a bare division letter: 卸売業，小売業 — count it as retail
        return "retail"
    return "services" if division in _SERVICE_DIVISIONS else "other"


def is_sme(industry: str, capital_yen: int | None, employees: int | None) -> bool | None:
    """True when capital or employees are at or under the industry's limit; None if unknown."""
    capital_limit, employee_limit = LIMITS[industry_category(industry)]
    if capital_yen is not None and capital_yen <= capital_limit:
        return True
    if employees is not None and employees <= employee_limit:
        return True
    if capital_yen is None and employees is None:
        return None
    if capital_yen is None or employees is None:
        return None  # the known figure is over its limit; the other might not be
    return False
