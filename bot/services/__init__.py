"""Use-cases. Services own transactions and call storage and domain rules; no Telegram here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.config import Config
from bot.services.analysis import AnalysisService
from bot.services.applicants import ApplicantService
from bot.services.bank import BankService
from bot.services.broadcasts import BroadcastService
from bot.services.registration import RegistrationService
from bot.services.reminders import ReminderService
from bot.services.retention import RetentionService
from bot.services.review import ReviewService
from bot.services.review_drafts import ReviewDrafts
from bot.services.review_queue import ReviewQueue
from bot.services.selection import SelectionService
from bot.services.sessions import SessionService
from bot.services.staff import StaffService
from bot.services.staff_feed import StaffFeed
from bot.services.testing import TestService
from storage.db import Database


@dataclass
class Services:
    config: Config
    db: Database
    clock: Clock
    applicants: ApplicantService
    registration: RegistrationService
    review: ReviewService
    review_drafts: ReviewDrafts
    review_queue: ReviewQueue
    staff: StaffService
    bank: BankService
    sessions: SessionService
    testing: TestService
    selection: SelectionService
    analysis: AnalysisService
    reminders: ReminderService
    broadcasts: BroadcastService
    staff_feed: StaffFeed
    retention: RetentionService
    # Called after a transaction queued outbox messages; the runner points it at the sender.
    on_outbox: Callable[[], None] = field(default=lambda: None)

    def notify_outbox(self) -> None:
        self.on_outbox()

    async def tick(self) -> None:
        """Everything due by the clock: deadlines, warnings, reminders, absentees. Idempotent:
        run every few seconds, and at start-up (so what fell due while down happens now)."""
        await self.testing.tick()
        await self.sessions.tick()
        await self.selection.tick()
        await self.analysis.tick()
        await self.reminders.tick()
        await self.staff_feed.tick()
        await self.retention.tick()
        self.notify_outbox()

    @classmethod
    def build(cls, config: Config, db: Database, clock: Clock) -> Services:
        review = ReviewService(db, clock, config)
        bank = BankService(db, clock, config.recruitment)
        analysis = AnalysisService(db, clock, config, bank)
        return cls(
            config=config,
            db=db,
            clock=clock,
            applicants=ApplicantService(db, clock),
            registration=RegistrationService(db, clock, config.recruitment, review),
            review=review,
            review_drafts=ReviewDrafts(db, clock, review),
            review_queue=ReviewQueue(db, clock, config.recruitment, review),
            staff=StaffService(db, clock, config.recruitment),
            bank=bank,
            sessions=SessionService(db, clock, config.recruitment),
            testing=TestService(db, clock, config, bank, analysis),
            selection=SelectionService(db, clock, config.recruitment),
            analysis=analysis,
            reminders=ReminderService(db, clock, config.recruitment),
            broadcasts=BroadcastService(db, clock, config.recruitment),
            staff_feed=StaffFeed(db, clock, config),
            retention=RetentionService(db, clock, config.recruitment),
        )
