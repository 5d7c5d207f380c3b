from django.urls import path

from octopus.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("audit/", views.audit_log, name="audit_log"),
]
