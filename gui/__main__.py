"""`python -m gui` starts Besedka."""

import sys

from gui.app import main

sys.exit(main())
