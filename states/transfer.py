"""移籍: the transfer case lifecycle, shorter than a secondment (DESIGN.md section 2)."""

from __future__ import annotations

from statemachine import State, StateMachine

from states.guards import CaseFacts, CaseGuards

HIRE_GUARDS = ["worker_consented", "terms_fixed"]


class TransferMachine(CaseGuards, StateMachine):
    """A transfer of employment from proposal to hire or withdrawal."""

    proposed = State("候補提示", value="proposed", initial=True)
    interviewing = State("企業間面談", value="interviewing")
    preparing = State("移籍準備", value="preparing")
    hired = State("移籍成立", value="hired", final=True)
    withdrawn = State("不成立・辞退", value="withdrawn", final=True)

    schedule_interview = proposed.to(interviewing, cond="interview_date_given")
    agree_to_proceed = interviewing.to(preparing)

    record_consent = preparing.to.itself(cond="worker_awaiting_consent")
    record_tour = preparing.to.itself()
    fix_terms = preparing.to.itself(cond="terms_handed_in")

    hire = preparing.to(hired, cond=HIRE_GUARDS)

    withdraw = (
        proposed.to(withdrawn, cond="reason_given")
        | interviewing.to(withdrawn, cond="reason_given")
        | preparing.to(withdrawn, cond="reason_given")
    )

    def __init__(self, case: object, facts: CaseFacts) -> None:
        self.facts = facts
        super().__init__(model=case, state_field="state")
