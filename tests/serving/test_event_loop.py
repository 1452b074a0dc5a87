"""The server's event loop sleeps while worker threads send: it must not spin on a socket a worker is writing to
(it did, taking the GIL from the workers it waited for: a hundred keep-alive clients cut throughput tenfold)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from bench.flows import concurrent_flows
from mocknexus.serving import MXChannel
from tests.serving.image_server import ImageServer

pytestmark = [pytest.mark.live, pytest.mark.xdist_group("serving")]


def _channel(pending: int, running: bool) -> MXChannel:
    """An MXChannel's state without a socket: `pending` bytes queued, a task running or not."""
    channel = MXChannel.__new__(MXChannel)
    channel.will_close = channel.close_when_flushed = False
    channel.total_outbufs_len = pending
    channel.requests = [object()] if running else []
    channel.outbuf_lock = threading.Condition()
    return channel


def _held_elsewhere(lock: threading.Condition, then) -> object:
    taken, done = threading.Event(), threading.Event()

    def worker() -> None:
        with lock:
            taken.set()
            done.wait(5)

    thread = threading.Thread(target=worker)
    thread.start()
    taken.wait(5)
    try:
        return then()
    finally:
        done.set()
        thread.join(5)


def test_a_socket_a_worker_is_writing_to_is_not_writable_for_the_loop():
    channel = _channel(pending=512, running=True)
    assert channel.writable()
    assert _held_elsewhere(channel.outbuf_lock, channel.writable) is False
    assert channel.writable()  # the worker let go: the loop flushes what it left


def test_the_loop_still_flushes_and_closes_when_it_must():
    idle = _channel(pending=512, running=False)  # no task: nobody else will send it
    assert _held_elsewhere(idle.outbuf_lock, idle.writable)
    closing = _channel(pending=512, running=True)
    closing.will_close = True
    assert _held_elsewhere(closing.outbuf_lock, closing.writable)
    assert not _channel(pending=0, running=True).writable()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the server's CPU time from /proc")
def test_a_hundred_concurrent_flows_cost_the_server_what_their_requests_cost():
    """The server as the image runs it, 100 clients each running the verification flow on a keep-alive
    connection at once: its CPU time per flow stays near what the flow's 14 requests cost (a few
    milliseconds), where the spinning loop spent about 90 ms a flow. CPU time, not wall time: it hardly
    moves when other work shares the machine."""
    with ImageServer(MOCKNEXUS_JOB_TIME_SCALE="0") as server:
        before = _cpu_seconds(server.proc.pid)
        result = concurrent_flows(server.url, concurrency=100, runs=1)
        per_flow_ms = (_cpu_seconds(server.proc.pid) - before) / result["flows"] * 1000
    assert result["failed"] == 0, result["failures"]
    assert per_flow_ms < 30, f"{per_flow_ms:.1f} ms of server CPU per flow"
