"""What screens ask of the app: Textual messages posted up to it (the app calls screens down).

Screens get their `Library` through their constructors and never import the app; the app
handles these messages (`reader.tui.app`).
"""

from __future__ import annotations

from textual.message import Message

from reader.library.listings import Listing


class OpenArticles(Message):
    """Open entry `index` of `entry_ids`; n/p walk that list. `quote`: jump to that quote."""

    def __init__(self, entry_ids: list[int], index: int, quote: int | None = None) -> None:
        super().__init__()
        self.entry_ids = entry_ids
        self.index = index
        self.quote = quote


class LinkMessage(Message):
    """A request about one link, `url` (the app checks it again)."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url


class OpenLink(LinkMessage):
    """Fetch an http(s) page or feed, keep it under Local files and open it."""


class OpenInBrowser(LinkMessage):
    """Open a link in the browser."""


class CopyLink(LinkMessage):
    """Copy a link and say how it was copied."""


class EnclosureMessage(Message):
    """A request about enclosure `number` of entry `entry_id`."""

    def __init__(self, entry_id: int, number: int) -> None:
        super().__init__()
        self.entry_id = entry_id
        self.number = number


class PlayMedia(EnclosureMessage):
    """Play the enclosure: its download if there is one, else its URL (checked by the
    player)."""


class DownloadMedia(EnclosureMessage):
    """Download the enclosure to the downloads folder."""


class SearchLibrary(Message):
    """Open the library search with `query` typed in."""

    def __init__(self, query: str) -> None:
        super().__init__()
        self.query = query


class PipeArticle(Message):
    """Choose a command of `[commands]` and send it entry `entry_id` (None: nothing chosen)."""

    def __init__(self, entry_id: int | None) -> None:
        super().__init__()
        self.entry_id = entry_id


class ToggleFlag(Message):
    """Flip an entry's `starred`, `read` or `hidden` state (no entry: nothing is selected)."""

    def __init__(self, entry_id: int | None, flag: str) -> None:
        super().__init__()
        self.entry_id = entry_id
        self.flag = flag


class SavePosition(Message):
    """Remember that reading of `entry_id` stopped at `block`."""

    def __init__(self, entry_id: int, block: int) -> None:
        super().__init__()
        self.entry_id = entry_id
        self.block = block


class MarkListingRead(Message):
    """Mark every unread article of `listing` read (undone by `UndoMarkRead`)."""

    def __init__(self, listing: Listing) -> None:
        super().__init__()
        self.listing = listing


class UndoMarkRead(Message):
    """Undo the last `MarkListingRead`: those articles are unread again."""


class RefreshFeeds(Message):
    """Refresh the feeds in `only` (ids or URLs)."""

    def __init__(self, only: list[str]) -> None:
        super().__init__()
        self.only = only
