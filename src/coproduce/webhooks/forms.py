from django import forms
from django.utils.translation import gettext_lazy as _

from .names import EVENTS


class WebhookForm(forms.Form):
    """What the organiser types; the rules themselves are the service's (services.py)."""

    url = forms.CharField(
        label=_("Address that receives the events"),
        help_text=_("An https:// address on the internet, such as https://example.org/hooks."),
        required=False,  # the service says what is missing, in its own words
        max_length=10000,  # longer ones get the service's message about length
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events to send"),
        choices=list(EVENTS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
