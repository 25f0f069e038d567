"""SQLModel tables and shipped reference data (models/)."""

from models.cases import Case, CaseEvent, CaseKind, ContractTerms
from models.offers import OfferKind, ReceivingOffer, SendingOffer
from models.org import Company, Office
from models.workers import CaseWorker, Worker

__all__ = [
    "Case",
    "CaseEvent",
    "CaseKind",
    "CaseWorker",
    "Company",
    "ContractTerms",
    "OfferKind",
    "Office",
    "ReceivingOffer",
    "SendingOffer",
    "Worker",
]
