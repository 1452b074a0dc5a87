"""Webhook receivers below HTTP for the hostile-delivery tests (and bench/hostile_webhooks.py): one that accepts
and reads a request and never answers, one that trickles its answer a byte at a time for ever. Loopback only.
(A receiver that answers, refuses or holds requests at the HTTP level is mocknexus.webhook_receiver's.)"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def socket_receiver(trickle: bool, every: float = 0.2) -> Iterator[str]:
    """The URL of a receiver that reads each request, then answers nothing (`trickle` False: it hangs) or a
    status line and one more header byte every `every` seconds, for ever (the sender's deadline must end it)."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=512)
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                if trickle:
                    conn.sendall(b"HTTP/1.1 200 OK\r\n")
                while not stop.wait(every):
                    if trickle:
                        conn.sendall(b"X")
            except OSError:
                return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    finally:
        stop.set()
        listener.close()
