"""Applications, profiles and documents: the registration aggregate."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.portable import savepoint
from storage.timestamps import from_db, to_db

PROFILE_COLUMNS = (
    "full_name", "nik", "sex", "birth_place", "birth_date", "phone", "email", "address",
    "district", "education", "occupation", "experience", "experience_detail", "motorbike",
    "devices",
)
DRAFT_COLUMNS = ("devices_draft",)
OPEN_STATUSES = ("registering", "needs_fix")
COUNTED_STATUSES_SQL = "status NOT IN ('registering', 'withdrawn')"


@dataclass(frozen=True)
class Application:
    id: int
    applicant_id: int
    recruitment: str
    status: str
    consent_at: datetime | None
    declarations: dict[str, bool]
    editing: str | None
    submitted_at: datetime | None
    reopened: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    kind: str
    file_id: str
    file_unique_id: str
    media_type: str
    file_size: int | None
    uploaded_at: datetime


def _application(row: aiosqlite.Row) -> Application:
    return Application(
        id=row["id"],
        applicant_id=row["applicant_id"],
        recruitment=row["recruitment"],
        status=row["status"],
        consent_at=from_db(row["consent_at"]) if row["consent_at"] else None,
        declarations=json.loads(row["declarations"]),
        editing=row["editing"],
        submitted_at=from_db(row["submitted_at"]) if row["submitted_at"] else None,
        reopened=tuple(json.loads(row["reopened"])),
    )


async def get_application(
    conn: aiosqlite.Connection, applicant_id: int, recruitment: str
) -> Application | None:
    async with conn.execute(
        "SELECT * FROM applications WHERE applicant_id = ? AND recruitment = ?",
        (applicant_id, recruitment),
    ) as cur:
        row = await cur.fetchone()
    return _application(row) if row else None


async def get_application_by_id(conn: aiosqlite.Connection, application_id: int,
                                recruitment: str) -> Application | None:
    """An application of this recruitment by its number (another recruitment's: None)."""
    async with conn.execute(
        "SELECT * FROM applications WHERE id = ? AND recruitment = ?",
        (application_id, recruitment),
    ) as cur:
        row = await cur.fetchone()
    return _application(row) if row else None


async def start_application(
    conn: aiosqlite.Connection, applicant_id: int, recruitment: str, now: datetime
) -> Application:
    """The application, created if missing; a withdrawn one starts again from the beginning."""
    async with conn.execute(
        """
        INSERT INTO applications (applicant_id, recruitment, created_at, updated_at)
        VALUES (?, ?, ?, ?)
        ON CONFLICT (applicant_id, recruitment) DO UPDATE SET
            status = 'registering', consent_at = NULL, declarations = '{}', editing = NULL,
            submitted_at = NULL, reopened = '[]', nik = NULL, updated_at = excluded.updated_at
        WHERE applications.status = 'withdrawn'
        """,
        (applicant_id, recruitment, to_db(now), to_db(now)),
    ):
        pass
    found = await get_application(conn, applicant_id, recruitment)
    assert found is not None
    return found


async def update_open_application(
    conn: aiosqlite.Connection, application_id: int, now: datetime, **values: Any
) -> bool:
    """Change consent/declarations/editing of an application still open for changes."""
    allowed = {"consent_at", "declarations", "editing"}
    if not values or set(values) - allowed:
        raise ValueError(f"not an application column: {set(values) - allowed}")
    encoded = {
        k: json.dumps(v) if k == "declarations" else (to_db(v) if isinstance(v, datetime) else v)
        for k, v in values.items()
    }
    assignments = ", ".join(f"{k} = ?" for k in encoded)
    cur = await conn.execute(
        f"UPDATE applications SET {assignments}, updated_at = ? "
        f"WHERE id = ? AND status IN {OPEN_STATUSES}",
        (*encoded.values(), to_db(now), application_id),
    )
    return cur.rowcount == 1


async def get_profile(conn: aiosqlite.Connection, applicant_id: int) -> dict[str, Any]:
    async with conn.execute(
        "SELECT * FROM profiles WHERE applicant_id = ?", (applicant_id,)
    ) as cur:
        row = await cur.fetchone()
    return {k: row[k] for k in (*PROFILE_COLUMNS, *DRAFT_COLUMNS)} if row else {}


async def set_profile_field(
    conn: aiosqlite.Connection, applicant_id: int, key: str, value: object, now: datetime
) -> None:
    if key not in PROFILE_COLUMNS and key not in DRAFT_COLUMNS:
        raise ValueError(f"not a profile field: {key}")
    await conn.execute(
        f"""
        INSERT INTO profiles (applicant_id, {key}, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (applicant_id) DO UPDATE SET
            {key} = excluded.{key}, updated_at = excluded.updated_at
        """,
        (applicant_id, value, to_db(now)),
    )


async def get_documents(conn: aiosqlite.Connection, applicant_id: int) -> dict[str, Document]:
    async with conn.execute(
        "SELECT * FROM documents WHERE applicant_id = ?", (applicant_id,)
    ) as cur:
        rows = await cur.fetchall()
    return {
        r["kind"]: Document(
            r["kind"], r["file_id"], r["file_unique_id"], r["media_type"], r["file_size"],
            from_db(r["uploaded_at"]),
        )
        for r in rows
    }


async def put_document(
    conn: aiosqlite.Connection, applicant_id: int, doc: Document
) -> None:
    await conn.execute(
        """
        INSERT INTO documents
            (applicant_id, kind, file_id, file_unique_id, media_type, file_size, uploaded_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (applicant_id, kind) DO UPDATE SET
            file_id = excluded.file_id, file_unique_id = excluded.file_unique_id,
            media_type = excluded.media_type, file_size = excluded.file_size,
            uploaded_at = excluded.uploaded_at
        """,
        (applicant_id, doc.kind, doc.file_id, doc.file_unique_id, doc.media_type,
         doc.file_size, to_db(doc.uploaded_at)),
    )


async def count_submitted(conn: aiosqlite.Connection, recruitment: str) -> int:
    async with conn.execute(
        f"SELECT count(*) FROM applications WHERE recruitment = ? AND {COUNTED_STATUSES_SQL}",
        (recruitment,),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def mark_submitted(conn: aiosqlite.Connection, application_id: int, now: datetime) -> bool:
    """Submit, taking the profile's NIK with it. Raises storage.portable.IntegrityError (and
    changes nothing; the transaction goes on) if another application of this recruitment that
    still counts holds that NIK."""
    async with savepoint(conn):
        cur = await conn.execute(
            f"""
            UPDATE applications
            SET status = 'submitted', submitted_at = ?, editing = NULL, reopened = '[]',
                updated_at = ?,
                nik = (SELECT nik FROM profiles WHERE profiles.applicant_id =
                       applications.applicant_id)
            WHERE id = ? AND status IN {OPEN_STATUSES}
            """,
            (to_db(now), to_db(now), application_id),
        )
    return cur.rowcount == 1


async def nik_holder(conn: aiosqlite.Connection, applicant_id: int, recruitment: str
                     ) -> int | None:
    """The application that holds the NIK this applicant typed (after a refused submit)."""
    async with conn.execute(
        "SELECT a.id FROM applications AS a JOIN profiles AS p ON p.nik = a.nik "
        "WHERE p.applicant_id = ? AND a.recruitment = ? AND a.applicant_id != ? "
        "AND a.status NOT IN ('withdrawn', 'admin_failed')",
        (applicant_id, recruitment, applicant_id),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else None


async def erase_personal_data(
    conn: aiosqlite.Connection, application_id: int, applicant_id: int, now: datetime
) -> bool:
    """Withdraw an application not yet decided on and delete the person's profile and files."""
    cur = await conn.execute(
        """
        UPDATE applications
        SET status = 'withdrawn', consent_at = NULL, declarations = '{}', editing = NULL,
            reopened = '[]', nik = NULL, updated_at = ?
        WHERE id = ? AND status IN ('registering', 'needs_fix', 'submitted')
        """,
        (to_db(now), application_id),
    )
    if cur.rowcount != 1:
        return False
    await conn.execute("DELETE FROM documents WHERE applicant_id = ?", (applicant_id,))
    await conn.execute("DELETE FROM profiles WHERE applicant_id = ?", (applicant_id,))
    return True


async def erase_not_accepted(conn: aiosqlite.Connection, recruitment: str) -> int:
    """The profile and documents of everyone in this recruitment who was not accepted (and
    has no application in another one); their applications stay, without personal data."""
    people = """
        SELECT applicant_id FROM applications WHERE recruitment = ? AND status != 'accepted'
        AND applicant_id NOT IN (SELECT applicant_id FROM applications WHERE recruitment != ?)
    """
    cur = await conn.execute(f"DELETE FROM profiles WHERE applicant_id IN ({people})",
                             (recruitment, recruitment))
    await conn.execute("UPDATE applications SET nik = NULL WHERE recruitment = ? "
                       "AND status != 'accepted'", (recruitment,))
    await conn.execute(f"DELETE FROM documents WHERE applicant_id IN ({people})",
                       (recruitment, recruitment))
    return cur.rowcount


async def fix_deadlines_before(conn: aiosqlite.Connection, recruitment: str, until: datetime
                                ) -> list[tuple[int, int, str, datetime]]:
    """Applications still to be fixed whose deadline falls before `until`: (application,
    chat, language, deadline)."""
    async with conn.execute(
        "SELECT p.id, a.telegram_id, a.language, p.fix_deadline FROM applications AS p "
        "JOIN applicants AS a ON a.id = p.applicant_id WHERE p.recruitment = ? "
        "AND p.status = 'needs_fix' AND p.fix_deadline IS NOT NULL AND p.fix_deadline <= ?",
        (recruitment, to_db(until)),
    ) as cur:
        return [(r[0], r[1], r[2], from_db(r[3])) for r in await cur.fetchall()]


async def set_flag(conn: aiosqlite.Connection, recruitment: str, name: str, value: str,
                   now: datetime) -> None:
    await conn.execute(
        """
        INSERT INTO recruitment_flags (recruitment, name, value, updated_at)
        VALUES (?, ?, ?, ?)
        ON CONFLICT (recruitment, name) DO UPDATE SET
            value = excluded.value, updated_at = excluded.updated_at
        """,
        (recruitment, name, value, to_db(now)),
    )


async def get_flag(conn: aiosqlite.Connection, recruitment: str, name: str) -> str | None:
    async with conn.execute(
        "SELECT value FROM recruitment_flags WHERE recruitment = ? AND name = ?",
        (recruitment, name),
    ) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def clear_items(
    conn: aiosqlite.Connection, applicant_id: int, items: list[str], now: datetime
) -> None:
    """Forget the answers to `items` (profile fields or documents) so they are asked again."""
    for item in items:
        if item in PROFILE_COLUMNS:
            await set_profile_field(conn, applicant_id, item, None, now)
            if item == "devices":
                await set_profile_field(conn, applicant_id, "devices_draft", None, now)
        else:
            await conn.execute(
                "DELETE FROM documents WHERE applicant_id = ? AND kind = ?", (applicant_id, item)
            )
