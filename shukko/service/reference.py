"""Reference data the front ends show by name: the 47 prefectures, whose codes are the
offices' (01 北海道 ... 47 沖縄県)."""

from __future__ import annotations

from models.reference import PREFECTURES_BY_CODE

__all__ = ["PREFECTURES_BY_CODE"]
