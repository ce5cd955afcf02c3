"""``python -m nirs4all.cli``: the same as the ``nirs4all`` command."""

import sys

from nirs4all.cli import main

if __name__ == "__main__":  # importing the module (tools that walk the package) runs nothing
    sys.exit(main())
