"""Needs and profiles from the bulk-import record format (see shared benchmarks' FORMAT.md)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from matching.geo import find_place
from matching.types import Need, Place, Profile


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(s.strip() for s in value.split(";") if s.strip())
    return tuple(str(v).strip() for v in value if str(v).strip())


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _place(record: Mapping[str, Any]) -> Place | None:
    lat, lon, town = record.get("lat"), record.get("lon"), record.get("town")
    if lat is not None and lon is not None:
        return Place(str(town or ""), float(lat), float(lon))
    return find_place(str(town)) if town else None


def need_from_record(record: Mapping[str, Any]) -> Need:
    duration = record.get("duration_months")
    return Need(
        id=str(record["id"]),
        kind=str(record.get("kind") or "job"),
        title=str(record.get("title") or ""),
        description=str(record.get("description") or ""),
        skills=_strings(record.get("skills")),
        nice_to_have=_strings(record.get("nice_to_have")),
        level_min=record.get("level_min") or None,
        languages=_strings(record.get("languages")),
        place=_place(record),
        remote=str(record.get("remote") or "none"),
        start_date=_date(record.get("start_date")),
        duration_months=int(duration) if duration not in (None, "") else None,
        places=int(record.get("places") or 1),
        organisation_id=record.get("organisation_id"),
    )


def profile_from_record(record: Mapping[str, Any]) -> Profile:
    mobility = record.get("mobility_km")
    return Profile(
        id=str(record["id"]),
        kind=str(record.get("kind") or "student"),
        headline=str(record.get("headline") or ""),
        summary=str(record.get("summary") or ""),
        skills=_strings(record.get("skills")),
        research_topics=_strings(record.get("research_topics")),
        level=record.get("level") or None,
        languages=_strings(record.get("languages")),
        seeks=_strings(record.get("seeks")),
        place=_place(record),
        mobility_km=float(mobility) if mobility not in (None, "") else None,
        available_from=_date(record.get("available_from")),
        available_until=_date(record.get("available_until")),
        organisation_id=record.get("organisation_id"),
    )
