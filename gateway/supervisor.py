"""The worker pool's decisions, apart from its I/O: the supervisor core.

``Supervisor`` is fed events, each with the time it happened, and answers each with the list
of actions that follow from it.  The asyncio driver (``gateway.pool``) turns processes,
sockets and timers into events and carries the actions out.  This module reads no clock,
never sleeps, and touches no process, socket, task or metric, so every decision can be
tested directly (``tests/test_supervisor.py``), the way websockets tests its protocol
without a connection.

Events (methods): ``start``; ``spawned`` / ``spawn_failed``; from a worker: ``heard`` (any
bytes), ``hello``, ``heartbeat``, ``result``; ``exited`` (its process ended) and ``broken``
(its socket closed or carried garbage); ``tick`` (periodic: boots and heartbeats overdue,
respawns due); ``call_arrived``, ``call_cancelled``, ``deadline_passed``; ``drain`` and
``close``.

Actions: ``Dispatch`` (send a call to a worker), ``Answer`` (a call's one answer), ``Send``
(a message to a worker), ``Kill`` (a worker's whole process tree, nothing else), ``Spawn``
(a worker for a slot, or a spare), ``WorkerReady`` / ``WorkerLost`` (tell the pool's owner),
``SetReady`` (readiness changed), ``Count`` / ``Observe`` (metrics).

Promises:

- Every call that arrives is answered exactly once unless its caller cancels it: by its
  worker's result; else at its deadline if it is still queued; else at deadline +
  ``deadline_grace`` with its worker killed; else ``worker_lost`` as soon as its worker is
  lost; at once when every slot has given up (or the pool drains) with it queued.
- A call's deadline is fixed when it arrives (``Ticket.deadline``): the worker is sent what
  remains of it.
- Killing only kills.  Losing a worker answers its calls, emits ``Kill`` and updates counts;
  a reconcile pass after every event that can change the pool restores the target: an
  empty slot takes a booted spare, else is respawned after a backoff (none, then 0.2 s
  doubling to 10 s, plus up to 50 ms of jitter) until it has failed to boot
  ``boot_failure_limit`` times in a row, when it is given up with an ERROR line; spares are
  topped up to their target the same way.  Nothing is spawned once the pool drains.
- A worker's state changes only through ``Worker.state``'s setter, which allows the
  transitions in ``WORKER_TRANSITIONS`` and nothing else, and logs each.
"""

from __future__ import annotations

import collections
import itertools
import logging
import random
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import msgspec

from gateway.errors import Overloaded
from shared import protocol as p
from shared.states import check_transition
from shared.tools import BashResult

__all__ = [
    "BOOT_TIMEOUT",
    "MIN_WORKER_TIMEOUT",
    "SPARE",
    "WORKER_TRANSITIONS",
    "Action",
    "Answer",
    "Count",
    "Dispatch",
    "Kill",
    "Metric",
    "Observe",
    "RestartReason",
    "Send",
    "SetReady",
    "Slot",
    "SlotState",
    "Spawn",
    "Supervisor",
    "Ticket",
    "Worker",
    "WorkerLost",
    "WorkerReady",
    "WorkerState",
    "backoff",
]

logger = logging.getLogger(__name__)

SPARE = -1  # the slot of a worker that waits, booted, to take the place of a lost one
BOOT_TIMEOUT = 15.0  # seconds from a worker's process start to its Hello
# The least time a worker is given for a call that reaches it at (or past) its deadline: it then
# answers "timed out" itself, killing nothing it started late.
MIN_WORKER_TIMEOUT = 0.001
BACKOFF_FIRST = 0.2
BACKOFF_MAX = 10.0
JITTER = 0.05


def backoff(failures: int) -> float:
    """Seconds to wait before the next boot after ``failures`` failed boots in a row (no jitter)."""
    return 0.0 if failures <= 0 else min(BACKOFF_FIRST * 2 ** (failures - 1), BACKOFF_MAX)


# ---- states ---------------------------------------------------------------------------------


