"""The base of Coproduce's own management commands.

Bad options and bad input get one line on standard error and exit status 2, never the usage
block or a traceback: a parser error prints `coproduce report: error: ... (see --help)`, and a
command refuses input by raising `bad_input(...)`, which Django prints as
`CommandError: ...` before exiting with status 2.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from .arguments import one_line


class _OneLineCommandParser(CommandParser):
    def error(self, message):
        if self.called_from_command_line:
            self.exit(2, f"{self.prog}: error: {one_line(message)} (see --help)\n")
        raise CommandError(f"Error: {one_line(message)}", returncode=2)


class CoproduceCommand(BaseCommand):
    """A management command whose bad options are answered with one line (exit status 2)."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Django builds a CommandParser with its own options; only its error() changes.
        parser.__class__ = _OneLineCommandParser
        return parser


def bad_input(message: object) -> CommandError:
    """The error to raise for input the command cannot use: one line, exit status 2."""
    return CommandError(one_line(message), returncode=2)
