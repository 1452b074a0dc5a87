"""Serve a WSGI app with werkzeug's threaded server (what `mocknexus serve` ran before waitress).

python bench/werkzeug_serve.py module:app PORT
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from werkzeug.serving import run_simple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

if __name__ == "__main__":
    module, name = sys.argv[1].split(":")
    run_simple("127.0.0.1", int(sys.argv[2]), getattr(importlib.import_module(module), name), threaded=True)
