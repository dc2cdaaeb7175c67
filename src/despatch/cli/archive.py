"""`despatch` commands: archive."""

from __future__ import annotations
