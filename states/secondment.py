"""在籍型出向: the secondment case lifecycle (DESIGN.md section 2)."""

from __future__ import annotations

from statemachine import State, StateMachine

from states.guards import CaseFacts, CaseGuards

SIGN_CONTRACT_GUARDS = ["worker_consented", "union_agreed", "rules_updated", "terms_fixed"]


class SecondmentMachine(CaseGuards, StateMachine):
    """A secondment from proposal to return, transfer or withdrawal."""

    proposed = State("候補提示", value="proposed", initial=True)
    interviewing = State("企業間面談", value="interviewing")
    preparing = State("出向準備 (社内手続・職場見学)", value="preparing")
    contracted = State("出向契約締結", value="contracted")
    active = State("出向中", value="active")
    returned = State("復帰", value="returned", final=True)
    transferred = State("移籍へ移行", value="transferred", final=True)
    withdrawn = State("不成立・辞退", value="withdrawn", final=True)

    schedule_interview = proposed.to(interviewing, cond="interview_date_given")
    agree_to_proceed = interviewing.to(preparing)

    # Facts recorded while preparing (社内手続・職場見学・契約内容).
    record_consent = preparing.to.itself(cond="worker_awaiting_consent")
    record_union_agreement = preparing.to.itself()
    record_rules_update = preparing.to.itself()
    record_tour = preparing.to.itself()
    fix_terms = preparing.to.itself(cond="terms_handed_in")

    # 出向実施計画届 filed with the labour bureau (by the sender), its receipt number as the
    # step's document reference
    record_plan_filed = preparing.to.itself(
        cond=["under_a_programme", "receipt_given"]
    ) | contracted.to.itself(cond=["under_a_programme", "receipt_given"])

    sign_contract = preparing.to(contracted, cond=SIGN_CONTRACT_GUARDS)
    start = contracted.to(active, cond="start_date_reached")

    record_follow_up = active.to.itself()
    record_transfer_consent = active.to.itself()
    extend = active.to.itself(cond="extension_within_maximum")
    return_to_origin = active.to(returned, cond="end_reached_or_reason_given")
    convert_to_transfer = active.to(transferred, cond="transfer_consented")

    withdraw = (
        proposed.to(withdrawn, cond="reason_given")
        | interviewing.to(withdrawn, cond="reason_given")
        | preparing.to(withdrawn, cond="reason_given")
        | contracted.to(withdrawn, cond="reason_given")
    )

    def __init__(self, case: object, facts: CaseFacts) -> None:
        self.facts = facts
        super().__init__(model=case, state_field="state")

    def on_extend(self, end_date) -> None:
        self.model.end_date = end_date
