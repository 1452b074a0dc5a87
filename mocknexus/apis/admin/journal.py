"""The control plane's request journal: server-wide (every client's entries merged, each naming its client
id) or one client id's, and a server-side wait for requests to arrive."""

from __future__ import annotations

from flask import Response, request

from mocknexus.apis.admin.blueprint import absent, route, scope
from mocknexus.apis.admin.members import wait_timeout
from mocknexus.apis.admin.schemas import admin as s
from mocknexus.apis.admin.schemas import clients as c
from mocknexus.control import server_journal, waits
from mocknexus.control.journal_entry import views
from mocknexus.domain.core.errors import ErrorKind, MXError
from mocknexus.web.errors import error_envelope
from mocknexus.web.http import read_query, render, render_json, worlds
from mocknexus.web.openapi import doc

journal_response = s.JournalResponse()
journal_query = s.JournalQuery()
request_wait_query = c.RequestWaitQuery()
requests_found = c.RequestWaitResponse()
requests_timeout = c.RequestWaitTimeout()


@route("/requests", ["GET"])
@doc("The request journal, newest first", response=journal_response, query=journal_query)
def list_requests(client_id: str | None = None) -> Response:
    query = read_query(journal_query)
    wanted, limit = query.pop("client_id"), query.pop("limit")
    target = scope(client_id)
    if target.client is not None:
        found = target.client.journal.matching(**query) if wanted in (None, client_id) else []
    else:
        found = server_journal.journal_matching(worlds(), wanted, **query, limit=limit)
    return render(journal_response, {"requests": views(found, limit)})


@route("/requests", ["DELETE"])
@doc("Empty the request journal (server-wide: every client's)", response={"type": "object"})
def clear_requests(client_id: str | None = None) -> Response:
    if absent(client_id):
        return render_json({})  # none to remove
    for journal in scope(client_id).journals:
        journal.clear()
    return render_json({})


@route("/requests/wait", ["GET"])
@doc(
    "Wait until the journal holds `count` requests matching a method and path glob",
    response=requests_found,
    query=request_wait_query,
    bodies={408: requests_timeout},
    unchecked={"positive_data_acceptance": "A wait that runs out answers 408 with the state so far: a valid wait."},
)
def wait_for_requests(client_id: str | None = None) -> Response:
    """200 once enough requests match; after `timeout` seconds MX's error shape with status 408 and the ones so
    far. A client id with no world yet may be waited on (its first calls are what the wait is for): the wait
    then watches the shared world, which every world's calls wake."""
    query = read_query(request_wait_query)
    method, path, count, timeout = query["method"], query["path"], query["count"], wait_timeout(query)
    registry = worlds()
    target = registry.existing(client_id) if client_id is not None else None
    if target is not None:
        done, found = waits.wait_for_requests(
            target, lambda: target.journal.matching(method, path), count, timeout, request.environ
        )
    else:
        # Woken by every world's calls: each check looks only at the entries recorded since the last.
        find = server_journal.journal_follower(registry, client_id, method, path)
        done, found = waits.wait_for_requests(registry.shared, find, count, timeout, request.environ)
    if done:
        return render(requests_found, {"requests": views(found)})
    error = MXError(
        ErrorKind.REQUEST_TIMEOUT,
        f"Waited {timeout:g} s for {count} request(s) matching {method or '*'} {path or '*'}; {len(found)} so far.",
    )
    body = {**error_envelope(error), "requests": views(found)}
    return render(requests_timeout, body, status=error.http_status)
