"""First run: put the bundled samples in the library, so Byline works offline from the start.

The sample feed (`*-feed.xml`) becomes a subscription like any other, listed under the feeds
with its own name (never fetched: it ships with Byline); the sample articles (a plain-text
scrape, a Markdown clipping, a saved web page) go under Local files, named by their file
names rather than where the package happens to be installed.
"""

from __future__ import annotations

from pathlib import Path

from reader.article.model import Article
from reader.errors import BylineError
from reader.library.store import Library
from reader.paths import samples_dir
from reader.sources.targets import load_path

SAMPLE_KEY = "byline:sample/"


def import_samples(library: Library) -> list[str]:
    """Subscribe to the sample feed and add the sample articles under Local files.

    Articles are added oldest first, so the list shows the newest on top. Returns one line
    per sample that could not be read (the others are still imported).
    """
    problems: list[str] = []
    folder = samples_dir()
    if not folder.is_dir():
        return [f"no sample articles found in {folder}"]
    articles: list[tuple[str, Article]] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith((".", "_")) or path.suffix == ".py":
            continue
        try:
            if path.name.endswith("-feed.xml"):
                _subscribe(library, path)
                continue
            articles += [(path.name, article) for article in load_path(str(path))]
        except BylineError as exc:
            problems.append(f"sample {path.name}: {exc.message}")
        except Exception as exc:  # a broken sample must not stop the others
            problems.append(f"sample {path.name}: internal error ({type(exc).__name__})")
    try:
        for name, article in sorted(articles, key=lambda item: item[1].published or ""):
            article.source = name
            library.add_local(article, key=SAMPLE_KEY + name)
    except BylineError as exc:
        problems.append(f"samples not imported: {exc.message}")
    return problems


def _subscribe(library: Library, path: Path) -> None:
    """The bundled feed as a subscription, its entries stored as a refresh stores them."""
    from reader.library.ingest import parse

    prepared = parse(path.read_bytes(), path.name, "application/rss+xml")
    if isinstance(prepared, str):
        raise BylineError(prepared)
    feed_id = library.add_sample_feed(path.name, title=prepared.title, link=prepared.link)
    library.store_prepared(feed_id, prepared.rows, title=prepared.title, link=prepared.link,
                           problems=prepared.problems, search_texts=prepared.texts)
