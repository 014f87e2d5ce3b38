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
