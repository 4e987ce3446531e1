"""`python -m api` runs the Passerelle command line."""

from api.cli import main

raise SystemExit(main())
