"""Where Byline keeps its files: config, library and caches (platformdirs, or --data-dir)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    """The directories Byline uses; all under one folder when --data-dir/BYLINE_HOME is set."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def library_file(self) -> Path:
        return self.data_dir / "library.db"

    @property
    def themes_dir(self) -> Path:
        return self.config_dir / "themes"

    @property
    def downloads_dir(self) -> Path:
        """Where enclosures are downloaded unless `downloads` in config.toml says otherwise."""
        return self.data_dir / "downloads"

    @property
    def images_dir(self) -> Path:
        """The offline image cache (`refresh --full`), files named by a hash of their URL."""
        return self.cache_dir / "images"

    @property
    def state_file(self) -> Path:
        """Small UI state (chosen theme) that the app writes itself."""
        return self.data_dir / "state.json"


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> Paths:
    """Paths from an explicit data dir, else $BYLINE_HOME, else the platform's user dirs."""
    base = data_dir or os.environ.get("BYLINE_HOME")
    if base:
        root = Path(base).expanduser()
        return Paths(root, root, root / "cache")
    import platformdirs

    return Paths(
        Path(platformdirs.user_config_dir("byline")),
        Path(platformdirs.user_data_dir("byline")),
        Path(platformdirs.user_cache_dir("byline")),
    )


def package_dir() -> Path:
    return Path(__file__).resolve().parent


def bundled_themes_dir() -> Path:
    """Shipped themes: `reader/themes` in a wheel, the top-level `themes/` in a checkout."""
    inside = package_dir() / "themes"
    return inside if inside.is_dir() else package_dir().parent / "themes"


def samples_dir() -> Path:
    return package_dir() / "samples"
