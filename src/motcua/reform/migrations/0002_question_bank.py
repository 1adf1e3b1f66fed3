"""Load the question bank shipped in reform/data/question_bank.json (versioned data)."""

import json
from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parents[1] / "data" / "question_bank.json"


def load(apps, schema_editor):
    QuestionBank = apps.get_model("reform", "QuestionBank")
    Question = apps.get_model("reform", "Question")
    data = json.loads(FILE.read_text(encoding="utf-8"))
    if QuestionBank.objects.filter(version=data["version"]).exists():
        return
    QuestionBank.objects.filter(is_current=True).update(is_current=False)
    bank = QuestionBank.objects.create(
        version=data["version"], title=data["title"], legal_basis=data.get("legal_basis", []), is_current=True
    )
    for i, q in enumerate(data["questions"]):
        Question.objects.create(
            bank=bank,
            position=i,
            code=q["code"],
            dimension=q["dimension"],
            component=q["component"],
            per=q.get("per", ""),
            text=q["text"],
            text_en=q.get("text_en", ""),
        )


class Migration(migrations.Migration):
    dependencies = [("reform", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
