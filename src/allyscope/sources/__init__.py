"""Sources: dataset specs, the bundled snapshot, the user cache and official-release updates."""

from allyscope.sources.registry import DatasetSpec, registry, spec
from allyscope.sources.store import cache_dir, load, locate, snapshot_path

__all__ = ["DatasetSpec", "cache_dir", "load", "locate", "registry", "snapshot_path", "spec"]
