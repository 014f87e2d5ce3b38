from django.urls import path

from . import exports, live_views, note_views, seat_views, views

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
    path(
        "<id:cafe_id>/plan/people/<id:participant_id>/move/",
        seat_views.move_seat,
        name="move_seat",
    ),
    path("<id:cafe_id>/late/<id:registration_id>/seat/", seat_views.seat_now, name="seat_now"),
    path("<id:cafe_id>/late/", seat_views.late_arrivals, name="late_arrivals"),
    path("<id:cafe_id>/live/", live_views.live, name="live"),
    path("<id:cafe_id>/live/advance/", live_views.advance, name="advance"),
    path("<id:cafe_id>/live/undo/", live_views.undo, name="undo"),
    path("<id:cafe_id>/live/pause/", live_views.pause, name="pause"),
    path("<id:cafe_id>/live/minutes/", live_views.minutes, name="minutes"),
    path("<id:cafe_id>/close/", live_views.close, name="close"),
    path("<id:cafe_id>/screen/", live_views.screen, name="screen"),
    path("<id:cafe_id>/me/", views.mine, name="mine"),
    path("p/<str:key>/", views.personal, name="personal"),
    path("<id:cafe_id>/tables/<id:table_id>/notes/", note_views.table_notes, name="table_notes"),
    path("notes/<id:note_id>/edit/", note_views.edit_note, name="edit_note"),
    path(
        "notes/<id:note_id>/versions/<id:revision_id>/restore/",
        note_views.restore_note,
        name="restore_note",
    ),
    path("notes/<id:note_id>/photo/", views.note_photo, name="note_photo"),
    path("<id:cafe_id>/harvest/", views.harvest, name="harvest"),
    path("<id:cafe_id>/harvest.csv", exports.harvest_csv, name="harvest_csv"),
    path("<id:cafe_id>/print/<str:kind>/", views.printables, name="printables"),
    path("<id:cafe_id>/breakout.csv", views.breakout_csv, name="breakout_csv"),
]
