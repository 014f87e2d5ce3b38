from django import forms
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from coproduce.core.timezones import DEFAULT_ZONE, time_zone_choices
from coproduce.people.sectors import sector_field

from .models import Coalition, Invitation, Role


class CoalitionForm(forms.ModelForm):
    city_name = forms.CharField(label=_("City or region"), max_length=200, required=False)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        initial=DEFAULT_ZONE,
        required=False,  # a form sent without it keeps the zone there is
        help_text=_("Times without a workshop are shown in it; new workshops start in it."),
    )

    class Meta:
        model = Coalition
        fields = ["name", "purpose", "visibility", "time_zone"]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 5}),
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.city_id:
            self.initial["city_name"] = self.instance.city.name
        self.order_fields(["name", "purpose", "city_name", "time_zone", "visibility"])

    def clean_time_zone(self) -> str:
        return self.cleaned_data.get("time_zone") or self.instance.time_zone or DEFAULT_ZONE

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        if name and "city_name" in cleaned and self._name_taken(name, cleaned["city_name"]):
            self.add_error("name", self._taken_message(name, cleaned["city_name"]))
        return cleaned

    def _name_taken(self, name: str, city_name: str) -> bool:
        """The database's test (the same name in any capitals, in the same city), told by the
        city's name: a typed city never names a country, yet it is the same place to people."""
        same = (
            Coalition.objects.annotate(lower_name=Lower("name"), lower_city=Lower("city__name"))
            .filter(lower_name=Lower(Value(name)))
            .exclude(pk=self.instance.pk)
        )
        if city_name.strip():
            return same.filter(lower_city=Lower(Value(city_name.strip()))).exists()
        return same.filter(city__isnull=True).exists()

    @staticmethod
    def _taken_message(name: str, city_name: str) -> str:
        if city_name.strip():
            return _(
                "A coalition called “%(name)s” already exists in %(city)s. Choose another name."
            ) % {"name": name, "city": city_name.strip()}
        return _(
            "A coalition called “%(name)s” already exists. Choose another name, or give its city."
        ) % {"name": name}


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
    sector = sector_field()
    city_name = forms.CharField(label=_("City or region"), max_length=200, required=False)
