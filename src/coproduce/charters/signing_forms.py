"""The signing form: for an organisation (by a named person with a role in it) or for oneself,
with optional commitments, a contact address and the choice to sign publicly.

It checks and shapes what people typed, naming the field at fault; `publishing` writes it.
Commitments are written one per line, so a phone needs no "add another" button.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.core.text import clean_text
from coproduce.people.sectors import sector_field

from .models import COMMITMENT_MAX, COMMITMENTS_MAX
from .publishing import SignatureData, SigningError, check_commitments, stored_name

NAME_MAX = 200
EMAIL_MAX = 254  # the longest address SMTP carries
# Room for ten commitments of the longest length, with their line breaks; longer is refused.
COMMITMENTS_TEXT_MAX = COMMITMENTS_MAX * (COMMITMENT_MAX + 2) * 3


class SignForm(forms.Form):
    ORGANISATION, INDIVIDUAL = "organisation", "individual"

    signing_as = forms.ChoiceField(
        label=_("I sign"),
        choices=[(ORGANISATION, _("for an organisation")), (INDIVIDUAL, _("for myself"))],
        widget=forms.RadioSelect,
        initial=ORGANISATION,
    )
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("Only when you sign for an organisation."),
    )
    name = forms.CharField(label=_("Your name"), max_length=NAME_MAX)
    role = forms.CharField(
        label=_("Your role in the organisation"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("For example: director, chair, community organiser."),
    )
    sector = sector_field()
    email = forms.EmailField(
        label=_("Email"),
        max_length=EMAIL_MAX,
        help_text=_("We send a link to confirm your signature; it counts once you open it."),
    )
    commitments = forms.CharField(
        label=_("Commitments (optional)"),
        required=False,
        max_length=COMMITMENTS_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line, up to 10, each at most 500 characters. For example: "
            "“We will pay residents for their time by 2027.”"
        ),
    )
    public = forms.BooleanField(
        label=_("Show my signature publicly"),
        required=False,
        initial=True,
        help_text=_("If not, it is counted but only the organisers see who signed."),
    )

    def clean_commitments(self) -> list[str]:
        text = clean_text(self.cleaned_data.get("commitments") or "")
        lines = [" ".join(line.split()) for line in text.splitlines()]
        commitments = [line for line in lines if line]
        try:
            check_commitments(commitments)
        except SigningError as error:
            raise forms.ValidationError(error.message) from None
        return commitments

    def _clean_name(self, field: str) -> str:
        # Measured as stored (NFC can lengthen text), so the database never cuts it short.
        text = stored_name(self.cleaned_data.get(field) or "")
        if len(text) > NAME_MAX:
            raise forms.ValidationError(
                _("Please keep this to %(most)s characters; it has %(length)s.")
                % {"most": NAME_MAX, "length": len(text)}
            )
        return text

    def clean_organisation_name(self) -> str:
        return self._clean_name("organisation_name")

    def clean_name(self) -> str:
        name = self._clean_name("name")
        if not name:  # only invisible characters were typed
            raise forms.ValidationError(_("Please write your name."))
        return name

    def clean_role(self) -> str:
        return self._clean_name("role")

    def clean(self):
        data = super().clean()
        if data.get("signing_as") == self.ORGANISATION:
            if not (data.get("organisation_name") or "").strip():
                self.add_error(
                    "organisation_name",
                    _("Name the organisation you sign for, or choose “for myself”."),
                )
            if not (data.get("role") or "").strip():
                self.add_error("role", _("Say what your role in the organisation is."))
        return data

    def signature_data(self) -> SignatureData:
        data = self.cleaned_data
        for_organisation = data["signing_as"] == self.ORGANISATION
        return SignatureData(
            name=data["name"],
            sector=data["sector"],
            email=data["email"],
            organisation_name=data["organisation_name"] if for_organisation else "",
            role=data["role"] if for_organisation else "",
            public=data["public"],
            commitments=data["commitments"],
        )
