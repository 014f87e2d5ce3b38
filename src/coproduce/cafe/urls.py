from django.urls import path

from . import views

app_name = "cafe"

urlpatterns = [
    path("agenda/<id:item_id>/open/", views.open_cafe, name="open"),
    path("<id:cafe_id>/", views.setup, name="setup"),
    path("<id:cafe_id>/people/", views.people, name="people"),
    path("<id:cafe_id>/people/newcomers/", views.add_newcomers, name="add_newcomers"),
    path("<id:cafe_id>/rules/", views.add_rule, name="add_rule"),
    path("<id:cafe_id>/rules/<id:rule_id>/delete/", views.delete_rule, name="delete_rule"),
    path("<id:cafe_id>/plan/", views.plan, name="plan"),
    path("<id:cafe_id>/plan/make/", views.make_plan, name="make_plan"),
    path("<id:cafe_id>/live/", views.live, name="live"),
    path("<id:cafe_id>/live/advance/", views.advance, name="advance"),
    path("<id:cafe_id>/close/", views.close, name="close"),
    path("<id:cafe_id>/screen/", views.screen, name="screen"),
    path("<id:cafe_id>/me/", views.mine, name="mine"),
    path("p/<str:key>/", views.personal, name="personal"),
    path("<id:cafe_id>/tables/<id:table_id>/notes/", views.table_notes, name="table_notes"),
    path("notes/<id:note_id>/edit/", views.edit_note, name="edit_note"),
    path("notes/<id:note_id>/photo/", views.note_photo, name="note_photo"),
    path("<id:cafe_id>/harvest/", views.harvest, name="harvest"),
    path("<id:cafe_id>/print/<str:kind>/", views.printables, name="printables"),
    path("<id:cafe_id>/breakout.csv", views.breakout_csv, name="breakout_csv"),
]
