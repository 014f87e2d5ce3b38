from django.urls import path

from . import exports, views

app_name = "assessments"

urlpatterns = [
    path("coalition/<slug:coalition_slug>/", views.coalition_list, name="list"),
    path("coalition/<slug:coalition_slug>/new/", views.create, name="create"),
    path("<id:assessment_id>/", views.detail, name="detail"),
    path("<id:assessment_id>/state/", views.change_state, name="change_state"),
    path("<id:assessment_id>/promise/", views.promise, name="promise"),
    path("<id:assessment_id>/answer/", views.answer, name="answer"),
    path("<id:assessment_id>/share/", views.share, name="share"),
    path("<id:assessment_id>/results/", views.results_page, name="results"),
    path("<id:assessment_id>/answers/", views.answers, name="answers"),
    path("<id:assessment_id>/results.<str:fmt>", exports.download, name="download"),
    path("<id:assessment_id>/answers.<str:fmt>", exports.responses, name="responses"),
    # The link people answer through with no account: its secret is the credential.
    path("a/<str:code>/", views.answer_by_link, name="answer_by_link"),
]
