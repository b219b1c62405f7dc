import pytest


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    """Every test gets an empty user cache, so the bundled snapshot is what is read."""
    monkeypatch.setenv("ALLYSCOPE_CACHE", str(tmp_path / "cache"))
