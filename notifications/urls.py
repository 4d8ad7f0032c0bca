from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/ack/", views.alerts_ack_shown, name="ack-shown"),
    path("inbox/<int:pk>/ack/", views.alert_ack, name="ack"),
    path("letters/", views.letter_list, name="letters"),
    path("letters/<int:pk>/", views.letter_detail, name="letter"),
    path("letters/<int:pk>/reply/", views.letter_reply_page, name="letter-reply"),
    path("interviews/", views.interview_list, name="interviews"),
]
