from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from coproduce.core.doors import ENTER, PUBLIC, SIGNED_IN, door

from . import token_views, views

app_name = "people"

# Django's own account views, each through a door like every other view.
anyone = door(get=PUBLIC, post=PUBLIC)
anyone_may_read = door(get=PUBLIC)
signed_in = door(get=SIGNED_IN, post=SIGNED_IN)

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", anyone(views.LoginView.as_view()), name="login"),
    path("logout/", door(post=PUBLIC)(auth_views.LogoutView.as_view()), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/new/", token_views.create_token, name="token_create"),
    path(
        "profile/tokens/<int:token_id>/revoke/",
        token_views.revoke_token,
        name="token_revoke",
    ),
    path("password/reset/", anyone(views.PasswordResetView.as_view()), name="password_reset"),
    path(
        "password/reset/sent/",
        anyone_may_read(
            auth_views.PasswordResetDoneView.as_view(
                template_name="people/password_reset_done.html"
            )
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        # The emailed token is the credential; Django's view checks it.
        door(get=ENTER, post=ENTER)(views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        anyone_may_read(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="people/password_reset_complete.html"
            )
        ),
        name="password_reset_complete",
    ),
    path(
        "password/change/",
        signed_in(
            auth_views.PasswordChangeView.as_view(
                template_name="people/password_form.html",
                extra_context={"heading": _("Change your password")},
                success_url=reverse_lazy("people:profile"),
            )
        ),
        name="password_change",
    ),
]
