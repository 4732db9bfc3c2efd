"""Staff read words for every stored code: application statuses and audit actions."""

from __future__ import annotations

import re
from pathlib import Path

from bot import texts
from bot.services import staff_words
from bot.services.review import STATUS_OF
from handlers.staff_commands import ADMIN_COMMANDS
from handlers.staff_sessions import ADMIN_ACTIONS
from storage.db import migrations

ROOT = Path(__file__).resolve().parents[2]
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
# Where the code names an audit action: audit(conn, who, name, "x"), refused(..., "x"),
# _admin(update, context, "x"), action = "x" if ... else "y".
ACTION_LITERALS = re.compile(r'audit\(\s*conn,\s*[^,]+,\s*[^,]+,\s*"([a-z_]+)"'
                             r'|refused\([^()]*"([a-z_]+)"\)'
                             r'|_admin\(update, context, "([a-z_]+)"\)'
                             r'|action = "([a-z_]+)" if .* else "([a-z_]+)"')


def application_statuses() -> list[str]:
    schema = migrations()[0][2]
    codes = schema.split("CHECK (status IN (")[1].split("))")[0]
    return [c.strip().strip("'") for c in codes.replace("\n", " ").split(",")]


def audit_actions() -> set[str]:
    found = {name for path in [*(ROOT / "bot").rglob("*.py"), *(ROOT / "handlers").glob("*.py")]
             for match in ACTION_LITERALS.finditer(path.read_text(encoding="utf-8"))
             for name in match.groups() if name}
    dynamic = {f"decide_{verdict}" for verdict in STATUS_OF} | {
        "decide_fix", "registration_open", "registration_closed"}
    return found | dynamic | set(ADMIN_COMMANDS.values()) | set(ADMIN_ACTIONS.values()) | set(
        staff_words.READ_ACTIONS)


def test_every_application_status_has_staff_words() -> None:
    statuses = application_statuses()
    assert "session_booked" in statuses
    other = staff_words.status("no_such_status")
    for status in statuses:
        shown = staff_words.status(status)
        assert shown != other and not SNAKE.search(shown) and status not in shown.split(), status
        for lang in texts.LANGUAGES:
            assert texts.get(lang, f"staff_words.status.{status}")
    assert not SNAKE.search(other) and staff_words.status(None) == other


def test_every_audit_action_in_the_code_has_staff_words() -> None:
    actions = audit_actions()
    assert {"decide_pass", "export", "bank_import_rejected", "session_cancel",
            "ranking_approve", "view_record", "search"} <= actions, actions
    other = staff_words.action("no_such_action")
    for action in actions:
        shown = staff_words.action(action)
        assert shown != other and not SNAKE.search(shown), action


def test_an_audit_entry_reads_as_words_with_its_details() -> None:
    assert staff_words.audit_entry("decide_fail", '{"reason": "documents"}', True) == (
        "memutuskan tidak lulus administrasi · alasan: Dokumen tidak lengkap atau tidak terbaca")
    assert staff_words.audit_entry("decide_fail", {"reason": "Foto <buram>"}, True).endswith(
        "alasan: Foto &lt;buram&gt;")
    assert staff_words.audit_entry("decide_fix", {"items": ["email", "ktp"]}, True) == (
        "mengembalikan untuk perbaikan · yang diperbaiki: Email, KTP")
    assert staff_words.audit_entry("search", {"by": "number", "results": 2}, True) == (
        "mencari pendaftar · lewat NIK/nomor, 2 hasil")
    assert staff_words.audit_entry("decide_pass", {"won": False}, True) == (
        "memutuskan lulus administrasi · tidak berlaku: sudah diputuskan lebih dulu")
    assert staff_words.audit_entry("export", None, False) == (
        "mengekspor data pendaftar (ditolak)")
    assert staff_words.audit_entry("outside_group:ekspor", "{}", False) == (
        "memakai perintah panitia /ekspor di luar grup (ditolak)")
    assert staff_words.audit_entry("something_new", "{}", True) == "tindakan panitia lain"


def test_a_search_is_audited_by_its_kind_never_its_term() -> None:
    assert staff_words.search_kind("5207014508950003") == "number"
    assert staff_words.search_kind("+62 812-3456-7890") == "number"
    assert staff_words.search_kind("@siti_ksb") == "username"
    assert staff_words.search_kind("Siti Aminah") == "name"
