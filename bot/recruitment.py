"""The recruitment file: stage windows, region, quota, test settings, sessions.

Times in the file are local wall-clock times in the recruitment's time zone (WITA by default);
the model turns them into timezone-aware datetimes so the rest of the code compares instants.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.configerror import ConfigError, describe_validation_error
from bot.domain.ranking import RankingWeights
from question_bank.draw import DEFAULT_SPLIT, blueprint_total
from question_bank.schema import CATEGORY_LABELS, difficulty_level

# Every form: per category 2 easy, 3 medium and 1 hard question (question_bank's default).
DEFAULT_BLUEPRINT = {category: dict(DEFAULT_SPLIT) for category in CATEGORY_LABELS}
Count = Annotated[int, Field(ge=0)]
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
              "Asia/Jayapura": "WIT"}


def _difficulty_keys(value: Any) -> Any:
    """`{mudah: 2, sedang: 3, sulit: 1}` (or easy/medium/hard, or 1/2/3) -> `{1: 2, 2: 3, 3: 1}`."""
    if not isinstance(value, dict):
        return value
    split = {}
    for key, count in value.items():
        level = difficulty_level(key)
        if level is None:
            raise ValueError(f"unknown difficulty {key!r} (use mudah, sedang, sulit)")
        split[level] = count
    return split


CategoryCount = Count | Annotated[dict[int, Count], BeforeValidator(_difficulty_keys)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(_Model):
    start: datetime
    end: datetime

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self

    def contains(self, when: datetime) -> bool:
        return self.start <= when < self.end


def _day_window(value: Any) -> Any:
    """Allow `2023-11-01` .. `2023-11-30` style whole-day windows (end day inclusive)."""
    if isinstance(value, dict):
        value = dict(value)
        if isinstance(value.get("start"), date) and not isinstance(value["start"], datetime):
            value["start"] = datetime.combine(value["start"], time.min)
        if isinstance(value.get("end"), date) and not isinstance(value["end"], datetime):
            value["end"] = datetime.combine(value["end"], time.max).replace(microsecond=0)
    return value


class Stages(_Model):
    registration: Window
    administrative: Window
    test: Window
    final_selection: Window
    announcement: datetime

    @field_validator("registration", "administrative", "test", "final_selection", mode="before")
    @classmethod
    def _whole_days(cls, value: Any) -> Any:
        return _day_window(value)


class Region(_Model):
    province_code: Annotated[str, Field(pattern=r"^\d{2}$")]
    regency_code: Annotated[str, Field(pattern=r"^\d{4}$")]
    regency_name: str
    districts: Annotated[list[str], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Region:
        if not self.regency_code.startswith(self.province_code):
            raise ValueError("regency_code must start with province_code")
        if len({d.casefold() for d in self.districts}) != len(self.districts):
            raise ValueError("districts must not repeat")
        return self


class Quota(_Model):
    registrations: Annotated[int | None, Field(gt=0)] = None
    accepted: Annotated[int, Field(gt=0)]
    per_district: dict[str, Annotated[int, Field(ge=0)]] | None = None


class TestSettings(_Model):
    questions: Annotated[int, Field(gt=0, le=100)] = 30
    minutes: Annotated[int, Field(gt=0, le=300)] = 60
    # Questions per category, per difficulty ({mudah: 2, sedang: 3, sulit: 1}) or in total.
    blueprint: dict[str, CategoryCount] = Field(default_factory=lambda: dict(DEFAULT_BLUEPRINT))
    # The bundled bank is public (it ships with the source): only a demo may score with it.
    allow_bundled_bank: bool = False
    show_score_after_submit: bool = False
    practice_questions: Annotated[int, Field(gt=0, le=20)] = 5
    practice_minutes: Annotated[int, Field(gt=0, le=60)] = 5

    @model_validator(mode="after")
    def _blueprint_total(self) -> TestSettings:
        total = blueprint_total(self.blueprint)
        if total != self.questions:
            raise ValueError(
                f"blueprint asks for {total} questions but questions is {self.questions}"
            )
        return self


PAID_BROADCAST_STARS = 0.1  # Telegram's price of a paid broadcast message (Bot API 7.11)


class Results(_Model):
    """The announcement: whether an applicant sees their own score with the result, and
    whether release empty district seats to the overall ranking."""

    show_score: bool = False
    release_unfilled_district_seats: bool = False
    # Telegram's paid broadcasts for the results and staff broadcasts: up to 1,000 messages a
    # second instead of 30, for PAID_BROADCAST_STARS Telegram Stars a message from the bot's
    # balance (shown in every broadcast preview). Off: free, at 30 a second.
    paid_broadcast: bool = False
    # Days after the announcement until the personal data (profile, documents) of everyone
    # not accepted is erased; the accepted partners' is kept. None: kept (not advised).
    keep_personal_data_days: Annotated[int, Field(ge=0)] | None = 90


class Reminders(_Model):
    """Automatic reminders, at `hour` (local time) on the given days before a window closes."""

    hour: Annotated[int, Field(ge=0, le=23)] = 9
    registration_days_before_close: list[Annotated[int, Field(ge=1, le=30)]] = [3, 1]
    unbooked_days_before_close: list[Annotated[int, Field(ge=1, le=30)]] = [3, 1]
    announcement_hours_before: Annotated[int, Field(ge=0, le=24)] | None = 2


class Review(_Model):
    """How the staff group sees submissions. `group_cards: true` posts each one's documents
    and card there (4 messages; Telegram allows a group 20 a minute, so about 5 submissions a
    minute). false (default): the group gets a compact feed, once a minute at most, and
    staff review in their private chat with the bot (/periksa), or in the group (/antrian)."""

    group_cards: bool = False


class Documents(_Model):
    max_file_mb: Annotated[float, Field(gt=0, le=20)] = 5


class Contact(_Model):
    """How applicants reach a person on the committee: shown in /help, in the answer to a
    free question, and wherever a message sends them to the committee."""

    whatsapp: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    hours: str | None = None

    def reachable(self) -> bool:
        return bool(self.whatsapp or self.phone or self.email)


class BotAccount(_Model):
    """Which Telegram bot serves this recruitment and where its committee works. Needed when
    one deployment serves several recruitment files (RECRUITMENT_FILES), each with its own bot;
    with one file, BOT_TOKEN and STAFF_CHAT_ID may say the same instead."""

    # The environment variable holding the bot's token (the token itself stays out of files).
    token_env: Annotated[str, Field(pattern=r"^[A-Z_][A-Z0-9_]*$")]
    staff_chat_id: Annotated[int, Field(lt=0)]  # a group's id is negative


class Session(_Model):
    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")]
    start: datetime
    end: datetime
    capacity: Annotated[int, Field(gt=0)]

    @model_validator(mode="after")
    def _ordered(self) -> Session:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Recruitment(_Model):
    code: Annotated[str, Field(pattern=r"^[a-z0-9-]{3,40}$")]
    name: str
    timezone: str = "Asia/Makassar"
    region: Region
    stages: Stages
    quota: Quota
    test: TestSettings = Field(default_factory=TestSettings)
    documents: Documents = Field(default_factory=Documents)
    review: Review = Field(default_factory=Review)
    ranking: RankingWeights = Field(default_factory=RankingWeights)
    results: Results = Field(default_factory=Results)
    reminders: Reminders = Field(default_factory=Reminders)
    contact: Contact = Field(default_factory=Contact)
    bot: BotAccount | None = None
    sessions: list[Session] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (example: Asia/Makassar)") from None
        return value

    @model_validator(mode="after")
    def _localise_and_check(self) -> Recruitment:
        zone = ZoneInfo(self.timezone)
        for item in (*self._windows(), *self.sessions):
            for name in ("start", "end"):
                value = getattr(item, name)
                if value.tzinfo is None:
                    object.__setattr__(item, name, value.replace(tzinfo=zone))
        if self.stages.announcement.tzinfo is None:
            object.__setattr__(
                self.stages, "announcement", self.stages.announcement.replace(tzinfo=zone)
            )
        problems = []
        seen: set[str] = set()
        for i, session in enumerate(self.sessions):
            if session.code in seen:
                problems.append(f"sessions[{i}].code: {session.code!r} is used twice")
            seen.add(session.code)
            test = self.stages.test
            if session.start < test.start or session.end > test.end:
                problems.append(
                    f"sessions[{i}] ({session.code}): must lie inside stages.test "
                    f"({test.start:%Y-%m-%d %H:%M} - {test.end:%Y-%m-%d %H:%M})"
                )
        if self.quota.per_district:
            unknown = set(self.quota.per_district) - set(self.region.districts)
            if unknown:
                problems.append(f"quota.per_district: unknown districts {sorted(unknown)}")
            if sum(self.quota.per_district.values()) > self.quota.accepted:
                problems.append("quota.per_district: the district quotas add up to more than "
                                f"quota.accepted ({self.quota.accepted})")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _windows(self) -> tuple[Window, ...]:
        s = self.stages
        return (s.registration, s.administrative, s.test, s.final_selection)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def zone_name(self) -> str:
        """What people call the time zone: WIB, WITA or WIT in Indonesia, else its name."""
        return ZONE_NAMES.get(self.timezone, self.timezone)


def load_recruitment(path: Path) -> Recruitment:
    """Read and validate a recruitment file. Raises ConfigError with every problem."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"recruitment file not found: {path}"]) from None
    except OSError as exc:  # a folder, no permission
        raise ConfigError([f"recruitment file {path} cannot be read: {exc.strerror}"]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([f"{path}: not valid YAML: {exc}"]) from None
    if not isinstance(raw, dict):
        raise ConfigError([f"{path}: expected a mapping at the top level"])
    try:
        return Recruitment.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, prefix=str(path))) from None
