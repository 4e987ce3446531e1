"""Queries of applications: by id, by pair, a person's, a need's, an organisation's."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from api.models import Application, Need


def get(session: Session, application_id: int) -> Application | None:
    return session.get(Application, application_id)


def of_pair(session: Session, person_id: int, need_id: int) -> Application | None:
    return session.scalars(
        select(Application).where(
            Application.person_id == person_id, Application.need_id == need_id
        )
    ).one_or_none()


def of_person(session: Session, person_id: int) -> list[Application]:
    """A person's applications, newest first."""
    query = (
        select(Application)
        .where(Application.person_id == person_id)
        .order_by(Application.created_at.desc(), Application.id.desc())
    )
    return list(session.scalars(query).unique())


def of_need(session: Session, need_id: int) -> list[Application]:
    """A need's applications, newest first, withdrawn ones last."""
    query = (
        select(Application)
        .where(Application.need_id == need_id)
        .order_by(
            (Application.status == "withdrawn").asc(),
            Application.created_at.desc(),
            Application.id.desc(),
        )
    )
    return list(session.scalars(query).unique())


def to_organisation(session: Session, person_id: int, organisation_id: int) -> list[Application]:
    """The person's applications to the organisation's needs."""
    query = (
        select(Application)
        .join(Need, Need.id == Application.need_id)
        .where(Application.person_id == person_id, Need.organisation_id == organisation_id)
        .order_by(Application.created_at.desc())
    )
    return list(session.scalars(query).unique())


def applied_to_organisation(session: Session, person_id: int, organisation_id: int) -> bool:
    query = select(
        exists().where(
            Application.person_id == person_id,
            Application.need_id.in_(select(Need.id).where(Need.organisation_id == organisation_id)),
        )
    )
    return bool(session.scalar(query))


def open_needs_of(session: Session, organisation_id: int) -> list[Need]:
    query = (
        select(Need)
        .where(Need.organisation_id == organisation_id, Need.is_open)
        .order_by(Need.created_at.desc(), Need.ref)
    )
    return list(session.scalars(query).unique())


def cv_files_of(session: Session, person_id: int) -> list[str]:
    """Names of the CV files a person's applications keep (to erase them with the person)."""
    query = select(Application.cv_file).where(
        Application.person_id == person_id, Application.cv_file.is_not(None)
    )
    return [name for name in session.scalars(query) if name]
