from django.db import migrations


def seed_categories(apps, schema_editor):
    from signalements.categories import seed

    seed(apps.get_model("signalements", "Categorie"))


class Migration(migrations.Migration):
    dependencies = [("signalements", "0001_initial")]

    operations = [migrations.RunPython(seed_categories, migrations.RunPython.noop)]
