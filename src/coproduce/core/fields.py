"""Model fields for person-written text: cleaned by ``core.text.clean_text`` however it is saved.

Migrations import these classes by path: keep them here under these names.
"""

from django.db import models

from .text import clean_text


class _CleanMixin:
    """Cleans in ``pre_save`` (the instance holds what was stored) and in ``get_prep_value``,
    which also covers ``bulk_create`` and ``QuerySet.update`` (the Pol.is import uses both)."""

    multiline = True

    def _clean(self, value):
        return clean_text(value, multiline=self.multiline) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = self._clean(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        return self._clean(super().get_prep_value(value))


class CleanCharField(_CleanMixin, models.CharField):
    """One line of text (names, titles): line breaks and tabs become spaces."""

    multiline = False


class CleanTextField(_CleanMixin, models.TextField):
    """Text that may span lines (notes, statements, descriptions)."""

    multiline = True


def normalise_email(value: str) -> str:
    """The one spelling of an address we store and match: trimmed and lower case.

    Mail servers treat the part before @ as case-sensitive in theory, but no provider people
    use does, and two accounts for "Ann@x.org" and "ann@x.org" would only ever be a mistake.
    """
    return clean_text(value, multiline=False).strip().lower()


class EmailAddressField(_CleanMixin, models.EmailField):
    """An email address stored normalised, so lookups match exactly and use the plain index."""

    def _clean(self, value):
        return normalise_email(value) if isinstance(value, str) else value

    def to_python(self, value):
        return self._clean(super().to_python(value))
