"""Coproduce's own management commands: the base they share, and `backup` and `restore`."""
