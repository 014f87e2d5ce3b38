from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.people.sectors import Sector

from .models import Coalition, Invitation, Role


class CoalitionForm(forms.ModelForm):
    city_name = forms.CharField(label=_("City or region"), max_length=200, required=False)

    class Meta:
        model = Coalition
        fields = ["name", "purpose", "visibility"]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 5}),
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.city_id:
            self.initial["city_name"] = self.instance.city.name
        self.order_fields(["name", "purpose", "city_name", "visibility"])


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["role", "email", "max_uses"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = Role.MEMBER
        self.fields["max_uses"].required = False
        self.fields["max_uses"].help_text = _(
            "One unless you share the link with a group: it stops working once used."
        )

    def clean_max_uses(self) -> int:
        return self.cleaned_data.get("max_uses") or 1


class OrganisationForm(forms.Form):
    """Add a member organisation by name; a new name creates the organisation."""

    name = forms.CharField(label=_("Organisation"), max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    city_name = forms.CharField(label=_("City or region"), max_length=200, required=False)
