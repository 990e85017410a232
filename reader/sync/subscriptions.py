"""Subscribing and unsubscribing the server's account as the library was changed here
(`byline add`, `byline remove`), from the queue, oldest first.

A queued `subscribe` names a feed URL: the server is subscribed to it (Google Reader
`quickadd`), and the feed here becomes that subscription (its articles then come with sync,
matched by link to those Byline fetched). A queued `label` puts a synced feed under one of its
tags there; `unsubscribe` names the server's feed id. Each leaves the queue once the server
has taken it, or refused it for good (a URL it finds no feed at, a feed it no longer has); a
refusal is kept as a note for the user. A server out of reach leaves the rest queued.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.library.store import Library
from reader.library.sync_state import FEED_CHANGES, label_target
from reader.sync.api import Refused, Unknown
from reader.sync.backend import Backend


@dataclass
class Sent:
    """What the server took, and a line for each change it refused."""

    subscribed: int = 0
    labelled: int = 0
    unsubscribed: int = 0
    refused: list[str] = field(default_factory=list)


def send_subscriptions(library: Library, backend: Backend) -> Sent:
    """Send the queued subscription changes to the server (logged in)."""
    sent = Sent()
    while batch := library.queued(FEED_CHANGES):
        for change in batch:
            try:
                if not backend.subscribes:
                    raise Refused(f"the {backend.api} API has no way to subscribe or "
                                  "unsubscribe")
                if change.change == "subscribe":
                    sent.subscribed += _subscribe(library, backend, change.item, sent)
                elif change.change == "label":
                    sent.labelled += _label(library, backend, change.item)
                else:
                    backend.unsubscribe(change.item)
                    sent.unsubscribed += 1
            except (Refused, Unknown) as exc:
                sent.refused.append(_refusal(change.change, change.item, exc.message))
            library.unqueue([change.seq])
    return sent


def _subscribe(library: Library, backend: Backend, url: str, sent: Sent) -> int:
    """Subscribe the server to the feed at `url`, if it is still here and not synced yet.
    Returns 1 when the server was subscribed now."""
    feed = library.feed(url)
    if feed is None or feed.remote_id is not None:     # removed or synced since
        return 0
    remote = backend.subscribe(url)
    if not library.link_remote(url, remote):
        sent.refused.append(f"subscribing to {url}: the server has it as another of the "
                            "feeds here; Byline fetches this one itself")
    return 1


def _label(library: Library, backend: Backend, item: str) -> int:
    """Put the feed under a label on the server, if it is synced (not when the server
    refused to subscribe it: that was said). Returns 1 when it was."""
    url, label = label_target(item)
    feed = library.feed(url) if url else None
    if feed is None or feed.remote_id is None:
        return 0
    backend.label(feed.remote_id, label)
    return 1


def _refusal(change: str, item: str, reason: str) -> str:
    if change == "subscribe":
        return f"subscribing to {item} failed: {reason}; Byline fetches it itself"
    if change == "label":
        url, label = label_target(item)
        return f"labelling {url} {label!r} failed: {reason}"
    return f"unsubscribing from {item} failed: {reason}"
