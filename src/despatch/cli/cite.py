"""`despatch` commands: cite."""

from __future__ import annotations
