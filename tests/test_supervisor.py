"""The supervisor core (gateway/supervisor.py) fed events directly: no processes, no sockets, no clock, no sleeps.

Each test plays a sequence of events with the times they happen and checks the actions that come
back, the way websockets tests its protocol without a connection.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.errors import Overloaded
from gateway.metrics import MCP_SERVER_STATES, RESTART_REASONS, WORKER_STATES
from gateway.supervisor import (
    SPARE,
    Action,
    Answer,
    Count,
    Dispatch,
    Kill,
    Metric,
    Observe,
    RestartReason,
    Send,
    SetReady,
    SlotState,
    Spawn,
    Supervisor,
    Ticket,
    Worker,
    WorkerLost,
    WorkerReady,
    WorkerState,
    backoff,
)
from shared import protocol as p
from shared.mcp_server_tools import ServerState
from shared.states import InvalidTransition

A = TypeVar("A")


def make(**overrides: Any) -> Supervisor:
    kw: dict[str, Any] = {"workers": 2, "spares": 0, "max_calls": 2, "max_queue": 4, "deadline_grace": 1.0,
                          "heartbeat_timeout": 10.0, "boot_failure_limit": 3, "boot_timeout": 15.0,
                          "jitter": lambda: 0.0}
    kw.update(overrides)
    return Supervisor(**kw)


def of(actions: list[Action], kind: type[A]) -> list[A]:
    return [a for a in actions if isinstance(a, kind)]


def boot(sv: Supervisor, now: float = 0.0) -> list[Action]:
    """Start the pool and have every worker it spawns say hello; the actions of it all."""
    out = sv.start(now)
    for spawn in of(out, Spawn):
        out += sv.hello(spawn.worker, 1000 + spawn.worker, False, now)
    return out


def slot_worker(sv: Supervisor, slot: int) -> Worker:
    w = sv.slots[slot].worker
    assert w is not None
    return w


def arrive(sv: Supervisor, call_id: int, now: float, timeout: float = 10.0,
           on: Worker | None = None) -> tuple[Ticket, list[Action]]:
    ticket = Ticket(call_id, now, timeout)
    return ticket, sv.call_arrived(ticket, now, on=on)


def ok(call_id: int, **structured: Any) -> p.Result:
    return p.Result(id=call_id, text="ok", structured=structured or None)


# ---- start, readiness, dispatch -----------------------------------------------------------------


def test_start_fills_every_slot_and_the_spares_and_readiness_follows_hello() -> None:
    sv = make(workers=2, spares=1)
    started = sv.start(0.0)
    assert [(s.slot) for s in of(started, Spawn)] == [0, 1, SPARE]
    assert not sv.any_ready() and of(started, SetReady) == []
    first = sv.hello(of(started, Spawn)[0].worker, 4242, True, 0.3)
    assert of(first, WorkerReady) == [WorkerReady(of(started, Spawn)[0].worker, 0)]
    assert of(first, SetReady) == [SetReady(True)]
    assert slot_worker(sv, 0).host_pid == 4242 and slot_worker(sv, 0).forking
    spare = sv.hello(of(started, Spawn)[2].worker, 4244, False, 0.4)
    assert of(spare, WorkerReady) == [] and of(spare, SetReady) == []  # a spare serves no slot yet
    assert sv.state_counts()[SlotState.SPARE] == 1
    assert sv.state_counts()[SlotState.STARTING] == 1 and sv.state_counts()[SlotState.READY] == 1


def test_least_loaded_dispatch_with_the_per_worker_cap() -> None:
    sv = make(workers=2, max_calls=2)
    boot(sv)
    w0, w1 = slot_worker(sv, 0), slot_worker(sv, 1)
    placed = [of(arrive(sv, i, 1.0)[1], Dispatch)[0].worker for i in range(1, 5)]
    assert placed == [w0.id, w1.id, w0.id, w1.id]  # fewest calls first, the first slot on a tie
    assert sv.slot_state(sv.slots[0]) is SlotState.BUSY
    _, queued = arrive(sv, 5, 1.0)
    assert queued == [] and len(sv.queue) == 1  # both at the cap: it waits
    freed = sv.result(w1.id, ok(2), 2.0)
    assert of(freed, Answer)[0].call == 2
    [dispatch] = of(freed, Dispatch)
    assert (dispatch.call, dispatch.worker) == (5, w1.id)  # the worker with room takes the oldest queued call
    assert dispatch.timeout == pytest.approx(9.0) and dispatch.queued == pytest.approx(1.0)
    assert of(freed, Observe) == [Observe(Metric.QUEUE_WAIT, dispatch.queued)]


def test_a_queued_call_is_sent_what_remains_of_its_time_and_says_how_long_it_queued() -> None:
    sv = make(workers=1, max_calls=1)
    boot(sv)
    w = slot_worker(sv, 0)
    arrive(sv, 1, 0.0)
    _, queued = arrive(sv, 2, 1.0, timeout=10.0)
    assert queued == [] and sv.next_deadline(2) == 11.0  # fixed at arrival
    [dispatch] = of(sv.result(w.id, ok(1), 5.0), Dispatch)
    assert dispatch.timeout == pytest.approx(6.0)  # 10 s less the 4 s it queued
    assert sv.next_deadline(2) == 12.0  # running: deadline + grace
    [answer] = of(sv.result(w.id, ok(2, duration_ms=12.5), 6.0), Answer)
    assert answer.result.structured == {"duration_ms": 12.5, "queued_ms": 4000.0}


def test_deadline_while_queued_answers_timeout_and_the_call_never_runs() -> None:
    sv = make(workers=1, max_calls=1)
    boot(sv)
    w = slot_worker(sv, 0)
    arrive(sv, 1, 0.0, timeout=100.0)
    arrive(sv, 2, 1.0, timeout=5.0)
    assert sv.deadline_passed(2, 5.99) == []  # a timer may fire early: nothing yet
    out = sv.deadline_passed(2, 6.0)
    [answer] = of(out, Answer)
    assert answer.call == 2 and answer.result.outcome == "timeout"
    assert "no worker became free within the call's timeout of 5 s" in answer.result.text
    assert answer.result.structured is not None and answer.result.structured["queued_ms"] == 5000.0
    assert of(out, Observe) == [Observe(Metric.QUEUE_WAIT, 5.0)]
    assert of(out, Kill) == [] and len(sv.queue) == 0 and sv.next_deadline(2) is None
    assert of(sv.result(w.id, ok(1), 7.0), Dispatch) == []  # it is gone from the queue
    assert sv.deadline_passed(2, 8.0) == []  # answered once only


def test_deadline_past_grace_kills_the_worker_answers_its_other_calls_and_refills_the_slot() -> None:
    sv = make(workers=1, max_calls=4, deadline_grace=1.0)
    boot(sv)
    w = slot_worker(sv, 0)
    arrive(sv, 1, 0.0, timeout=2.0)
    arrive(sv, 2, 0.5, timeout=300.0)
    assert sv.deadline_passed(1, 2.0) == []  # the worker answers timeouts itself; the grace is its margin
    assert sv.next_deadline(1) == 3.0
    out = sv.deadline_passed(1, 3.0)
    answers = {a.call: a.result for a in of(out, Answer)}
    assert answers[1].outcome == "timeout" and "grace" in answers[1].text
    assert answers[1].structured is not None and answers[1].structured["duration_ms"] == 3000.0
    assert answers[2].outcome == "worker_lost" and "missed its deadline" in answers[2].text
    assert of(out, Kill) == [Kill(w.id)]
    assert of(out, WorkerLost) == [WorkerLost(w.id, 0)]
    assert Count(Metric.WORKER_RESTARTS, RestartReason.DEADLINE) in out and Count(Metric.DEADLINE_KILLS) in out
    assert w.state is WorkerState.DEAD
    [spawn] = of(out, Spawn)  # the slot is refilled: no backoff, the worker had booted fine
    assert spawn.slot == 0 and spawn.worker != w.id
    assert of(out, SetReady) == [SetReady(False)]
    assert sv.slots[0].restarts == 1 and sv.slots[0].boot_failures == 0
    assert sv.result(w.id, ok(2), 3.1) == []  # a late answer of the killed worker is dropped
    back = sv.hello(spawn.worker, 77, False, 3.5)
    assert of(back, WorkerReady) == [WorkerReady(spawn.worker, 0)] and of(back, SetReady) == [SetReady(True)]


def test_heartbeat_loss_kills_and_replaces_a_silent_worker() -> None:
    sv = make(workers=1, heartbeat_timeout=10.0)
    boot(sv)
    w = slot_worker(sv, 0)
    assert sv.heartbeat(w.id, False, 0, 5.0) == []
    assert sv.tick(14.9) == []
    sv.heard(w.id, 14.0)  # any bytes count
    assert sv.tick(23.9) == []
    out = sv.tick(24.5)
    assert of(out, Kill) == [Kill(w.id)]
    assert Count(Metric.WORKER_RESTARTS, RestartReason.HEARTBEAT) in out
    assert [s.slot for s in of(out, Spawn)] == [0]


def test_zygote_restarts_are_counted_from_the_cumulative_heartbeat() -> None:
    sv = make(workers=1)
    boot(sv)
    w = slot_worker(sv, 0)
    assert sv.heartbeat(w.id, True, 2, 1.0) == [Count(Metric.ZYGOTE_RESTARTS, amount=2)]
    assert sv.heartbeat(w.id, True, 2, 2.0) == []
    assert sv.heartbeat(w.id, True, 3, 3.0) == [Count(Metric.ZYGOTE_RESTARTS, amount=1)]


# ---- boot failures --------------------------------------------------------------------------------


def test_boot_failures_back_off_up_to_the_limit_then_the_slot_is_given_up(caplog: pytest.LogCaptureFixture) -> None:
    sv = make(workers=1, boot_failure_limit=3)
    [spawn] = of(sv.start(0.0), Spawn)
    _, queued = arrive(sv, 1, 0.0, timeout=600.0)
    assert queued == []
    now = 0.0
    for failures in (1, 2):
        out = sv.exited(spawn.worker, p.BOOT_ERROR, now)
        assert Count(Metric.WORKER_RESTARTS, RestartReason.BOOT_FAILURE) in out
        assert of(out, Spawn) == [] and sv.slots[0].boot_failures == failures
        due = now + backoff(failures)
        assert backoff(failures) == 0.2 * 2 ** (failures - 1) and sv.next_wakeup() == due
        assert of(sv.tick(due - 0.01), Spawn) == []
        [spawn] = of(sv.tick(due), Spawn)
        now = due
    with caplog.at_level(logging.ERROR, logger="gateway.supervisor"):
        out = sv.tick(now + 15.1)  # the third never says hello
    assert Count(Metric.WORKER_RESTARTS, RestartReason.BOOT_FAILURE) in out
    assert sv.slots[0].failed and sv.all_failed() and sv.next_wakeup() is None
    assert of(out, Spawn) == []
    assert "worker slot 0 failed to boot 3 times in a row; not respawning it" in caplog.text
    [answer] = of(out, Answer)  # the queued call is answered now, not at its timeout
    assert answer.call == 1 and "every worker failed to start 3 times in a row" in answer.result.text
    _, later = arrive(sv, 2, now + 20)
    assert [a.result.text for a in of(later, Answer)] == [answer.result.text]  # at once, too
    assert sv.slot_state(sv.slots[0]) is SlotState.FAILED
    assert sv.tick(now + 100) == []


def test_a_backoff_gets_jitter_and_caps_at_ten_seconds() -> None:
    assert [backoff(n) for n in (0, 1, 2, 3, 6, 7, 20)] == [0.0, 0.2, 0.4, 0.8, 6.4, 10.0, 10.0]
    sv = make(workers=1, boot_failure_limit=50, jitter=lambda: 0.03)
    [spawn] = of(sv.start(0.0), Spawn)
    sv.exited(spawn.worker, 1, 0.0)  # died before hello: a boot failure
    assert sv.next_wakeup() == pytest.approx(0.23)


def test_a_worker_that_booted_and_then_crashed_is_respawned_at_once() -> None:
    sv = make(workers=1)
    boot(sv)
    w = slot_worker(sv, 0)
    out = sv.exited(w.id, -9, 5.0)
    assert Count(Metric.WORKER_RESTARTS, RestartReason.EXITED) in out
    assert [s.slot for s in of(out, Spawn)] == [0]  # backoff(0) + jitter 0
    assert sv.slots[0].boot_failures == 0 and sv.slots[0].restarts == 1


def test_a_process_that_cannot_even_be_spawned_is_a_boot_failure(caplog: pytest.LogCaptureFixture) -> None:
    sv = make(workers=1, boot_failure_limit=2)
    [spawn] = of(sv.start(0.0), Spawn)
    with caplog.at_level(logging.ERROR, logger="gateway.supervisor"):
        out = sv.spawn_failed(spawn.worker, "No such file or directory", 0.0)
    assert "cannot start worker 0: No such file or directory" in caplog.text
    assert of(out, WorkerLost) == []  # it was never announced ready
    assert sv.slots[0].boot_failures == 1 and sv.next_wakeup() == 0.2


def test_a_worker_without_hello_is_lost_at_the_boot_timeout() -> None:
    sv = make(workers=1, boot_timeout=15.0)
    [spawn] = of(sv.start(0.0), Spawn)
    sv.spawned(spawn.worker, 2.0)  # the boot counts from the process start
    assert sv.tick(16.9) == []
    out = sv.tick(17.1)
    assert of(out, Kill) == [Kill(spawn.worker)]
    assert Count(Metric.WORKER_RESTARTS, RestartReason.BOOT_FAILURE) in out


# ---- spares -------------------------------------------------------------------------------------


def test_a_booted_spare_takes_a_lost_workers_slot_at_once_and_another_spare_boots() -> None:
    sv = make(workers=1, spares=1, max_calls=1)
    boot(sv)
    old = slot_worker(sv, 0)
    [spare] = sv.spares
    arrive(sv, 1, 1.0)
    _, queued = arrive(sv, 2, 1.0)
    assert queued == []
    out = sv.exited(old.id, -9, 2.0)
    assert of(out, Kill) == [Kill(old.id)]
    assert of(out, WorkerReady) == [WorkerReady(spare.id, 0)]
    assert slot_worker(sv, 0) is spare and spare.slot == 0
    assert [(a.call, a.result.outcome) for a in of(out, Answer)] == [(1, "worker_lost")]
    assert [(d.call, d.worker) for d in of(out, Dispatch)] == [(2, spare.id)]  # the queue moves on at once
    [again] = of(out, Spawn)
    assert again.slot == SPARE  # replenished at once
    assert of(out, SetReady) == []  # the pool never stopped being ready
    assert sv.slots[0].restarts == 1


def test_a_spare_that_boots_while_a_slot_waits_for_its_respawn_takes_the_slot() -> None:
    sv = make(workers=1, spares=1, boot_failure_limit=10)
    started = sv.start(0.0)
    slot_spawn, spare_spawn = of(started, Spawn)
    sv.exited(slot_spawn.worker, p.BOOT_ERROR, 0.1)
    sv.exited(slot_spawn.worker + 2, p.BOOT_ERROR, 0.1)  # unknown worker: ignored
    assert sv.slots[0].worker is None and sv.next_wakeup() == pytest.approx(0.3)
    out = sv.hello(spare_spawn.worker, 55, False, 0.2)
    assert of(out, WorkerReady) == [WorkerReady(spare_spawn.worker, 0)]
    assert sv.slots[0].respawn_at is None and sv.slots[0].boot_failures == 0
    assert of(sv.tick(0.3), Spawn) == []  # the slot is full: no respawn


def test_spares_that_keep_failing_back_off_and_are_given_up(caplog: pytest.LogCaptureFixture) -> None:
    sv = make(workers=1, spares=1, boot_failure_limit=3)
    boot(sv)
    sv.exited(slot_worker(sv, 0).id, -9, 1.0)  # the spare takes the slot, a new spare starts
    spare_id = sv.spares[0].id
    now = 1.0
    with caplog.at_level(logging.ERROR, logger="gateway.supervisor"):
        for failures in (1, 2, 3):
            out = sv.exited(spare_id, p.BOOT_ERROR, now)
            assert of(out, Count) == []  # spares are not restarts of a slot
            assert sv.spare_failures == failures
            if failures < 3:
                now += backoff(failures)
                [spawn] = of(sv.tick(now), Spawn)
                spare_id = spawn.worker
    assert sv.spares_given_up and sv.spares == []
    assert caplog.text.count("3 spare workers in a row failed to boot; no more spares") == 1
    sv.heard(slot_worker(sv, 0).id, now + 60)
    assert of(sv.tick(now + 60), Spawn) == []
    assert sv.any_ready()  # the slot worker is fine


# ---- cancellation, overload, pinned calls ---------------------------------------------------------


def test_a_call_cancelled_while_queued_is_forgotten() -> None:
    sv = make(workers=1, max_calls=1, max_queue=1)
    boot(sv)
    w = slot_worker(sv, 0)
    arrive(sv, 1, 0.0)
    arrive(sv, 2, 0.0, timeout=5.0)
    with pytest.raises(Overloaded, match="--max-queue=1"):
        arrive(sv, 3, 0.1)
    assert 3 not in sv.calls and len(sv.queue) == 1  # refused: nothing kept
    assert sv.call_cancelled(2, 1.0) == []  # no answer for a cancelled call, nothing sent
    assert len(sv.queue) == 0 and sv.next_deadline(2) is None
    assert sv.deadline_passed(2, 5.0) == []
    arrive(sv, 4, 1.5)  # its place in the queue is free again
    [dispatch] = of(sv.result(w.id, ok(1), 2.0), Dispatch)
    assert dispatch.call == 4


def test_a_call_cancelled_while_running_is_cancelled_in_the_worker_and_its_answer_dropped() -> None:
    sv = make(workers=1, max_calls=1)
    boot(sv)
    w = slot_worker(sv, 0)
    arrive(sv, 1, 0.0)
    arrive(sv, 2, 0.0)
    out = sv.call_cancelled(1, 1.0)
    assert of(out, Send) == [Send(w.id, p.Cancel(id=1))]
    assert [(d.call, d.worker) for d in of(out, Dispatch)] == [(2, w.id)]  # its room goes to the next
    assert of(out, Answer) == []
    late = sv.result(w.id, p.Result(id=1, text="cancelled", outcome="cancelled", is_error=True), 1.1)
    assert late == []


def test_a_call_pinned_to_a_worker_runs_past_its_cap_and_fails_fast_when_the_worker_is_gone() -> None:
    sv = make(workers=1, max_calls=1)
    boot(sv)
    w = slot_worker(sv, 0)
    arrive(sv, 1, 0.0)
    _, out = arrive(sv, 2, 0.0, on=w)
    assert [(d.call, d.worker) for d in of(out, Dispatch)] == [(2, w.id)] and of(out, Observe) == []
    lost = sv.exited(w.id, -9, 1.0)
    assert sorted(a.call for a in of(lost, Answer)) == [1, 2]
    _, late = arrive(sv, 3, 2.0, on=w)
    [answer] = of(late, Answer)
    assert answer.result.outcome == "worker_lost" and "worker 0 is gone" in answer.result.text


# ---- drain and close ----------------------------------------------------------------------------


def test_drain_answers_queued_calls_tells_workers_to_stop_and_respawns_nothing() -> None:
    sv = make(workers=2, spares=1, max_calls=1)
    boot(sv)
    w0, w1 = slot_worker(sv, 0), slot_worker(sv, 1)
    arrive(sv, 1, 0.0)
    arrive(sv, 2, 0.0)
    arrive(sv, 3, 0.0)
    out = sv.drain(1.0)
    [answer] = of(out, Answer)
    assert answer.call == 3 and "shutting down" in answer.result.text
    assert {s.worker for s in of(out, Send)} == {w0.id, w1.id, sv.spares[0].id}
    assert all(isinstance(s.msg, p.Shutdown) for s in of(out, Send))
    assert w0.state is WorkerState.DRAINING and sv.slot_state(sv.slots[0]) is SlotState.DRAINING
    assert of(out, SetReady) == [SetReady(False)]
    assert [a.call for a in of(sv.result(w0.id, ok(1), 1.5), Answer)] == [1]  # running calls still finish
    _, refused = arrive(sv, 4, 1.6)
    assert "shutting down" in of(refused, Answer)[0].result.text
    gone = sv.exited(w0.id, 0, 2.0)
    assert of(gone, Spawn) == [] and of(gone, Count) == []
    assert sv.tick(100.0) == [] and sv.next_wakeup() is None
    left = {w1.id, sv.spares[0].id}
    assert set(sv.workers) == left
    closed = sv.close(3.0)
    assert {k.worker for k in of(closed, Kill)} == left
    assert [(a.call, a.result.outcome) for a in of(closed, Answer)] == [(2, "worker_lost")]
    assert of(closed, Spawn) == [] and sv.workers == {}


# ---- states -------------------------------------------------------------------------------------


def test_worker_states_change_only_along_the_table_and_each_change_is_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    w = Worker(7, 0, 0.0)
    with caplog.at_level(logging.DEBUG, logger="gateway.supervisor"):
        w.state = WorkerState.READY
    assert "worker 0 #7 (pid None): starting -> ready" in caplog.text
    w.state = WorkerState.DEAD
    with pytest.raises(InvalidTransition, match="dead -> ready"):
        w.state = WorkerState.READY


def test_metric_labels_come_from_the_state_enums_and_keep_the_values_dashboards_use() -> None:
    assert WORKER_STATES == tuple(SlotState)
    assert set(WORKER_STATES) >= {"starting", "ready", "busy", "draining", "dead", "failed", "spare"}
    assert {s.value for s in WorkerState} <= set(WORKER_STATES)
    assert RESTART_REASONS == ("deadline", "heartbeat", "exited", "boot_failure")
    assert MCP_SERVER_STATES == tuple(ServerState)
    assert set(MCP_SERVER_STATES) == {"starting", "running", "unhealthy", "restarting", "failed", "stopped"}


# ---- every call is answered exactly once ----------------------------------------------------------

_EVENTS = st.lists(st.tuples(st.sampled_from(["call", "result", "cancel", "deadline", "exit", "tick", "hello",
                                              "heartbeat_loss"]),
                             st.integers(0, 50), st.floats(0.0, 3.0)), max_size=60)


@settings(max_examples=300, deadline=None)
@given(events=_EVENTS)
def test_every_call_is_answered_exactly_once_unless_cancelled(events: list[tuple[str, int, float]]) -> None:
    sv = make(workers=2, spares=1, max_calls=2, max_queue=3, boot_failure_limit=3)
    now = 0.0
    actions = boot(sv, now)
    answered: dict[int, int] = {}
    arrived: set[int] = set()
    cancelled: set[int] = set()
    next_id = iter(range(1, 10_000))

    def take(out: list[Action]) -> None:
        for a in out:
            if isinstance(a, Answer):
                assert a.call in arrived and a.call not in cancelled
                answered[a.call] = answered.get(a.call, 0) + 1
            if isinstance(a, Spawn):  # every worker boots at once in this model
                take(sv.hello(a.worker, 1, False, now))
            if isinstance(a, Dispatch):
                t = sv.calls[a.call]
                assert t.worker is not None and t.worker.id == a.worker and a.timeout > 0

    take(actions)
    for kind, n, dt in events:
        now += dt
        live = [w for w in sv.workers.values() if w.slot != SPARE]
        running = [t for t in sv.calls.values() if t.worker is not None]
        if kind == "call":
            call_id = next(next_id)
            try:
                out = sv.call_arrived(Ticket(call_id, now, 1.0 + n % 5), now)
            except Overloaded:
                continue
            arrived.add(call_id)
            take(out)
        elif kind == "result" and running:
            t = running[n % len(running)]
            assert t.worker is not None
            take(sv.result(t.worker.id, ok(t.id), now))
        elif kind == "cancel" and sv.calls:
            call_id = sorted(sv.calls)[n % len(sv.calls)]
            cancelled.add(call_id)
            take(sv.call_cancelled(call_id, now))
        elif kind == "deadline" and sv.calls:
            call_id = sorted(sv.calls)[n % len(sv.calls)]
            due = sv.next_deadline(call_id)
            assert due is not None
            now = max(now, due)
            take(sv.deadline_passed(call_id, now))
        elif kind == "exit" and live:
            take(sv.exited(live[n % len(live)].id, -9 if n % 3 else p.BOOT_ERROR, now))
        elif kind == "tick":
            take(sv.tick(now))
        elif kind == "heartbeat_loss" and live:
            now += 10.5
            for w in sv.workers.values():
                if w is not live[n % len(live)]:
                    sv.heard(w.id, now)
            take(sv.tick(now))
        for t in sv.calls.values():  # the core's books agree with themselves
            assert (t.worker is None) == (t in sv.queue)
            assert t.worker is None or t.worker.calls.get(t.id) is t
        assert all(len(w.calls) <= 2 for w in sv.workers.values())
        # a slot is either filled, waiting for its respawn, or given up
        assert all(s.worker is not None or s.failed or s.respawn_at is not None for s in sv.slots)
    take(sv.drain(now))
    take(sv.close(now + 5))
    assert all(count == 1 for count in answered.values())
    assert set(answered) == arrived - cancelled
    assert sv.calls == {} and not sv.queue
