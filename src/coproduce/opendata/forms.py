from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Publication


class PublicationForm(forms.ModelForm):
    class Meta:
        model = Publication
        fields = ["published", "licence"]
        help_texts = {
            "published": _(
                "Anyone can then download the coalition’s public work as data, rebuilt every night."
            ),
            "licence": _(
                "Under which terms others may reuse the data. Library entries from "
                "Participedia keep their own licence."
            ),
        }
