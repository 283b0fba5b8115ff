"""Items the source spider yields (docs/architecture.md, data flow)."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.warc.model import Located


@dataclass(frozen=True)
class Archived:
    """A page of a multi-page article that was revalidated, not fetched again (a revisit): the
    archived response record its text is read from (``file``: a name under the archive's
    ``warc/``)."""

    url: str
    file: str
    offset: int
    warc_date: str


@dataclass
class Page:
    """An article page, as archived: the pipeline derives its text from the response record at
    ``capture`` (where it is, never its body). A multi-page article also has ``pages``: every page
    captured with it (the first included), new captures and revisited ones; ``capture`` is then
    None when the first page was a revisit."""

    url: str
    source: str
    capture: Located | None
    pages: tuple[Located | Archived, ...] = ()
