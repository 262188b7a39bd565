"""``python3 -m dh_aimodel`` is ``aimodel``."""

import sys

from dh_aimodel.cli import main

sys.exit(main())