class WorkerState(StrEnum):
    """The life of one worker process."""

    STARTING = "starting"  # spawned; no Hello yet
    READY = "ready"  # said Hello; takes calls (a spare only once it is in a slot)
    DRAINING = "draining"  # told to stop (the pool drains): takes no calls, finishes what it runs
    DEAD = "dead"  # exited, or killed; its calls are answered


WORKER_TRANSITIONS: dict[WorkerState, frozenset[WorkerState]] = {
    WorkerState.STARTING: frozenset({WorkerState.READY, WorkerState.DRAINING, WorkerState.DEAD}),
    WorkerState.READY: frozenset({WorkerState.DRAINING, WorkerState.DEAD}),
    WorkerState.DRAINING: frozenset({WorkerState.DEAD}),
    WorkerState.DEAD: frozenset(),
}


class SlotState(StrEnum):
    """What ``/status`` says of a slot, and the ``state`` label of ``sandbox_workers``.

    The worker states, plus ``busy`` (ready, at --max-calls-per-worker), ``failed`` (given up
    after --boot-failure-limit boots in a row) and ``spare`` (booted spares, counted apart)."""

    STARTING = WorkerState.STARTING.value
    READY = WorkerState.READY.value
    BUSY = "busy"
    DRAINING = WorkerState.DRAINING.value
    DEAD = WorkerState.DEAD.value  # no live worker in the slot: a respawn is due
    FAILED = "failed"
    SPARE = "spare"


class RestartReason(StrEnum):
    """Why a worker was replaced: the ``reason`` label of ``sandbox_worker_restarts_total``."""

    DEADLINE = "deadline"  # a call overran its deadline + grace
    HEARTBEAT = "heartbeat"  # no heartbeat for --heartbeat-timeout
    EXITED = "exited"  # died on its own, or its socket broke
    BOOT_FAILURE = "boot_failure"  # never said Hello (could not start, exited, or timed out)


class Metric(StrEnum):
    """The metrics the core counts (the driver maps them to ``gateway.metrics.Metrics``)."""

    WORKER_RESTARTS = "worker_restarts"  # labelled with a RestartReason
    DEADLINE_KILLS = "deadline_kills"
    ZYGOTE_RESTARTS = "zygote_restarts"
    QUEUE_WAIT = "queue_wait"  # observed: seconds a call waited for a worker


# ---- records --------------------------------------------------------------------------------


class Worker:
    """One worker process as the supervisor sees it.

    ``state`` changes only through its setter (``WORKER_TRANSITIONS``, logged).  ``calls`` are
    the calls sent to it and not answered yet.  ``host_pid`` is the worker's own pid as the
    gateway sees it, known from its first message (None before)."""

    __slots__ = ("_state", "calls", "exit_code", "forking", "host_pid", "id", "last_seen", "slot", "spawned_at",
                 "zygote_restarts")

    def __init__(self, worker_id: int, slot: int, now: float) -> None:
        self.id = worker_id
        self.slot = slot
        self._state = WorkerState.STARTING
        self.calls: dict[int, Ticket] = {}
        self.host_pid: int | None = None
        self.spawned_at = now
        self.last_seen = now
        self.forking = False  # call shells forked from a zygote, as the worker last said
        self.zygote_restarts = 0
        self.exit_code: int | None = None

    @property
    def state(self) -> WorkerState:
        return self._state

    @state.setter
    def state(self, new: WorkerState) -> None:
        check_transition(WORKER_TRANSITIONS, self._state, new, self.name, logger)
        self._state = new

    @property
    def name(self) -> str:
        where = "spare worker" if self.slot == SPARE else f"worker {self.slot}"
        return f"{where} #{self.id} (pid {self.host_pid})"

    def __repr__(self) -> str:
        return f"<Worker {self.name} {self._state}>"


def _structured_for(t: Ticket, **fields: Any) -> dict[str, Any] | None:
    """The structuredContent of an answer the supervisor gives itself (timeout, lost worker): bash's
    shape for a bash call; none for any other tool, whose outputSchema that shape does not fit (an
    error may omit it)."""
    return msgspec.to_builtins(BashResult(**fields)) if t.tool == "bash" else None


