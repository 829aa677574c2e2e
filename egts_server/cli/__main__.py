"""``python -m egts_server.cli``: how ``serve`` starts its intake workers, and the tests."""

import sys

from egts_server.cli.main import main

if __name__ == "__main__":  # importing it (as the packaging test does) runs nothing
    sys.exit(main())
