"""URL converters for the site's paths."""

from django.urls import register_converter


class IdConverter:
    """A row's number in a path: at most 18 digits, so it always fits the database's integers.

    Django's `int` takes any length, and a 23-digit number reaches the database and fails
    there (SQLite cannot hold it; PostgreSQL refuses it) as a server error; here it is simply
    a page that does not exist.
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


def register() -> None:
    register_converter(IdConverter, "id")
