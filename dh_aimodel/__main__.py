"""``python3 -m dh_aimodel`` is ``aimodel``."""

import sys

from .cli import main

sys.exit(main())
