"""Use-cases. Services own transactions and call storage and domain rules; no Telegram here."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Config
from bot.services.applicants import ApplicantService
from bot.services.registration import RegistrationService
from storage.db import Database


@dataclass
class Services:
    config: Config
    db: Database
    clock: Clock
    applicants: ApplicantService
    registration: RegistrationService

    @classmethod
    def build(cls, config: Config, db: Database, clock: Clock) -> Services:
        return cls(
            config=config,
            db=db,
            clock=clock,
            applicants=ApplicantService(db, clock),
            registration=RegistrationService(db, clock, config.recruitment),
        )