class Ticket:
    """One call as the supervisor sees it: its times and where it runs.

    ``deadline`` is ``arrived + timeout``, fixed here; ``queued`` is the time it waited for a
    worker (set when it is dispatched)."""

    __slots__ = ("arrived", "deadline", "id", "pinned", "queued", "timeout", "tool", "worker")

    def __init__(self, call_id: int, arrived: float, timeout: float, tool: str = "bash") -> None:
        self.id = call_id
        self.tool = tool
        self.arrived = arrived
        self.timeout = timeout
        self.deadline = arrived + timeout
        self.queued = 0.0
        self.worker: Worker | None = None
        self.pinned = False  # sent to one given worker (a job's), past its cap


class Slot:
    """A place for one worker in the pool; it keeps its counts across the workers that fill it."""

    __slots__ = ("boot_failures", "failed", "index", "last_exit", "respawn_at", "restarts", "worker")

    def __init__(self, index: int) -> None:
        self.index = index
        self.worker: Worker | None = None
        self.restarts = 0
        self.boot_failures = 0  # in a row; a worker that says Hello resets it
        self.failed = False  # given up after boot_failure_limit boot failures in a row
        self.respawn_at: float | None = None  # when the next worker is to be spawned for it
        self.last_exit: int | None = None


# ---- actions --------------------------------------------------------------------------------


class Dispatch(msgspec.Struct, frozen=True):
    """Send call ``call`` to worker ``worker``, giving it ``timeout`` seconds (what remains of its
    time); it waited ``queued`` seconds for a worker."""

    call: int
    worker: int
    timeout: float
    queued: float


class Answer(msgspec.Struct, frozen=True):
    """Call ``call``'s one answer; ``worker``: the worker that sent it, if it came from one."""

    call: int
    result: p.Result
    worker: int | None = None


class Send(msgspec.Struct, frozen=True):
    """Send ``msg`` to worker ``worker`` (if it can still be reached)."""

    worker: int
    msg: Any  # p.ToWorker


class Kill(msgspec.Struct, frozen=True):
    """Kill worker ``worker``'s whole process tree and drop its socket.  Nothing else."""

    worker: int


class Spawn(msgspec.Struct, frozen=True):
    """Start the process of worker ``worker`` (already ``starting``), for slot ``slot`` or ``SPARE``;
    report back ``spawned`` or ``spawn_failed``."""

    worker: int
    slot: int


class WorkerReady(msgspec.Struct, frozen=True):
    """Worker ``worker`` now serves slot ``slot`` (booted in it, or a spare that took it)."""

    worker: int
    slot: int


class WorkerLost(msgspec.Struct, frozen=True):
    """Worker ``worker`` of slot ``slot`` is gone, with everything it ran (jobs included)."""

    worker: int
    slot: int


class SetReady(msgspec.Struct, frozen=True):
    """Readiness changed: some slot has a ready worker (``ready``), or none has."""

    ready: bool


class Count(msgspec.Struct, frozen=True):
    """Add ``amount`` to counter ``metric`` (with label ``label``, if it has one)."""

    metric: Metric
    label: str = ""
    amount: float = 1.0


class Observe(msgspec.Struct, frozen=True):
    """Observe ``value`` in histogram ``metric``."""

    metric: Metric
    value: float


Action = Dispatch | Answer | Send | Kill | Spawn | WorkerReady | WorkerLost | SetReady | Count | Observe


# ---- the core -------------------------------------------------------------------------------


