"""Page links for long lists: bookmarkable GET URLs that keep the filters, no JavaScript needed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlencode

from pydantic import BaseModel, Field

# Ranked lists are computed from the top on every request (the API caps a page at 200 too):
# pages stop where the first 200 results end.
MAX_RANKED = 200


def page_number(value: str | None, last: int = 10_000) -> int:
    """The page asked for in the query string; 1 for anything that is not a page number."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return min(max(number, 1), last)


def last_ranked_page(size: int) -> int:
    return max(MAX_RANKED // size, 1)


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    current: bool


@dataclass(frozen=True)
class Pager:
    number: int
    pages: int | None  # None when only "is there a next page" is known (ranked lists)
    here: str  # this page's own URL, for forms that come back to it
    previous: str | None
    next: str | None
    links: list[PageLink]

    @property
    def shown(self) -> bool:
        return self.previous is not None or self.next is not None


def page_url(path: str, params: dict[str, str | None], number: int) -> str:
    query = {k: v for k, v in params.items() if v}
    if number > 1:
        query["page"] = str(number)
    return f"{path}?{urlencode(query)}" if query else path


def pager(
    path: str,
    params: dict[str, str | None],
    number: int,
    *,
    total: int | None = None,
    size: int = 20,
    has_next: bool = False,
) -> Pager:
    """Links to the neighbouring pages, and to every page (at most 9 around) when the total is known."""
    pages = max((total + size - 1) // size, 1) if total is not None else None
    if pages is not None:
        has_next = number < pages
    numbers: list[int] = []
    if pages is not None and pages > 1:
        low, high = max(1, number - 4), min(pages, number + 4)
        numbers = sorted({1, *range(low, high + 1), pages})
    return Pager(
        number=number,
        pages=pages,
        here=page_url(path, params, number),
        previous=page_url(path, params, number - 1) if number > 1 else None,
        next=page_url(path, params, number + 1) if has_next else None,
        links=[PageLink(n, page_url(path, params, n), n == number) for n in numbers],
    )


T = TypeVar("T")


class Paginated(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Nombre total d'éléments / total count")
    limit: int
    offset: int
