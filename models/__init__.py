"""SQLModel tables and shipped reference data (models/)."""

from models.bank import (
    Introduction,
    Opening,
    Registrant,
    RegistrantEvent,
    RegistrantPerson,
    Suggestion,
)
from models.cases import (
    Case,
    CaseEvent,
    CaseKind,
    ContractTerms,
    PostReturnWage,
    SecondmentPurpose,
)
from models.followthrough import DocumentCounter, FollowUp, Notice, Watermark
from models.intake import IntakeFile, IntakeReject, Partner
from models.notes import WorkNote
from models.offers import OfferKind, ReceivingOffer, SendingOffer
from models.org import Company, Office
from models.web import (
    PersonalDataAccess,
    SignInFailure,
    SignInForm,
    UserAccount,
    WebSession,
)
from models.workers import CaseWorker, Worker

__all__ = [
    "Case",
    "CaseEvent",
    "CaseKind",
    "CaseWorker",
    "Company",
    "ContractTerms",
    "DocumentCounter",
    "FollowUp",
    "IntakeFile",
    "IntakeReject",
    "Introduction",
    "Notice",
    "OfferKind",
    "Office",
    "Opening",
    "Partner",
    "PersonalDataAccess",
    "PostReturnWage",
    "ReceivingOffer",
    "Registrant",
    "RegistrantEvent",
    "RegistrantPerson",
    "SecondmentPurpose",
    "SendingOffer",
    "SignInFailure",
    "SignInForm",
    "Suggestion",
    "UserAccount",
    "Watermark",
    "WebSession",
    "WorkNote",
    "Worker",
]
