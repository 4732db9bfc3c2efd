"""Telegram adapters. `register_all` is the one place that wires every handler, in order."""

from __future__ import annotations

from telegram.ext import Application

from handlers import (
    common,
    errors,
    registration,
    staff,
    staff_analysis,
    staff_bank,
    staff_broadcasts,
    staff_commands,
    staff_private,
    staff_results,
    staff_roles,
    staff_sessions,
    testing,
)


def register_all(app: Application, staff_chat_id: int | None) -> None:  # type: ignore[type-arg]
    # Edited messages are never read again, in any chat (group -1: before everything).
    common.register_edits(app)
    # Applicant basics: /start, /menu, /help, /bahasa and the main menu buttons.
    common.register(app)
    # Registration: /daftar, /status, /batal, /hapus, the form's buttons, answers and uploads.
    registration.register(app)
    # Sessions and the timed test: /jadwal, /mulai, /lanjut, /latihan and the test's buttons.
    testing.register(app)
    # The staff group: decisions on review cards, then committee commands (only in that
    # group; the same command names anywhere else are refused and audited).
    staff.register(app, staff_chat_id)
    # Who is staff (chat_member updates), and review in a staff member's private chat.
    staff_roles.register(app, staff_chat_id)
    staff_private.register(app)
    staff_bank.register(app, staff_chat_id)
    staff_sessions.register(app, staff_chat_id)
    staff_results.register(app, staff_chat_id)
    staff_analysis.register(app, staff_chat_id)
    staff_broadcasts.register(app, staff_chat_id)
    staff_commands.register(app, staff_chat_id)
    # Anything no feature claimed: a short helpful answer, stale buttons answered.
    common.register_fallbacks(app)
    app.add_error_handler(errors.on_error)  # type: ignore[arg-type]
