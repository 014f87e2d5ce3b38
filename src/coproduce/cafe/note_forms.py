"""The note form as the table-notes page sends it: with the key the phone makes for each note,
so that a note sent twice (a retry after the connection came back, a double tap) is kept once."""

import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import NoteForm

# A UUID (what phones make) or any similar token: letters, digits and dashes, nothing longer
# than the column holds.
SENDING_KEY = re.compile(r"[A-Za-z0-9-]{16,64}")


class NewNoteForm(NoteForm):
    key = forms.CharField(required=False, widget=forms.HiddenInput, strip=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Without JavaScript, the page's own key still makes a double tap store one note.
        self.fields["key"].initial = str(uuid.uuid4())

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("key", "")
        if key and not SENDING_KEY.fullmatch(key):
            # The field is hidden: the message goes above the form, in words, not on the field.
            self.add_error(
                None,
                _(
                    "This note was not saved: the sending key your phone added to it is not "
                    "valid (it should be 16 to 64 letters, digits or dashes). Send it again "
                    "from this page; your text is still in the box."
                ),
            )
            cleaned["key"] = ""
        return cleaned
