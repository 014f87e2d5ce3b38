from django.urls import path

from . import editing_views, email_time_views, email_views, outcomes_email_views, views

app_name = "plans"

# Reading (views.py): /plans/<coalition slug>/... , for everyone who may see the coalition.
_PLAN = "<slug:coalition_slug>/<id:plan_id>/"
_ACTION = "<slug:coalition_slug>/actions/<id:action_id>/"
urlpatterns: list = [
    path("<slug:coalition_slug>/", views.plan_list, name="list"),
    path(_PLAN, views.plan_detail, name="detail"),
    path(f"{_PLAN}plan.csv", views.plan_csv, name="csv"),
    path(f"{_PLAN}due.ics", views.due_ics, name="ics"),
    path(f"{_PLAN}updates.atom", views.updates_atom, name="atom"),
    path(_ACTION, views.action_detail, name="action"),
    path(f"{_ACTION}updates/<id:update_id>/evidence/", views.evidence, name="evidence"),
]

# Writing (editing_views.py): organisers write the plan, owners post updates.
urlpatterns += [
    path("<slug:coalition_slug>/new/", editing_views.create_plan, name="create"),
    path(f"{_PLAN}edit/", editing_views.edit_plan, name="edit"),
    path(f"{_PLAN}goals/new/", editing_views.add_goal, name="add_goal"),
    path(f"{_PLAN}goals/<id:goal_id>/", editing_views.edit_goal, name="edit_goal"),
    path(f"{_PLAN}goals/<id:goal_id>/actions/new/", editing_views.add_action, name="add_action"),
    path(f"{_ACTION}edit/", editing_views.edit_action, name="edit_action"),
    path(f"{_ACTION}update/", editing_views.post_update, name="post_update"),
    path(f"{_ACTION}sources/", editing_views.sources, name="sources"),
    path("<slug:coalition_slug>/answers/", editing_views.answers, name="answers"),
    path(
        "<slug:coalition_slug>/workshops/<slug:workshop_slug>/tell/",
        outcomes_email_views.tell_outcomes,
        name="tell_outcomes",
    ),
    path("<slug:coalition_slug>/emails/", email_time_views.email_time, name="email_time"),
]

# The "turn off" link in plan emails (email_views.py): the signed token is the key.
urlpatterns += [
    path("emails/stop/<str:token>/", email_views.stop_emails, name="stop_emails"),
]
