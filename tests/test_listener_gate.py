"""The listener's gate alone (gateway/listener.py): connection events in, decisions out.  No sockets,
no clock: every test feeds times."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.listener import REFUSAL_REASONS, ListenerGate, Reason, descriptors_needed


@pytest.fixture
def gate() -> tuple[ListenerGate[str], list[Reason]]:
    seen: list[Reason] = []
    g: ListenerGate[str] = ListenerGate(max_pending=3, handshake_timeout=3.0, on_refusal=seen.append,
                                        describe=lambda c: f"peer-{c}", log_interval=5.0)
    return g, seen


def test_room_then_the_oldest_waiting_connection_is_dropped(gate) -> None:
    g, seen = gate
    assert g.accepted("a", 0.0) == [] and g.accepted("b", 0.1) == [] and g.accepted("c", 0.2) == []
    assert g.pending == 3
    # one more: the oldest that has not sent a request goes, the newcomer stays
    assert g.accepted("d", 0.3) == ["a"]
    assert g.pending == 3 and "a" not in g and "d" in g
    assert seen == ["limit"]
    assert g.accepted("e", 0.4) == ["b"]
    assert seen == ["limit", "limit"]


def test_a_connection_being_answered_is_not_dropped_for_a_newcomer(gate) -> None:
    g, _seen = gate
    for i, c in enumerate("abc"):
        g.accepted(c, i / 10)
    g.request_received("a")  # its request arrived: it is being answered
    assert g.accepted("d", 0.5) == ["b"]
    assert "a" in g


def test_when_every_pending_connection_is_being_answered_the_newcomer_is_refused(gate) -> None:
    g, seen = gate
    for i, c in enumerate("abc"):
        g.accepted(c, i / 10)
        g.request_received(c)
    assert g.accepted("d", 0.5) == ["d"]
    assert "d" not in g and g.pending == 3 and seen == ["limit"]


def test_admitted_connections_leave_and_are_never_dropped(gate) -> None:
    g, seen = gate
    g.accepted("a", 0.0)
    g.request_received("a")
    g.admitted("a")
    assert "a" not in g and g.pending == 0
    for i, c in enumerate("bcdefg"):
        assert "a" not in g.accepted(c, 1 + i)
    assert g.tick(1000.0) == ["e", "f", "g"]  # the admitted one never times out either
    assert seen.count("limit") == 3 and seen.count("handshake_timeout") == 3


def test_deadlines_are_fixed_at_accept_and_expire_in_order(gate) -> None:
    g, seen = gate
    g.accepted("a", 10.0)
    g.accepted("b", 11.0)
    g.request_received("b")  # still bound by its deadline
    assert g.next_wakeup() == 13.0
    assert g.tick(12.9) == []
    assert g.tick(13.0) == ["a"]
    assert g.next_wakeup() == 14.0
    assert g.tick(20.0) == ["b"]
    assert g.pending == 0 and seen == ["handshake_timeout", "handshake_timeout"]


def test_closed_and_refused_connections_leave(gate) -> None:
    g, seen = gate
    g.accepted("a", 0.0)
    g.accepted("b", 0.0)
    g.closed("a")  # the client went away: not a refusal
    g.refused("b", "auth", 0.1, "401: missing or wrong token")
    assert g.pending == 0 and seen == ["auth"]
    assert g.next_wakeup() is None
    # a refusal of a connection the gate no longer holds (websockets refused an admitted upgrade) counts
    g.refused("z", "bad_request", 0.2, "400: not a valid WebSocket upgrade request")
    assert seen == ["auth", "bad_request"]


def test_no_handshake_timeout_means_no_deadline() -> None:
    g: ListenerGate[str] = ListenerGate(max_pending=2, handshake_timeout=None)
    g.accepted("a", 0.0)
    assert g.next_wakeup() is None and g.tick(1e9) == [] and "a" in g


def test_drain_forgets_every_pending_connection_without_counting(gate) -> None:
    g, seen = gate
    for c in "abc":
        g.accepted(c, 0.0)
    assert g.drain() == ["a", "b", "c"]
    assert g.pending == 0 and seen == [] and g.next_wakeup() is None


def test_max_pending_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_pending"):
        ListenerGate(max_pending=0, handshake_timeout=1.0)


def test_refusals_are_logged_once_per_reason_per_interval_then_summarized(gate, caplog) -> None:
    g, seen = gate
    caplog.set_level(logging.INFO, logger="gateway.listener")
    for i in range(10):
        g.refused(f"x{i}", "auth", 1.0 + i / 100, "401: missing or wrong token")
    g.refused("o", "origin", 1.5, "403: Origin 'https://evil.example' is not allowed (--allowed-origin)")
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["refused peer-x0 (auth): 401: missing or wrong token",
                     "refused peer-o (origin): 403: Origin 'https://evil.example' is not allowed (--allowed-origin)"]
    assert all(r.levelno == logging.INFO for r in caplog.records)
    assert seen.count("auth") == 10
    # the timer wakes the gate at the end of the window to report what it held back
    assert g.next_wakeup() == 6.0
    caplog.clear()
    assert g.tick(6.0) == []
    assert [r.getMessage() for r in caplog.records] == ["refused 9 more connections (auth) in the last 5 s"]
    # a steady stream stays at one line per interval; a quiet window ends the series
    caplog.clear()
    g.refused("y", "auth", 7.0, "401: missing or wrong token")
    assert caplog.records == []
    g.tick(11.0)
    assert [r.getMessage() for r in caplog.records] == ["refused 1 more connection (auth) in the last 5 s"]
    caplog.clear()
    g.tick(16.0)
    assert caplog.records == [] and g.next_wakeup() is None
    g.refused("z", "auth", 17.0, "401: missing or wrong token")
    assert [r.getMessage() for r in caplog.records] == ["refused peer-z (auth): 401: missing or wrong token"]


def test_a_late_tick_still_reports_what_was_held_back(gate, caplog) -> None:
    g, _seen = gate
    caplog.set_level(logging.INFO, logger="gateway.listener")
    g.refused("a", "bad_request", 0.0, "400: more than one Origin header")
    g.refused("b", "bad_request", 1.0, "400: more than one Origin header")
    caplog.clear()
    # the next refusal comes after the window, before any tick: summary first, then the line
    g.refused("c", "bad_request", 9.0, "400: more than one Origin header")
    assert [r.getMessage() for r in caplog.records] == [
        "refused 1 more connection (bad_request) in the last 5 s",
        "refused peer-c (bad_request): 400: more than one Origin header",
    ]


def test_limit_and_timeout_lines_name_their_flags(gate, caplog) -> None:
    g, _seen = gate
    caplog.set_level(logging.INFO, logger="gateway.listener")
    for i, c in enumerate("abcd"):
        g.accepted(c, float(i))
    g.tick(100.0)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "refused peer-a (limit): 3 connections are waiting to authenticate " \
           "(--max-pending-connections=3); the oldest is dropped" in text
    assert "refused peer-b (handshake_timeout): no complete request within --open-timeout=3s" in text


def test_descriptor_budget_counts_every_holder() -> None:
    def needed(sessions: int, pending: int, workers: int) -> int:
        return descriptors_needed(max_sessions=sessions, max_pending=pending, workers=workers)

    assert needed(256, 100, 3) - needed(0, 0, 3) == 256 + 100
    assert needed(0, 0, 10) > needed(0, 0, 3)
    # the defaults fit a 1,024-descriptor limit, with 2 workers, a spare and the MCP host, and on a
    # 32-core machine
    assert needed(256, 256, 4) <= 1024
    assert needed(256, 256, 34) <= 1024


# ---- any sequence of events --------------------------------------------------------------

_events = st.lists(
    st.tuples(st.sampled_from(["accept", "request", "admit", "refuse", "close", "tick"]),
              st.integers(0, 30), st.floats(0, 2)),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(_events, st.integers(1, 6), st.sampled_from([None, 0.5, 3.0]))
def test_any_event_sequence_keeps_the_promises(events, max_pending, timeout) -> None:
    seen: list[Reason] = []
    g: ListenerGate[int] = ListenerGate(max_pending=max_pending, handshake_timeout=timeout,
                                        on_refusal=seen.append)
    now = 0.0
    accepted: set[int] = set()
    admitted: set[int] = set()
    gone: set[int] = set()  # dropped, refused, expired or closed
    next_id = 0
    for kind, pick, step in events:
        now += step
        known = sorted(accepted - gone - admitted)
        target = known[pick % len(known)] if known else None
        if kind == "accept":
            conn = next_id
            next_id += 1
            accepted.add(conn)
            for victim in g.accepted(conn, now):
                assert victim not in admitted and victim not in gone
                gone.add(victim)
        elif target is None:
            continue
        elif kind == "request":
            g.request_received(target)
        elif kind == "admit":
            g.admitted(target)
            admitted.add(target)
        elif kind == "refuse":
            g.refused(target, "auth", now, "401")
            gone.add(target)
        elif kind == "close":
            g.closed(target)
            gone.add(target)
        else:
            for conn in g.tick(now):
                assert conn not in admitted and conn not in gone
                gone.add(conn)
        assert g.pending <= max_pending
        assert g.pending == len(accepted - gone - admitted)
        wake = g.next_wakeup()
        if timeout is not None and g.pending:
            assert wake is not None and wake <= now + timeout
    assert set(seen) <= set(REFUSAL_REASONS)
