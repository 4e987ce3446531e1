"""Deterministic generator of the Passerelle demo region (Côte d'Opale).

People and companies are fictional; towns and public institutions (ULCO, its labs, EILCO,
ISCID-CO, Ifremer, ANSES, a few lycées) are real. Everything is drawn from one seeded
`random.Random`, so two runs write byte-identical files.
"""

from __future__ import annotations

SEED = 20270101

__all__ = ["SEED"]
