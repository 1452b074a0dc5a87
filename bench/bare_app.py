"""The ceiling of this stack: a bare Flask app answering a small JSON body, nothing else.

Served by bench/servers.py under the same candidate servers as mocknexus (waitress configured as
`mocknexus serve` configures it, gunicorn gthread, werkzeug).
"""

from __future__ import annotations

from flask import Flask, jsonify

app = Flask("bare")

MEMBER = {
    "member": {
        "guid": "MBR-00000000-0000-4000-8000-000000000000",
        "connection_status": "CONNECTED",
        "is_being_aggregated": False,
        "name": "MX Bank",
    }
}


@app.get("/members/<guid>")
def member(guid: str):
    return jsonify(MEMBER)


@app.get("/__admin/health")
def health():
    return jsonify(status="ok")
