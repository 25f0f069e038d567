"""Refusals an operator reads: each says what is wrong and what to do."""

from __future__ import annotations


class ShukkoError(Exception):
    """An operator-facing refusal, shown without a traceback. A refusal with a `code` is
    data: the form `fields` it concerns and its `params`; each front end words it from its
    own catalogue (shukko.cli.refusals with the CLI's options, shukko.web.refusals in
    Japanese), and its str() is the plain sentence of shukko.refusals (logs, flows)."""

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: tuple[str, ...] = (),
        **params,
    ) -> None:
        if message is None:
            from shukko.refusals import plain

            message = plain(code, params)
        super().__init__(message)
        self.code = code
        self.fields = fields
        self.params = params

    @property
    def refusal(self):
        """The refusal as data (shukko.refusals.Refusal), for a front end to word."""
        from shukko.refusals import Refusal

        return Refusal(self.code or "", self.params, self.fields)


class NotFound(ShukkoError):
    """A case, offer or worker that does not exist."""


class InvalidInput(ShukkoError):
    """Input that fails validation (a terms file, an option)."""


class EventNotAllowed(ShukkoError):
    """An event that the case's machine refuses in its current state or guards; `missing`
    names the guards that do not hold."""

    def __init__(self, message: str | None = None, missing: list[str] | None = None, **refusal):
        super().__init__(message, **refusal)
        self.missing = missing or []


class ConcurrentChange(ShukkoError):
    """Someone else changed the case between our read and our write (optimistic locking)."""

    def __init__(self, case_id: int | None, what: str = "case") -> None:
        if case_id is None:
            super().__init__(code="conflict.batch")
        elif what == "registrant":
            super().__init__(code="conflict.registrant", registrant_id=case_id)
        else:
            super().__init__(code="conflict.case", case_id=case_id)
        self.case_id = case_id


class SchemaOutdated(ShukkoError):
    """The database has not been created or upgraded to this version of shukko."""
