"""The Center's offices as letter senders (config/offices.toml), validated."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from config.settings import CONFIG_DIR
from models.reference import PREFECTURES


class OfficeContact(BaseModel):
    """One office: its name, and the contact keys we know (empty ones stay out of letters)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    code: str
    name: str
    postal_code: str = ""
    address: str = ""
    telephone: str = ""

    def lines(self) -> list[str]:
        """The sender block of a letter: the name, then only the keys that are filled in."""
        address = " ".join(part for part in (self.postal_code and f"〒{self.postal_code}",
                                              self.address) if part)  # fmt: skip
        return [
            line
            for line in (self.name, address, self.telephone and f"電話 {self.telephone}")
            if line
        ]


@lru_cache(maxsize=2)
def load_offices(path: Path = CONFIG_DIR / "offices.toml") -> dict[str, OfficeContact]:
    """Every office by its prefecture code; all 47, no unknown code (a typo fails loudly)."""
    with path.open("rb") as handle:
        offices = [OfficeContact.model_validate(o) for o in tomllib.load(handle)["office"]]
    by_code = {office.code: office for office in offices}
    expected = {p.code for p in PREFECTURES}
    if set(by_code) != expected or len(offices) != len(expected):
        missing, unknown = sorted(expected - set(by_code)), sorted(set(by_code) - expected)
        raise ValueError(f"{path}: offices missing {missing}, unknown {unknown}")
    return by_code
