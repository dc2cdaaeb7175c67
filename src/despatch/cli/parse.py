"""`despatch` commands: parse."""

from __future__ import annotations
