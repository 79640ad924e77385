import json

from django.core.management.base import BaseCommand, CommandError

from households.services import classify_json


class Command(BaseCommand):
    help = "Classify the households in a JSON file (one household or a list) without storing anything."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="path to a JSON file in the form of docs/domain/household-json.md; - for stdin"
        )

    def handle(self, *args, file, **options):
        try:
            if file == "-":
                import sys

                payload = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as handle:
                    payload = json.load(handle)
        except (OSError, json.JSONDecodeError) as error:
            raise CommandError(f"Không đọc được tệp {file}: {error}") from error
        results = classify_json(payload)
        self.stdout.write(json.dumps(results, ensure_ascii=False, indent=1))
        invalid = [r for r in results if "errors" in r]
        if invalid:
            raise CommandError(f"{len(invalid)} hộ không hợp lệ")
