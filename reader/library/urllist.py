"""Plain URL lists, newsboat `urls` style: `URL tag "tag with spaces" "~Custom title"`.

Tags become the feed's tags; a `~` word is the user's own title for the feed, kept over the
title the feed gives itself (`Subscription.own_title`); newsboat's `!` (a feed hidden from
its feed list) has no Byline equivalent and is ignored. Blank lines and `# comments` are
skipped. Anything that is not an absolute http(s) URL,
such as newsboat's `exec:`, `filter:`, `query:`, `|command` or a `file:` URL, is refused with
a warning for its line: those forms run commands or read files (reliability case 36).
"""

from __future__ import annotations

import shlex

from reader.library.opml import ImportResult, Subscription
from reader.sanitize import clean_line, safe_url


def parse_url_list(text: str) -> ImportResult:
    """Subscriptions from a URL list, with one warning per refused line."""
    result = ImportResult()
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            words = shlex.split(line)
        except ValueError:  # an unbalanced quote: fall back to plain words
            words = line.split()
        comment = next((i for i, w in enumerate(words) if w.startswith("#")), len(words))
        words = words[:comment]
        if not words:
            continue
        url = safe_url(words[0])
        if url is None:
            result.warnings.append(f"line {number}: refused {clean_line(words[0])[:120]!r}: "
                                   "only http(s) feed URLs are imported")
            continue
        title = ""
        tags: list[str] = []
        for word in words[1:]:
            word = clean_line(word)
            if word.startswith("~"):
                title = word[1:]
            elif word.startswith("!"):
                continue  # newsboat's "hidden feed" marker: nothing to carry over
            elif word and word not in tags:
                tags.append(word[:100])
        result.subscriptions.append(Subscription(url, title[:300], tags,
                                                 own_title=bool(title)))
    return result
