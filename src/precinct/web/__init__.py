"""The one-map console: static pages served by the API process (see ``mount``).

Its map routes (``precinct.web.routes``) are registered with the API's other routers.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"


def mount(app: FastAPI) -> None:
    """Serve the console's files at ``/``."""
    if (STATIC_DIR / "index.html").exists():
        app.mount("/", StaticFiles(directory=STATIC_DIR, html=True), name="console")
