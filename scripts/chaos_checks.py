"""Chaos run, the checks (scripts/chaos.py runs them once the bot has stopped): `check` reads
the bot's database, the simulator's record of every Bot API call and what each person saw, and
returns the figures, the invariants among them (`INVARIANTS`; `broken` names those that do not
hold); `report` prints them.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from typing import Any

from scripts.bench_common import percentile
from scripts.chaos_people import (
    BROADCAST_TEXT,
    DECIDED,
    REMINDERS,
    RESULT,
    SCREEN_DONE,
    SUBMITTED,
    TEST_DONE,
    TIME_UP,
    WARNING,
    Run,
    Tap,
    parse_time,
)
from scripts.chaos_world import LATE, STARTUP, say


# ---- the checks -----------------------------------------------------------------------------
def check(run: Run) -> dict[str, Any]:
    sim = run.sim
    kills = [k.at for k in run.bot.kills]
    people = {a.user.id: a for a in run.applicants}
    apps = {r[0]: r for r in run.rows(
        "SELECT p.id, a.telegram_id, p.status, p.submitted_at, p.session_id "
        "FROM applications AS p JOIN applicants AS a ON a.id = p.applicant_id")}

    # What reached each chat: successful sends, in order, with when Telegram took them.
    sends: dict[int, list[tuple[float, str]]] = {}
    for call in sim.calls:
        if call.status == 200 and call.method in ("sendMessage", "sendPhoto", "sendDocument"):
            chat = call.params.get("chat_id")
            text = call.params.get("text") or call.params.get("caption") or ""
            if isinstance(chat, int) and isinstance(text, str):
                sends.setdefault(chat, []).append((call.at, html.unescape(
                    re.sub(r"<[^>]+>", "", text))))

    late = {call.at for call in sim.late}

    def explain(copies: list[float]) -> str | None:
        """Why a message went out twice: Telegram took the first copy and the bot could not
        record it, because it was killed at that instant, or because Telegram's answer came too
        late (a timeout: the outbox sends again, not knowing). None: unexplained."""
        for c in copies[:-1]:
            # a slow answer (late) was still on its way to the bot for LATE seconds
            if any(c <= k <= c + (LATE + 1.0 if c in late else 2.0) for k in kills):
                return "kill"
            if c in late:
                return "timeout: the outbox sent it again"
        return None

    def count(chat: int, words: str) -> list[float]:
        return [at for at, text in sends.get(chat, []) if words in text]

    # 1. acknowledged answers missing from the database
    missing_answers: list[str] = []
    answers = {}
    for attempt_id, telegram_id in run.rows(
            "SELECT t.id, a.telegram_id FROM attempts AS t JOIN applicants AS a "
            "ON a.id = t.applicant_id WHERE t.kind = 'test'"):
        answers[telegram_id] = dict(run.rows(
            "SELECT position, choice FROM answers WHERE attempt_id = ?", (attempt_id,)))
    acked_taps = 0
    for a in run.applicants:
        stored = answers.get(a.user.id, {})
        by_position: dict[int, list[Tap]] = {}
        for tap in a.taps:
            by_position.setdefault(tap.position, []).append(tap)
            acked_taps += tap.acked
        for position, taps in by_position.items():
            last_acked = max((i for i, t in enumerate(taps) if t.acked), default=None)
            if last_acked is None:
                continue
            allowed = {taps[last_acked].choice} | {t.choice for t in taps[last_acked + 1:]}
            if stored.get(position) not in allowed:
                missing_answers.append(f"{a.person.name}: question {position + 1} acknowledged "
                                       f"{sorted(allowed)}, stored {stored.get(position)}")

    # 2. seats over capacity
    over_capacity = []
    for sid, code, capacity, booked in run.rows(
            "SELECT id, code, capacity, booked FROM sessions"):
        holders = run.one("SELECT count(*) FROM applications WHERE session_id = ?", (sid,))
        if booked > capacity or holders > capacity or holders != booked:
            over_capacity.append(f"{code}: capacity {capacity}, counter {booked}, "
                                 f"holders {holders}")

    # 3. attempts submitted exactly once
    not_once = []
    for attempt_id, telegram_id, status, by, app_status in run.rows(
            "SELECT t.id, a.telegram_id, t.status, t.submitted_by, p.status FROM attempts AS t "
            "JOIN applicants AS a ON a.id = t.applicant_id JOIN applications AS p "
            "ON p.id = t.application_id WHERE t.kind = 'test'"):
        time_up = count(telegram_id, TIME_UP)
        done = count(telegram_id, TEST_DONE)
        problem = None
        if status != "submitted":
            problem = "never submitted"
        elif len(time_up) + len(done) > 1 and not explain(sorted(time_up + done)):
            problem = f"{len(time_up)} time-up and {len(done)} finished messages"
        elif (by == "deadline" and done) or (by == "applicant" and time_up):
            problem = f"submitted by {by}, but the person was told otherwise"
        elif app_status not in ("tested", "accepted", "not_accepted"):
            problem = f"application left {app_status}"
        if problem:
            who = people.get(telegram_id)
            name = who.person.name if who else telegram_id
            not_once.append(f"attempt {attempt_id} ({name}): {problem}")

    # 4. decisions, results and the broadcast: none missing; doubles only before a kill
    decisions: Counter[str] = Counter()
    missing_msgs: list[str] = []
    doubled_explained: list[str] = []
    doubled_unexplained: list[str] = []
    expected: dict[int, Counter[str]] = {}
    for applicant_id, action, detail in run.rows(
            "SELECT applicant_id, action, detail FROM audit_log WHERE action IN "
            "('decide_pass', 'decide_fail', 'decide_fix')"):
        if json.loads(detail).get("won"):
            telegram_id = run.one("SELECT telegram_id FROM applicants WHERE id = ?",
                                  (applicant_id,))
            expected.setdefault(telegram_id, Counter())[action.removeprefix("decide_")] += 1
            decisions[action.removeprefix("decide_")] += 1
    final = run.one("SELECT id FROM rankings WHERE status = 'announced'")
    for application_id, accepted in run.rows(
            "SELECT application_id, accepted FROM ranking_rows WHERE ranking_id = ?", (final,)):
        telegram_id = apps[application_id][1]
        expected.setdefault(telegram_id, Counter())[
            "accepted" if accepted else "not_accepted"] += 1
    for (telegram_id,) in run.rows(
            "SELECT chat_id FROM outbox WHERE broadcast_id IS NOT NULL AND status != 'skipped'"):
        expected.setdefault(telegram_id, Counter())["broadcast"] += 1
    words = {**DECIDED, **RESULT, "broadcast": BROADCAST_TEXT}
    for telegram_id, wanted in expected.items():
        who = people.get(telegram_id)
        for kind, n in wanted.items():
            got = count(telegram_id, words[kind])
            label = f"{who.person.name if who else telegram_id}: {kind}"
            if len(got) < n:
                missing_msgs.append(f"{label} ({len(got)} of {n})")
            elif len(got) > n:
                why = explain(got)
                (doubled_unexplained if why is None else doubled_explained).append(
                    f"{label} ({len(got)} for {n}; {why or 'no kill, no timeout'})")

    # 5. reminders after their reason was gone; warnings after the test. When a reason ended
    # is bounded from above by what could only happen after its transaction committed (the
    # confirmation reaching the person, a decision, the first result, the closed screen); the
    # stored instant (taken when the transaction began) bounds it from below. Only a reminder
    # that reached the person after the upper bound counts; one between the two is listed.
    late_reminders: list[str] = []
    borderline: list[str] = []
    reminders_sent: Counter[str] = Counter()
    first_decision = {r[0]: parse_time(r[1]) for r in run.rows(
        "SELECT a.telegram_id, min(l.at) FROM audit_log AS l JOIN applicants AS a "
        "ON a.id = l.applicant_id WHERE l.action LIKE 'decide_%' GROUP BY a.telegram_id")}
    first_result = min((at for msgs in sends.values() for at, text in msgs
                        if any(words in text for words in RESULT.values())), default=None)
    announced = run.one("SELECT min(created_at) FROM outbox WHERE dedupe_key LIKE 'result:%'")
    submitted_at = {r[1]: parse_time(r[3]) for r in apps.values() if r[3]}
    test_ended = {r[0]: parse_time(r[1]) for r in run.rows(
        "SELECT a.telegram_id, t.submitted_at FROM attempts AS t JOIN applicants AS a "
        "ON a.id = t.applicant_id WHERE t.kind = 'test' AND t.submitted_at IS NOT NULL")}
    closed: dict[int, float] = {}  # a finished test's screen closed, or its word sent
    for call in sim.calls:
        words = str(call.params.get("text") or call.params.get("caption") or "")
        if call.status == 200 and any(w in words for w in (SCREEN_DONE, TIME_UP, TEST_DONE)):
            chat = call.params.get("chat_id")
            if isinstance(chat, int):
                closed[chat] = min(closed.get(chat, call.at), call.at)
    for telegram_id, messages in sends.items():
        who = people.get(telegram_id)
        name = who.person.name if who else str(telegram_id)
        sent_words = [at for at, text in messages if SUBMITTED in text
                      or any(w in text for w in DECIDED.values())]
        for at, text in messages:
            kind = next((k for k, w in REMINDERS.items() if w in text), None)
            if kind is None and WARNING in text:
                kind = "minutes-left warning"
            if kind is None:
                continue
            reminders_sent[kind] += 1
            lower = upper = None
            if kind == "registration":
                lower = submitted_at.get(telegram_id)
                ends = [t for t in (*sent_words, first_decision.get(telegram_id),
                                    who and who.submitted) if t]
                upper = min(ends) if ends else None
            elif kind == "announcement" and announced:
                lower, upper = parse_time(announced), first_result
            elif kind == "minutes-left warning":
                lower, upper = test_ended.get(telegram_id), closed.get(telegram_id)
            if upper is not None and at > upper:
                key = "warn:%" if kind == "minutes-left warning" else f"reminder:{kind}%"
                row = run.rows(
                    "SELECT attempts, last_error, created_at FROM outbox WHERE chat_id = ? "
                    "AND dedupe_key LIKE ? ORDER BY id LIMIT 1", (telegram_id, key))
                how = (f"; queued {upper - parse_time(row[0][2]):.2f} s before, sent at try "
                       f"{row[0][0]} (last error {row[0][1]})" if row else "")
                late_reminders.append(f"{name}: {kind} {at - upper:.2f} s after its reason "
                                      f"was certainly gone{how}")
            elif lower is not None and at > lower:
                borderline.append(f"{name}: {kind} sent {at - lower:.3f} s after the "
                                  "transaction that ended its reason began (before it was "
                                  "surely committed)")

    # 6. direct replies lost: failed (5xx, or timed out undone) and never done after all;
    # each request counted once, however often it was tried
    tries: dict[tuple[str, str], list[tuple[float, str]]] = {}
    for call in sim.calls:
        outcome = ("done" if call.status == 200 or "not modified" in (call.error or "")
                   else f"{call.status} {call.error or ''}".strip())
        tries.setdefault((call.method, identity(call.params)), []).append((call.at, outcome))
    for lost in sim.lost:
        tries.setdefault((lost.method, identity(lost.params)), []).append((lost.at, "timeout"))
    lost_replies: Counter[str] = Counter()
    lost_details: list[str] = []
    lost_to_kill = 0
    outbox_given_up = run.one("SELECT count(*) FROM outbox WHERE status = 'failed'") or 0
    for (method, ident), history in tries.items():
        history.sort()
        failures = [at for at, outcome in history if outcome == "timeout"
                    or outcome[:1] == "5"]
        if not failures or method in STARTUP or method.startswith("set"):
            continue
        first = failures[0]
        after = [(at, outcome) for at, outcome in history if first <= at <= first + 120]
        if any(outcome == "done" for _, outcome in after):
            continue
        if any(first - 1.0 <= k <= failures[-1] + 10 for k in kills):
            lost_to_kill += 1
            continue
        lost_replies[method] += 1
        if len(after) == 1:
            why = ("timed out: a send is not tried again (it may have been delivered)"
                   if after[0][1] == "timeout" else "not tried again")
        else:
            why = f"tried {len(after)} times: {', '.join(o[:40] for _, o in after)}"
        lost_details.append(f"{first - run.t0:.1f} s: {method} ({why}) {ident[:70]}")

    applied = Counter(a.outcome or "no decision" for a in run.applicants)
    took = [round(t.took, 2) for a in run.applicants for t in a.taps]
    figures = {
        "seed": run.seed, "applicants": run.shape.n, "seconds": round(run.clock(), 1),
        "kills": len(run.bot.kills),
        "kills_by_moment": dict(Counter(k.tag for k in run.bot.kills)),
        "crashes": len(run.bot.crashes), "final_stop": run.stopped,
        "harness_errors": run.harness_errors,
        "restart_seconds_max": round(max((k.up_again - k.at for k in run.bot.kills
                                          if k.up_again), default=0.0), 1),
        "calls": len(sim.calls), "status_5xx": sum(c.status >= 500 for c in sim.calls),
        "timeouts_undone": len(sim.lost), "timeouts_done_late": len(sim.late),
        "status_429": sum(c.status == 429 for c in sim.calls),
        "submitted": sum(a.submitted is not None or a.outcome is not None
                         for a in run.applicants),
        "outcomes": dict(applied), "decisions": dict(decisions),
        "booked": sum(a.session is not None for a in run.applicants),
        "booking": dict(Counter(a.booking for a in run.applicants if a.outcome == "pass")),
        "tests": dict(Counter(a.test for a in run.applicants if a.session)),
        "submitted_by": dict(Counter(r[0] for r in run.rows(
            "SELECT submitted_by FROM attempts WHERE kind = 'test'"))),
        "taps": sum(len(a.taps) for a in run.applicants), "taps_acknowledged": acked_taps,
        "tap_seconds_p50": percentile(took, 50), "tap_seconds_p95": percentile(took, 95),
        "results": dict(Counter(a.result or "none" for a in run.applicants if a.session)),
        "reminders_sent": dict(reminders_sent),
        "reminders_skipped": run.one("SELECT count(*) FROM outbox WHERE status = 'skipped' "
                                     "AND guard IS NOT NULL") or 0,
        "resyncs": sum(a.resyncs for a in run.applicants),
        "outbox": dict(run.rows("SELECT status, count(*) FROM outbox GROUP BY status")),
        "outbox_given_up": outbox_given_up,
        # the invariants
        "acked_answers_missing": len(missing_answers),
        "seats_over_capacity": len(over_capacity),
        "attempts_not_submitted_once": len(not_once),
        "messages_missing": len(missing_msgs),
        "messages_doubled_explained": len(doubled_explained),
        "messages_doubled_after_kill": sum("; kill)" in d for d in doubled_explained),
        "messages_doubled_after_timeout": sum("; timeout" in d for d in doubled_explained),
        "messages_doubled_unexplained": len(doubled_unexplained),
        "reminders_after_reason_gone": len(late_reminders),
        "reminders_borderline": len(borderline),
        "direct_replies_lost": sum(lost_replies.values()),
        "direct_replies_lost_by_method": dict(lost_replies),
        "replies_lost_to_a_kill": lost_to_kill,
        "details": {"acked_answers_missing": missing_answers[:20],
                    "seats_over_capacity": over_capacity,
                    "attempts_not_submitted_once": not_once[:20],
                    "messages_missing": missing_msgs[:20],
                    "messages_doubled_after_kill": [d for d in doubled_explained
                                                    if "; kill)" in d][:20],
                    "messages_doubled_after_timeout": [d for d in doubled_explained
                                                       if "; timeout" in d][:20],
                    "messages_doubled_unexplained": doubled_unexplained[:20],
                    "reminders_after_reason_gone": late_reminders[:20],
                    "reminders_borderline": borderline[:20],
                    "direct_replies_lost": lost_details[:20]},
    }
    figures["broken"] = [name for name in INVARIANTS if figures[name]]
    return figures


# A double is allowed only where Telegram took a message in the instant before a kill.
INVARIANTS = ("acked_answers_missing", "seats_over_capacity", "attempts_not_submitted_once",
              "messages_missing", "messages_doubled_after_timeout",
              "messages_doubled_unexplained", "reminders_after_reason_gone")


def identity(params: dict[str, Any]) -> str:
    """What makes two calls the same request (a retry), whatever their ids."""
    keys = ("chat_id", "message_id", "text", "caption", "callback_query_id", "photo",
            "document", "media", "message_ids")
    return json.dumps({k: params.get(k) for k in keys if k in params}, sort_keys=True,
                      default=str)


def report(run: Run, f: dict[str, Any]) -> None:
    say("")
    say(f"== chaos run, seed {f['seed']}: {f['applicants']} applicants, {f['seconds']} s ==")
    for error in f["harness_errors"]:
        say(f"  !! error in this script (not the bot): {error}")
    say(f"  kills: {f['kills']} {f['kills_by_moment']}; crashes: {f['crashes']}; longest "
        f"restart {f['restart_seconds_max']} s; at the end (SIGTERM): {f['final_stop']}")
    say(f"  Bot API calls {f['calls']}: {f['status_5xx']} answered 5xx, "
        f"{f['timeouts_undone']} timed out undone, {f['timeouts_done_late']} done but "
        f"answered too late, {f['status_429']} 429s")
    say(f"  sent: {f['submitted']}; decisions {f['decisions']}; outcomes {f['outcomes']}")
    say(f"  booking: {f['booking']}; tests {f['tests']}; submitted by {f['submitted_by']}")
    say(f"  taps {f['taps']}, acknowledged {f['taps_acknowledged']} (tap -> answer p50 "
        f"{f['tap_seconds_p50']} s, p95 {f['tap_seconds_p95']} s); results {f['results']}")
    say(f"  reminders sent {f['reminders_sent']}, skipped (reason gone) "
        f"{f['reminders_skipped']}; outbox {f['outbox']}; people asked again "
        f"{f['resyncs']} times")
    say("  invariants:")
    for name in (*INVARIANTS, "messages_doubled_after_kill", "direct_replies_lost",
                 "replies_lost_to_a_kill"):
        mark = "BROKEN" if name in f["broken"] else "ok"
        extra = (f" {f['direct_replies_lost_by_method']}"
                 if name == "direct_replies_lost" and f[name] else "")
        say(f"    {name.replace('_', ' ')}: {f[name]}{extra}  [{mark}]")
        for line in f["details"].get(name, [])[:8]:
            say(f"      - {line}")
