"""Small real PDFs for the CV tests, written with reportlab (text that pypdf can read back)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def cv_pdf(*lines: str) -> bytes:
    """A one-page PDF holding `lines` as text."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    y = 800
    for line in lines:
        page.drawString(60, y, line)
        y -= 18
    page.showPage()
    page.save()
    return out.getvalue()


STUDENT_CV = (
    "Inès Lefebvre — Étudiante en BUT Informatique, IUT du Littoral",
    "Compétences : Python, SQL, JavaScript, Git",
    "Projet tutoré : application web de suivi des débarquements (Django, PostgreSQL)",
    "Langues : anglais B2",
)
