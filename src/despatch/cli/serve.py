"""`despatch` commands: serve."""

from __future__ import annotations
