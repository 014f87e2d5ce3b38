"""``python -m coproduce.conversations.opinion DIR``: same as ``coproduce opinion DIR``."""

from .cli import main

raise SystemExit(main())
