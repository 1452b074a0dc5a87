"""The ceiling of this stack: a bare Flask app answering a small JSON body, nothing else.

Served the same ways as mocknexus: `gunicorn bench.bare_app:app` and `python bench/bare_app.py PORT`
(werkzeug, threaded, as `mocknexus serve`).
"""

from __future__ import annotations

import sys

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


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True)
