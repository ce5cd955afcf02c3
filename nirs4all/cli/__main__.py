"""``python -m nirs4all.cli``: the same as the ``nirs4all`` command."""

import sys

from nirs4all.cli import main

sys.exit(main())
