"""`nncheck.require_otter`: an otter older than the pin is refused, saying what to do."""

from __future__ import annotations

import otter
import pytest

from nncheck import OtterTooOld, require_otter


@pytest.mark.parametrize("found", ["7.0.0", "7.0", "7.1.2", "8.0.0", "7.0.0.post1"])
def test_the_pinned_otter_or_a_newer_one_is_accepted(monkeypatch, found):
    monkeypatch.setattr(otter, "__version__", found)
    require_otter("7.0.0")


@pytest.mark.parametrize("found", ["6.1.3", "5.5.0", "6.99", "garbled"])
def test_an_older_or_unreadable_otter_says_what_to_install(monkeypatch, found):
    monkeypatch.setattr(otter, "__version__", found)
    with pytest.raises(OtterTooOld) as raised:
        require_otter("7.0.0")
    message = str(raised.value)
    assert f"this kernel has {found}" in message
    assert "pip install otter-grader==7.0.0" in message and "restart the kernel" in message


def test_an_otter_without_a_version_is_refused(monkeypatch):
    monkeypatch.delattr(otter, "__version__")
    with pytest.raises(OtterTooOld, match="this kernel has unknown"):
        require_otter("7.0.0")
