"""gui/pacing.py: workers that overlap (an import and math typesetting) share the
interpreter settings without undoing one another; the last one puts them back."""

from __future__ import annotations

import gc
import sys

from gui import pacing


def test_overlapping_workers_keep_the_smallest_interval_and_restore_at_the_end() -> None:
    before, collecting = sys.getswitchinterval(), gc.isenabled()
    pacing.begin(0.001)  # an import
    assert abs(sys.getswitchinterval() - 0.001) < 1e-9 and not gc.isenabled()
    pacing.begin(0.0002)  # math starts meanwhile
    assert abs(sys.getswitchinterval() - 0.0002) < 1e-9
    pacing.end(0.001)  # the import ends first: the math still has its interval
    assert abs(sys.getswitchinterval() - 0.0002) < 1e-9 and not gc.isenabled()
    pacing.end(0.0002)
    assert abs(sys.getswitchinterval() - before) < 1e-9 and gc.isenabled() == collecting