class Supervisor:
    """The pool's state and decisions: slots, spares, workers, the queue and every unanswered call.

    ``workers`` slots of one worker each, ``spares`` spare workers booted ahead, at most
    ``max_calls`` calls per worker (calls pinned to a worker excepted), at most ``max_queue``
    calls waiting.  ``role`` names what the workers are (``tools`` or ``mcp-host``) in answers,
    and only ``tools`` workers count restarts.  ``jitter`` returns the random part of a
    respawn's delay (tests pass ``lambda: 0.0``)."""

    def __init__(self, *, workers: int, spares: int, max_calls: int, max_queue: int, deadline_grace: float,
                 heartbeat_timeout: float, boot_failure_limit: int, boot_timeout: float = BOOT_TIMEOUT,
                 role: str = "tools", jitter: Callable[[], float] | None = None) -> None:
        self.slots = [Slot(i) for i in range(workers)]
        self.spare_target = spares
        self.max_calls = max_calls
        self.max_queue = max_queue
        self.deadline_grace = deadline_grace
        self.heartbeat_timeout = heartbeat_timeout
        self.boot_failure_limit = boot_failure_limit
        self.boot_timeout = boot_timeout
        self.role = role
        self._jitter = jitter if jitter is not None else (lambda: random.uniform(0.0, JITTER))
        self.workers: dict[int, Worker] = {}  # every worker not dead yet, in a slot or spare
        self.spares: list[Worker] = []  # starting or ready, not in a slot yet
        self.queue: collections.deque[Ticket] = collections.deque()
        self.calls: dict[int, Ticket] = {}  # every call not answered yet, queued or running
        self.draining = False
        self.ready = False  # as last told with SetReady
        self.spare_failures = 0  # spares in a row that died before they were ready
        self.spare_respawn_at: float | None = None
        self.spares_given_up = False
        self._given_up = 0  # slots given up
        self._ids = itertools.count(1)

    # ---- queries ----------------------------------------------------------------------------

    def any_ready(self) -> bool:
        """Whether some slot has a ready worker (readiness)."""
        return any(s.worker is not None and s.worker.state is WorkerState.READY for s in self.slots)

    def all_failed(self) -> bool:
        """Whether every slot has been given up: no worker will ever take a call."""
        return self._given_up == len(self.slots)

    def slot_state(self, slot: Slot) -> SlotState:
        """What ``/status`` and ``sandbox_workers`` say of ``slot``."""
        if slot.failed:
            return SlotState.FAILED
        w = slot.worker
        if w is None:
            return SlotState.DEAD
        if w.state is WorkerState.READY and len(w.calls) >= self.max_calls:
            return SlotState.BUSY
        return SlotState(w.state.value)

    def state_counts(self) -> dict[SlotState, int]:
        """Slots by state, and booted spares under ``spare``: every label, 0 included."""
        counts = dict.fromkeys(SlotState, 0)
        for slot in self.slots:
            counts[self.slot_state(slot)] += 1
        counts[SlotState.SPARE] = sum(w.state is WorkerState.READY for w in self.spares)
        return counts

    def next_deadline(self, call_id: int) -> float | None:
        """When ``deadline_passed`` is next due for call ``call_id`` (None: it is answered): its
        deadline while queued, its deadline + grace once a worker has it."""
        t = self.calls.get(call_id)
        if t is None:
            return None
        return t.deadline if t.worker is None else t.deadline + self.deadline_grace

    def next_wakeup(self) -> float | None:
        """The earliest time a ``tick`` has a respawn to make (None: none is scheduled).  Boot and
        heartbeat checks need ticks besides, at the driver's interval."""
        times = [s.respawn_at for s in self.slots if s.respawn_at is not None]
        if self.spare_respawn_at is not None:
            times.append(self.spare_respawn_at)
        return min(times) if times else None

    def unavailable(self, call_id: int) -> p.Result:
        """The answer when no worker of this pool will ever come up."""
        what = "the MCP host process" if self.role == "mcp-host" else "every worker"
        return p.Result(id=call_id, outcome="error", is_error=True,
                        text=f"{what} failed to start {self.boot_failure_limit} times in a row "
                             "(--boot-failure-limit) and is not respawned; the gateway's log has the errors")

    # ---- events: the pool -------------------------------------------------------------------

    def start(self, now: float) -> list[Action]:
        """Fill every slot and the spares."""
        out: list[Action] = []
        for slot in self.slots:
            self._spawn(slot.index, now, out)
        self._reconcile(now, out)
        return out

    def tick(self, now: float) -> list[Action]:
        """Periodic: lose workers whose boot or heartbeat is overdue; make the respawns that are due."""
        out: list[Action] = []
        for w in list(self.workers.values()):
            if w.state is WorkerState.STARTING and now - w.spawned_at > self.boot_timeout:
                self._lose(w, RestartReason.BOOT_FAILURE, f"no hello within {self.boot_timeout:g} s", out)
            elif w.state is WorkerState.READY and now - w.last_seen > self.heartbeat_timeout:
                silent = f"no heartbeat for {now - w.last_seen:.1f} s"
                limit = f"--heartbeat-timeout={self.heartbeat_timeout:g}"
                self._lose(w, RestartReason.HEARTBEAT, f"{silent} ({limit})", out)
        self._reconcile(now, out)
        return out

    def drain(self, now: float) -> list[Action]:
        """Stop: no more calls or respawns; every worker is told to finish and exit; queued calls are
        answered now."""
        out: list[Action] = []
        self.draining = True
        while self.queue:
            t = self.queue.popleft()
            del self.calls[t.id]
            out.append(Answer(t.id, p.Result(id=t.id, outcome="error", is_error=True,
                                              text="the gateway is shutting down; the call was not started")))
        for slot in self.slots:
            slot.respawn_at = None
        self.spare_respawn_at = None
        for w in list(self.workers.values()):
            if w.state in (WorkerState.STARTING, WorkerState.READY):
                w.state = WorkerState.DRAINING
                out.append(Send(w.id, p.Shutdown()))
        self._reconcile(now, out)
        return out

    def close(self, now: float) -> list[Action]:
        """Kill every worker still there (after ``drain``'s wait); their calls are answered ``worker_lost``."""
        out: list[Action] = []
        self.draining = True
        for w in list(self.workers.values()):
            self._lose(w, None, "the gateway is shutting down", out)
        self._reconcile(now, out)
        return out

    # ---- events: a worker -------------------------------------------------------------------

    def spawned(self, worker_id: int, now: float) -> list[Action]:
        """Worker ``worker_id``'s process started: its boot time counts from now."""
        w = self.workers.get(worker_id)
        if w is not None and w.state is WorkerState.STARTING:
            w.spawned_at = w.last_seen = now
        return []

    def spawn_failed(self, worker_id: int, error: str, now: float) -> list[Action]:
        """Worker ``worker_id``'s process could not be started (``error`` says why)."""
        out: list[Action] = []
        w = self.workers.get(worker_id)
        if w is not None:
            where = "a spare worker" if w.slot == SPARE else f"worker {w.slot}"
            logger.error("cannot start %s: %s", where, error)
            self._lose(w, RestartReason.BOOT_FAILURE, f"cannot start: {error}", out, quiet=True)
            self._reconcile(now, out)
        return out

    def heard(self, worker_id: int, now: float) -> None:
        """Bytes came from worker ``worker_id``: it is alive (any message counts as a heartbeat)."""
        w = self.workers.get(worker_id)
        if w is not None:
            w.last_seen = now

    def hello(self, worker_id: int, host_pid: int | None, forking: bool, now: float) -> list[Action]:
        """Worker ``worker_id`` booted; ``host_pid`` is its pid in the gateway's pid namespace."""
        out: list[Action] = []
        w = self.workers.get(worker_id)
        if w is None:
            return out
        w.forking = forking
        w.last_seen = now
        w.host_pid = host_pid
        if w.state is not WorkerState.STARTING:
            return out  # draining already: it gets no calls
        w.state = WorkerState.READY
        if w.slot == SPARE:
            self.spare_failures = 0
            logger.debug("spare %s worker ready (pid %s)", self.role, host_pid)
        else:
            slot = self.slots[w.slot]
            slot.boot_failures = 0
            logger.debug("%s worker %d ready (pid %s)", self.role, w.slot, host_pid)
            out.append(WorkerReady(w.id, w.slot))
            self._pump(now, out)
        self._reconcile(now, out)
        return out

    def heartbeat(self, worker_id: int, forking: bool, zygote_restarts: int, now: float) -> list[Action]:
        """Worker ``worker_id``'s periodic message (``zygote_restarts``: cumulative)."""
        w = self.workers.get(worker_id)
        if w is None:
            return []
        w.last_seen = now
        w.forking = forking
        more = zygote_restarts - w.zygote_restarts
        w.zygote_restarts = zygote_restarts
        if more > 0 and self.role == "tools":
            return [Count(Metric.ZYGOTE_RESTARTS, amount=more)]
        return []

    def result(self, worker_id: int, msg: p.Result, now: float) -> list[Action]:
        """Worker ``worker_id`` answered call ``msg.id``.  An answer nobody waits for any more
        (cancelled, timed out, or from a worker already lost) is dropped."""
        w = self.workers.get(worker_id)
        t = w.calls.pop(msg.id, None) if w is not None else None
        if t is None:
            return []
        del self.calls[t.id]
        structured = msg.structured
        if structured is not None and "duration_ms" in structured:
            # a bash call's duration_ms is its run in the worker; say how long it queued before
            msg = msgspec.structs.replace(msg, structured={**structured, "queued_ms": round(t.queued * 1000, 3)})
        out: list[Action] = [Answer(t.id, msg, worker_id)]
        if self.queue:
            self._pump(now, out)
        return out

    def exited(self, worker_id: int, code: int, now: float) -> list[Action]:
        """Worker ``worker_id``'s process ended with ``code`` (negative: the signal that killed it)."""
        out: list[Action] = []
        w = self.workers.get(worker_id)
        if w is None:
            return out
        w.exit_code = code
        booting = w.state is WorkerState.STARTING or code == p.BOOT_ERROR
        self._lose(w, RestartReason.BOOT_FAILURE if booting else RestartReason.EXITED,
                   f"the worker process exited with code {code}", out)
        self._reconcile(now, out)
        return out

    def broken(self, worker_id: int, detail: str, now: float) -> list[Action]:
        """Worker ``worker_id`` cannot be talked to any more: its socket closed, or it broke the protocol."""
        out: list[Action] = []
        w = self.workers.get(worker_id)
        if w is None:
            return out
        booting = w.state is WorkerState.STARTING
        self._lose(w, RestartReason.BOOT_FAILURE if booting else RestartReason.EXITED, detail, out)
        self._reconcile(now, out)
        return out

    # ---- events: calls ----------------------------------------------------------------------

    def call_arrived(self, ticket: Ticket, now: float, on: Worker | None = None) -> list[Action]:
        """Call ``ticket`` arrived: dispatch it to the least-loaded ready worker below its cap, or queue it.

        ``on``: run it on that very worker, past its cap (a job's calls), or answer at once that the
        worker is gone.  Raises ``Overloaded`` (and keeps nothing) when ``max_queue`` calls wait already."""
        if on is not None:
            if on._state is not WorkerState.READY:
                return [Answer(ticket.id, p.Result(id=ticket.id, outcome="worker_lost", is_error=True,
                                                   text=f"worker {on.slot} is gone, and with it everything it ran"))]
            ticket.pinned = True
            self.calls[ticket.id] = ticket
            return [self._dispatch(ticket, on, now)]
        if self.all_failed():
            return [Answer(ticket.id, self.unavailable(ticket.id))]
        if self.draining:
            return [Answer(ticket.id, p.Result(id=ticket.id, outcome="error", is_error=True,
                                               text="the gateway is shutting down; the call was not started"))]
        if not self.queue:
            w = self._pick()
            if w is not None:
                self.calls[ticket.id] = ticket
                return [self._dispatch(ticket, w, now), Observe(Metric.QUEUE_WAIT, ticket.queued)]
        if len(self.queue) >= self.max_queue:
            raise Overloaded(
                f"server overloaded: {len(self.queue)} calls are already waiting for a worker "
                f"(--max-queue={self.max_queue}); retry later",
                {"limit": "max_queue", "value": self.max_queue},
            )
        self.calls[ticket.id] = ticket
        self.queue.append(ticket)
        return []

    def call_cancelled(self, call_id: int, now: float) -> list[Action]:
        """The caller of ``call_id`` went away: it gets no answer; a worker running it is told to
        kill its tree (and its late answer is dropped)."""
        t = self.calls.pop(call_id, None)
        if t is None:
            return []
        w = t.worker
        if w is None:
            self.queue.remove(t)
            return []
        del w.calls[call_id]
        out: list[Action] = [Send(w.id, p.Cancel(id=call_id))]
        self._pump(now, out)
        return out

    def deadline_passed(self, call_id: int, now: float) -> list[Action]:
        """``next_deadline(call_id)`` has come (a driver's timer may be early: then nothing happens).

        Queued at its deadline: answered ``timeout``.  Running at deadline + grace: answered
        ``timeout``, its worker killed (its other calls answered ``worker_lost``, the slot refilled)."""
        out: list[Action] = []
        t = self.calls.get(call_id)
        if t is None:
            return out
        w = t.worker
        if w is None:
            if now < t.deadline:
                return out
            self.queue.remove(t)
            del self.calls[call_id]
            waited = now - t.arrived
            out.append(Answer(call_id, p.Result(
                id=call_id, outcome="timeout", is_error=True,
                text=f"no worker became free within the call's timeout of {t.timeout:g} s",
                structured=_structured_for(t, exit_code=None, timed_out=True, truncated=False,
                                           duration_ms=round(waited * 1000, 3), queued_ms=round(waited * 1000, 3)))))
            out.append(Observe(Metric.QUEUE_WAIT, waited))
            return out
        grace = self.deadline_grace
        if now < t.deadline + grace:
            return out
        del w.calls[call_id]
        del self.calls[call_id]
        waited = now - t.arrived
        out.append(Answer(call_id, p.Result(
            id=call_id, outcome="timeout", is_error=True,
            text=f"timed out: the worker did not answer within {t.timeout:g} s + {grace:g} s grace, "
                 "so it was killed with every process it ran",
            structured=_structured_for(t, exit_code=None, timed_out=True, truncated=False,
                                       duration_ms=round(waited * 1000, 3), queued_ms=round(t.queued * 1000, 3)))))
        self._lose(w, RestartReason.DEADLINE,
                   f"call {call_id} missed its deadline (timeout {t.timeout:g} s + --deadline-grace {grace:g} s)", out)
        self._reconcile(now, out)
        return out

    # ---- decisions --------------------------------------------------------------------------

    def _pick(self) -> Worker | None:
        """The ready slot worker with the fewest calls, below ``max_calls`` (the first slot on a tie)."""
        best: Worker | None = None
        fewest = self.max_calls
        for slot in self.slots:
            w = slot.worker
            # _state, not the property: this runs for every call, and only the setter writes it
            if w is not None and w._state is WorkerState.READY and len(w.calls) < fewest:
                best, fewest = w, len(w.calls)
        return best

    def _dispatch(self, t: Ticket, w: Worker, now: float) -> Dispatch:
        t.worker = w
        w.calls[t.id] = t
        t.queued = now - t.arrived
        # What remains of the call's time, not its whole timeout again: queueing was part of it.
        return Dispatch(t.id, w.id, max(t.deadline - now, MIN_WORKER_TIMEOUT), t.queued)

    def _pump(self, now: float, out: list[Action]) -> None:
        """Dispatch queued calls, oldest first, while a worker has room."""
        while self.queue:
            w = self._pick()
            if w is None:
                return
            t = self.queue.popleft()
            out.append(self._dispatch(t, w, now))
            out.append(Observe(Metric.QUEUE_WAIT, t.queued))

    def _spawn(self, slot: int, now: float, out: list[Action]) -> None:
        w = Worker(next(self._ids), slot, now)
        self.workers[w.id] = w
        if slot == SPARE:
            self.spares.append(w)
        else:
            self.slots[slot].worker = w
        out.append(Spawn(w.id, slot))

    def _lose(self, w: Worker, reason: RestartReason | None, detail: str, out: list[Action], *,
              quiet: bool = False) -> None:
        """``w`` is gone (``reason`` None: the pool stops it): answer its calls, kill its tree, count it.

        Only this; refilling its place is ``_reconcile``'s job."""
        was_starting = w.state is WorkerState.STARTING
        w.state = WorkerState.DEAD
        del self.workers[w.id]
        for t in w.calls.values():
            del self.calls[t.id]
            out.append(Answer(t.id, p.Result(
                id=t.id, outcome="worker_lost", is_error=True,
                text=f"worker {w.slot} (pid {w.host_pid}) was lost: {detail}. "
                     "Every process of this call was killed; the call may be retried.",
                structured=_structured_for(t, exit_code=None, timed_out=False, truncated=False, duration_ms=0,
                                           outcome="worker_lost"))))
        w.calls.clear()
        out.append(Kill(w.id))
        level = logging.INFO if self.draining or reason is None else logging.WARNING
        booting = was_starting or reason is RestartReason.BOOT_FAILURE
        if w.slot == SPARE:
            self.spares.remove(w)
            if reason is not None and not quiet:
                logger.log(level, "spare worker (pid %s) killed: %s", w.host_pid, detail)
            if reason is not None and not self.draining and booting:
                self.spare_failures += 1
            return
        slot = self.slots[w.slot]
        slot.worker = None
        slot.last_exit = w.exit_code
        if not was_starting:  # it was announced with WorkerReady
            out.append(WorkerLost(w.id, w.slot))
        if reason is not None and not quiet:
            logger.log(level, "worker %d (pid %s) killed: %s", w.slot, w.host_pid, detail)
        if self.draining or reason is None:
            return
        if self.role == "tools":
            out.append(Count(Metric.WORKER_RESTARTS, reason))
            if reason is RestartReason.DEADLINE:
                out.append(Count(Metric.DEADLINE_KILLS))
        slot.restarts += 1
        if booting:
            slot.boot_failures += 1

    def _reconcile(self, now: float, out: list[Action]) -> None:
        """Restore the target: empty slots take a ready spare or are respawned when their backoff is
        over (or given up); spares are topped up; readiness follows."""
        if not self.draining:
            for slot in self.slots:
                if slot.worker is None and not slot.failed:
                    self._refill(slot, now, out)
            self._top_up_spares(now, out)
        ready = self.any_ready()
        if ready != self.ready:
            self.ready = ready
            out.append(SetReady(ready))

    def _refill(self, slot: Slot, now: float, out: list[Action]) -> None:
        spare = next((w for w in self.spares if w.state is WorkerState.READY), None)
        if spare is not None:
            self.spares.remove(spare)
            spare.slot = slot.index
            slot.worker = spare
            slot.boot_failures = 0
            slot.respawn_at = None
            logger.info("spare worker (pid %s) took worker slot %d", spare.host_pid, slot.index)
            out.append(WorkerReady(spare.id, slot.index))
            self._pump(now, out)
            return
        if slot.respawn_at is None:
            if slot.boot_failures >= self.boot_failure_limit:
                self._give_up(slot, out)
                return
            slot.respawn_at = now + backoff(slot.boot_failures) + self._jitter()
        if now >= slot.respawn_at:
            slot.respawn_at = None
            self._spawn(slot.index, now, out)

    def _give_up(self, slot: Slot, out: list[Action]) -> None:
        slot.failed = True
        self._given_up += 1
        logger.error(
            "worker slot %d failed to boot %d times in a row; not respawning it (last exit code %s). "
            "Check the worker's stderr above.", slot.index, slot.boot_failures, slot.last_exit)
        if self.all_failed():
            # Queued calls get their answer now instead of at their deadline.
            while self.queue:
                t = self.queue.popleft()
                del self.calls[t.id]
                out.append(Answer(t.id, self.unavailable(t.id)))

    def _top_up_spares(self, now: float, out: list[Action]) -> None:
        missing = self.spare_target - len(self.spares)
        if missing <= 0 or self.spares_given_up:
            self.spare_respawn_at = None
            return
        if self.spare_failures >= self.boot_failure_limit:
            self.spares_given_up = True
            self.spare_respawn_at = None
            logger.error("%d spare workers in a row failed to boot; no more spares", self.spare_failures)
            return
        if self.spare_respawn_at is None:
            if self.spare_failures == 0:
                self.spare_respawn_at = now  # a spare taken or lost healthy is replaced at once
            else:
                self.spare_respawn_at = now + backoff(self.spare_failures) + self._jitter()
        if now >= self.spare_respawn_at:
            self.spare_respawn_at = None
            for _ in range(missing):
                self._spawn(SPARE, now, out)
