"""Imported by ingest's process-pool fork server: builds the global matcher once there.

Ingest parses in worker processes forked from a fork server (``multiprocessing``'s
``forkserver`` context). Importing this module in the server (``set_forkserver_preload``)
builds the global lexicon (about a second of CPU) once, so every worker forked from it
starts with it instead of building its own; the server then moves it to the garbage
collector's permanent generation (``gc.freeze``) so that collections in the workers do not
walk it or copy its memory pages. Importing it anywhere else only costs that second.
"""

from __future__ import annotations

import gc
import logging

from despatch.enrich.entities import global_lexicon

try:
    global_lexicon()
except Exception:  # a broken table fails the workers' own build, with their own error
    logging.getLogger(__name__).debug("global lexicon not prebuilt", exc_info=True)
gc.freeze()
