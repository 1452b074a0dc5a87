"""Serve a WSGI app with waitress configured exactly as `mocknexus serve` configures it (mocknexus.serving).

python bench/waitress_serve.py module:app PORT
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mocknexus.config import Config
from mocknexus.serving import make_server

if __name__ == "__main__":
    module, name = sys.argv[1].split(":")
    app = getattr(importlib.import_module(module), name)
    make_server(app, Config.from_env(port=int(sys.argv[2]), host="127.0.0.1")).run()
