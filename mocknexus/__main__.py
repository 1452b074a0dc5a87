import sys

from mocknexus.cli import main

sys.exit(main())
