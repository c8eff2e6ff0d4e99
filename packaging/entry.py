"""Frozen entry point: PyInstaller runs this file as `__main__` of the binary.

It only hands over to `gui.app:main`, the same function the `besedka` console script
calls, so the binary and the installed command behave the same.
"""

import sys

from gui.app import main

if __name__ == "__main__":
    sys.exit(main())
