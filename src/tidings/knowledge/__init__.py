"""Knowledge: everything the extractors consult besides the text, loaded once and passed in.

``Knowledge`` bundles the actor knowledge base, the quote cue lexicon and the event patterns.
Each part is loaded by its owner's loader from shipped data files (plus user overrides), so the
extractors stay pure: they receive a ``Knowledge`` and never read files themselves.
``fingerprint`` is a hash of every data file that went in, recorded as provenance.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tidings.types import stable_hash

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# libyaml's loader where PyYAML has it: ~8x faster than the pure-Python one, same data (checked on
# every shipped YAML file).
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: Any) -> Any:
    """Parse one YAML document (a string or an open file) safely, with the fastest loader
    available; raises ``yaml.YAMLError`` on bad YAML. Every shipped data file is read through this."""
    return yaml.load(text, Loader=_YAML_LOADER)


# (attribute, module, loader function). Each loader takes keyword options and returns the part.
LOADERS: tuple[tuple[str, str, str], ...] = (
    ("actors", "tidings.knowledge.kb", "load_default"),
    ("cues", "tidings.extract.quotes", "load_cues"),
    ("event_patterns", "tidings.extract.events", "load_patterns"),
)


@dataclass(frozen=True)
class Knowledge:
    actors: Any = None  # tidings.knowledge.kb.ActorKB
    cues: Any = None  # tidings.extract.quotes.CueLexicon
    event_patterns: Any = None  # tidings.extract.events.PatternSet
    fingerprint: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, **options: Any) -> Knowledge:
        """Load every part that is available; options are passed to the loaders that take them."""
        parts: dict[str, Any] = {}
        for attr, module_name, fn_name in LOADERS:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name == module_name:
                    continue
                raise
            loader = getattr(module, fn_name, None)
            if loader is not None:
                parts[attr] = loader(**options.get(attr, {}))
        return cls(fingerprint=data_fingerprint(), options=options, **parts)


def data_fingerprint(paths: list[Path] | None = None) -> str:
    """Hash of the shipped data files (names and bytes), in a stable order."""
    files = paths if paths is not None else sorted(p for p in DATA_DIR.rglob("*") if p.is_file())
    parts: list[object] = []
    for path in files:
        parts.append(path.relative_to(DATA_DIR).as_posix() if path.is_relative_to(DATA_DIR) else path.name)
        parts.append(stable_hash(path.read_bytes().decode("latin-1")))
    return stable_hash("knowledge/1", *parts, length=12)
