"""Use-cases. Services own transactions and call storage and domain rules; no Telegram here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.config import Config
from bot.services.applicants import ApplicantService
from bot.services.bank import BankService
from bot.services.registration import RegistrationService
from bot.services.review import ReviewService
from bot.services.staff import StaffService
from storage.db import Database


@dataclass
class Services:
    config: Config
    db: Database
    clock: Clock
    applicants: ApplicantService
    registration: RegistrationService
    review: ReviewService
    staff: StaffService
    bank: BankService
    # Called after a transaction queued outbox messages; the runner points it at the sender.
    on_outbox: Callable[[], None] = field(default=lambda: None)

    def notify_outbox(self) -> None:
        self.on_outbox()

    @classmethod
    def build(cls, config: Config, db: Database, clock: Clock) -> Services:
        review = ReviewService(db, clock, config)
        return cls(
            config=config,
            db=db,
            clock=clock,
            applicants=ApplicantService(db, clock),
            registration=RegistrationService(db, clock, config.recruitment, review),
            review=review,
            staff=StaffService(db, clock, config.recruitment),
            bank=BankService(db, clock, config.recruitment),
        )
