"""Django's own words that its Spanish catalogue does not translate.

Naming them here puts them into our catalogue (makemessages finds them), which Django consults
beside its own, so a select list's empty choice reads "- Elige una opción -" too.
"""

from django.utils.translation import gettext_noop

UNTRANSLATED_BY_DJANGO = (gettext_noop("- Select an option -"),)
