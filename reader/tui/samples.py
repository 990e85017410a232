"""First run: put the bundled sample articles and feed in the library, so Byline works offline."""

from __future__ import annotations

from reader.article.model import Article
from reader.errors import BylineError
from reader.library.store import Library
from reader.paths import samples_dir
from reader.sources.targets import load_path


def import_samples(library: Library) -> list[str]:
    """Add every bundled sample (articles and the sample feed's entries) under Local files.

    They are added oldest first, so the list shows the newest on top. Returns one line per
    sample that could not be read (the others are still imported).
    """
    problems: list[str] = []
    folder = samples_dir()
    if not folder.is_dir():
        return [f"no sample articles found in {folder}"]
    articles: list[Article] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith((".", "_")) or path.suffix == ".py":
            continue
        try:
            articles.extend(load_path(str(path)))
        except BylineError as exc:
            problems.append(f"sample {path.name}: {exc.message}")
        except Exception as exc:  # a broken sample must not stop the others
            problems.append(f"sample {path.name}: internal error ({type(exc).__name__})")
    try:
        for article in sorted(articles, key=lambda a: a.published or ""):
            library.add_local(article)
    except BylineError as exc:
        problems.append(f"samples not imported: {exc.message}")
    return problems
