"""キャリア人材バンク: registration, the registrant's lifecycle, openings, suggestions, expiry
and the bank's statistics (plain domain logic; the service layer and flows call it)."""
