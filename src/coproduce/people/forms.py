from django import forms
from django.conf import settings
from django.contrib.auth.forms import BaseUserCreationForm, PasswordResetForm
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from coproduce.core.fields import normalise_email
from coproduce.core.mail import can_send_email
from coproduce.core.tasks import send_email

from .models import Guest, Person
from .sectors import sector_field


class SignupForm(BaseUserCreationForm):
    sector = sector_field(required=False)

    class Meta:
        model = Person
        fields = ["full_name", "email", "sector"]

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        if Person.objects.filter(email=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists."))
        return email


class ProfileForm(forms.ModelForm):
    """Your profile; organisation and city are typed, and created the first time they appear."""

    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    sector = sector_field(required=False)
    city_name = forms.CharField(label=_("City or region"), max_length=200, required=False)
    # Set on its own when the person picks a language on the site; here they can see and
    # change it (blank: the site's language).
    language = forms.ChoiceField(
        label=_("Language for emails"),
        choices=[("", _("The site's language")), *settings.LANGUAGES],
        required=False,
        help_text=_("Choosing a language on the site's menu changes this too."),
    )

    class Meta:
        model = Person
        fields = ["full_name", "sector", "languages", "language", "access_needs"]
        widgets = {"access_needs": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        person = self.instance
        if person.organisation_id:
            self.initial["organisation_name"] = person.organisation.name
        if person.city_id:
            self.initial["city_name"] = person.city.name
        self.order_fields(["full_name", "organisation_name", "sector", "city_name"])


class GuestForm(forms.ModelForm):
    sector = sector_field()

    class Meta:
        model = Guest
        fields = ["display_name", "sector"]
        help_texts = {"display_name": _("How others will see you today. No email needed.")}


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose email goes out through the background worker.

    When the site cannot send email (production without EMAIL_HOST), the page says so and asks
    nothing of the worker, instead of pretending a link was sent.
    """

    cannot_send = _(
        "This site cannot send email yet, so it cannot send you a link to reset your "
        "password. Please ask the site's administrator to reset it for you."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not can_send_email():
            # Said before anyone types their address; a submitted form shows it as its error.
            self.fields["email"].help_text = self.cannot_send

    def clean(self):
        cleaned_data = super().clean()
        if not can_send_email():
            raise forms.ValidationError(self.cannot_send, code="email_unavailable")
        return cleaned_data

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        send_email.enqueue(subject=subject, body=body, to=[to_email])
