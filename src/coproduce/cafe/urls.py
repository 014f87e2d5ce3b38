from django.urls import path

from . import views

app_name = "cafe"

urlpatterns = [
    path("agenda/<int:item_id>/open/", views.open_cafe, name="open"),
    path("<int:cafe_id>/", views.setup, name="setup"),
    path("<int:cafe_id>/people/", views.people, name="people"),
    path("<int:cafe_id>/people/newcomers/", views.add_newcomers, name="add_newcomers"),
    path("<int:cafe_id>/rules/", views.add_rule, name="add_rule"),
    path("<int:cafe_id>/rules/<int:rule_id>/delete/", views.delete_rule, name="delete_rule"),
    path("<int:cafe_id>/plan/", views.plan, name="plan"),
    path("<int:cafe_id>/plan/make/", views.make_plan, name="make_plan"),
    path("<int:cafe_id>/live/", views.live, name="live"),
    path("<int:cafe_id>/live/advance/", views.advance, name="advance"),
    path("<int:cafe_id>/close/", views.close, name="close"),
    path("<int:cafe_id>/screen/", views.screen, name="screen"),
    path("<int:cafe_id>/me/", views.mine, name="mine"),
    path("p/<str:key>/", views.personal, name="personal"),
    path("<int:cafe_id>/tables/<int:table_id>/notes/", views.table_notes, name="table_notes"),
    path("notes/<int:note_id>/edit/", views.edit_note, name="edit_note"),
    path("notes/<int:note_id>/photo/", views.note_photo, name="note_photo"),
    path("<int:cafe_id>/harvest/", views.harvest, name="harvest"),
    path("<int:cafe_id>/print/<str:kind>/", views.printables, name="printables"),
    path("<int:cafe_id>/breakout.csv", views.breakout_csv, name="breakout_csv"),
]
