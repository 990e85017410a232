"""Wheel build hook: compile the quote engine with mypyc (it finds quotes about 1.5× faster).

Only a regular wheel (`pip install .`) is compiled. An editable install (`pip install -e .`)
runs the source, so an edited module is never shadowed by a stale compiled one. Without a C
compiler or Python's headers, or with BYLINE_PURE_PYTHON=1 set, the wheel holds the same modules
as pure Python (pip shows the reason with `-v`); both give the same quotes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# reader/article/<name>.py: the modules `find_quotes` spends its time in
COMPILED = ("quotes", "quotemarks", "speakers", "names", "sentences")

_SETUP = """
import sys
from mypyc.build import mypycify
from setuptools import setup
setup(name="byline-quote-engine", ext_modules=mypycify(sys.argv[1:], opt_level="3"),
      script_args=["build_ext", "--build-lib", "lib", "--build-temp", "tmp"])
"""


class QuoteEngineHook(BuildHookInterface):
    """Adds the compiled modules to a regular wheel and marks it platform-specific."""

    work: str | None = None

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version != "standard":
            return
        if os.environ.get("BYLINE_PURE_PYTHON"):
            self.app.display_info("byline: BYLINE_PURE_PYTHON is set: quote engine not compiled")
            return
        self.work = tempfile.mkdtemp(prefix="byline-mypyc-")
        sources = [str(Path(self.root, "reader", "article", f"{name}.py")) for name in COMPILED]
        try:
            done = subprocess.run([sys.executable, "-c", _SETUP, *sources], cwd=self.work,
                                  capture_output=True, text=True, check=False)
        except OSError as err:
            self.app.display_warning(f"byline: quote engine not compiled ({err}); pure Python")
            return
        lib = Path(self.work, "lib")
        built = [p for p in lib.rglob("*") if p.name.endswith(tuple(EXTENSION_SUFFIXES))]
        if done.returncode or not built:
            reason = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            self.app.display_warning(f"byline: quote engine not compiled ({reason[0]}); "
                                     "pure Python")
            return
        for path in built:
            build_data["force_include"][str(path)] = path.relative_to(lib).as_posix()
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self.work:
            shutil.rmtree(self.work, ignore_errors=True)
