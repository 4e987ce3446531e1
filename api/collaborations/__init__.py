"""Researchers as partners: collaborations proposed on R&D needs, and the partners of a need."""
