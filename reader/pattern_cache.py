"""Compiled regular expressions kept across runs: a command does not pay Python's pattern
compiler again for the ~270 patterns the engine and its libraries compile (about half of a
`byline read`'s time before it).

`re.compile` parses a pattern and generates its program in Python, then hands the program to
`_sre.compile`. While a `PatternCache` is open it stands in for that middle step
(`re._compiler.compile`): a pattern met in an earlier run is rebuilt from its stored program by
`_sre.compile`, which validates the program; a new one is compiled as `re` does and stored. The
file is per interpreter build (cache tag, version, `_sre.MAGIC`), replaced atomically, and
ignored when it cannot be read.
"""

from __future__ import annotations

import _sre
import marshal
import os
import re
import sys
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]
from types import TracebackType
from typing import Any

_MAX_ENTRIES = 4000  # past this, only the patterns of the last run are kept
# (flags, program, groups, group index, index group): `_sre.compile`'s arguments after the pattern
Entry = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]


def cache_file(cache_dir: Path) -> Path:
    """This interpreter's pattern file in `cache_dir`."""
    tag = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-{_sre.MAGIC}"
    return cache_dir / f"patterns-{tag}.marshal"


class PatternCache:
    """`with PatternCache(file):` compiles patterns through the file; saves new ones on exit."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.entries: dict[tuple[str, int], Entry] = {}
        self.used: set[tuple[str, int]] = set()
        self.added = False
        self._compile: Callable[..., re.Pattern[Any]] | None = None

    def __enter__(self) -> PatternCache:
        try:
            loaded = marshal.loads(self.file.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            loaded = None
        self.entries = loaded if isinstance(loaded, dict) else {}
        self._compile = _compiler.compile
        _compiler.compile = self.compile
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        _compiler.compile = self._compile
        if self.added:
            self.save()

    def compile(self, pattern: Any, flags: int = 0) -> re.Pattern[Any]:
        """`re._compiler.compile`, from the stored program when there is one."""
        if type(pattern) is not str or flags & re.DEBUG:  # not a str subclass (lxml's), which
            # marshal would refuse to write
            assert self._compile is not None
            return self._compile(pattern, flags)
        key = (pattern, int(flags))  # a RegexFlag is an int that marshal does not write
        entry = self.entries.get(key)
        if entry is not None:
            try:
                compiled: re.Pattern[str] = _sre.compile(pattern, *entry)
            except (TypeError, ValueError, RuntimeError):  # not a program this build takes
                self.entries.pop(key, None)  # (another thread may have dropped it)
            else:
                self.used.add(key)
                return compiled
        parsed = _parser.parse(pattern, flags)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in parsed.state.groupdict.items():
            indexgroup[index] = name
        code = [int(op) for op in _compiler._code(parsed, flags)]  # named opcodes are ints too
        entry = (int(flags | parsed.state.flags), code,
                 parsed.state.groups - 1, dict(parsed.state.groupdict), tuple(indexgroup))
        compiled = _sre.compile(pattern, *entry)
        self.entries[key] = entry
        self.used.add(key)
        self.added = True
        return compiled

    def save(self) -> None:
        """Write the entries (only this run's when there are too many); a failure loses only
        the speed-up."""
        keep = self.entries if len(self.entries) <= _MAX_ENTRIES else {
            k: v for k, v in self.entries.items() if k in self.used}
        temporary = self.file.with_name(f"{self.file.name}.{os.getpid()}.tmp")
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(marshal.dumps(keep))
            os.replace(temporary, self.file)
        except (OSError, ValueError):
            with suppress(OSError):
                temporary.unlink(missing_ok=True)
