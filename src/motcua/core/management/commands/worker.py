"""``motcua worker``: runs queued background tasks (django-tasks database backend)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background task worker (notifications, national-portal sync, …)."

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="*", help="queue to consume, '*' for all")
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")

    def handle(self, *args, queue_name, batch, **options):
        arguments = ["--queue-name", queue_name]
        if batch:
            arguments.append("--batch")
        call_command("db_worker", *arguments)
