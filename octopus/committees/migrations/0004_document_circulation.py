"""Who reads a document follows the committee's practice (issue 16): `is_public` becomes `circulation` — a working
draft, circulated to the members, or public — and the secretariat's requests for comment are recorded.

Existing documents keep who reads them as far as the register can say: a public one stays public; a restricted one
was read by every delegation, so it is circulated to the members, unless its status says it is still a draft, which
makes it a working draft (the secretariat's; it may ask the assessed country to comment)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def checked_now(schema_editor):
    # PostgreSQL refuses to alter a table with deferred checks pending; a column is dropped next, in this transaction.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def circulation_from_access(apps, schema_editor):
    Document = apps.get_model("committees", "Document")
    Document.objects.filter(is_public=True).update(circulation="public")
    restricted = Document.objects.filter(is_public=False)
    restricted.filter(status="draft").update(circulation="draft")
    restricted.exclude(status="draft").update(circulation="circulated")
    checked_now(schema_editor)


def access_from_circulation(apps, schema_editor):
    Document = apps.get_model("committees", "Document")
    Document.objects.update(is_public=False)
    Document.objects.filter(circulation="public").update(is_public=True)
    checked_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0003_adoption_precision"),
        ("countries", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="circulation",
            field=models.CharField(
                choices=[("draft", "Working draft"), ("circulated", "Circulated to the members"), ("public", "Public")],
                default="draft",
                help_text="A working draft, circulated to the members, or public.",
                max_length=12,
                verbose_name="circulation",
            ),
        ),
        migrations.RunPython(circulation_from_access, access_from_circulation),
        migrations.RemoveField(model_name="document", name="is_public"),
        migrations.CreateModel(
            name="CommentRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "requested_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="requested at"
                    ),
                ),
                (
                    "country",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="countries.country",
                        verbose_name="country",
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comment_requests",
                        to="committees.document",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["document", "requested_at", "pk"],
                "constraints": [models.UniqueConstraint(fields=("document", "country"), name="comment_request_once")],
            },
        ),
    ]
