"""The curated service categories ASF sell, with the CPV prefixes used to match tenders."""

from django.db import migrations

CATEGORIES = [
    # slug, Swedish, English, CPV prefixes (leading digits of CPV codes in the category)
    ("cafe", "Café och restaurang", "Café and restaurant", "553"),
    ("catering", "Catering och matlådor", "Catering and meal boxes", "5552"),
    ("cleaning", "Städning", "Cleaning", "9091"),
    ("property-care", "Fastighetsskötsel", "Property maintenance", "5070,7033"),
    ("grounds", "Utemiljö och grönyteskötsel", "Grounds and green-space care", "7731"),
    ("snow-clearing", "Snöröjning", "Snow clearing", "9062"),
    ("removals", "Flytt och transport", "Removals and transport", "9839,6010"),
    ("laundry", "Tvätteri", "Laundry", "9831"),
    ("bicycle-repair", "Cykelverkstad", "Bicycle repair", ""),
    ("car-care", "Biltvätt och fordonsvård", "Car washing and vehicle care", "50112"),
    ("second-hand", "Second hand och återbruk", "Second-hand and reuse", ""),
    ("carpentry", "Snickeri och hantverk", "Carpentry and crafts", "4542"),
    ("fruit-baskets", "Fruktkorgar och leveranser", "Fruit baskets and deliveries", "1530"),
    ("office-services", "Kontorstjänster och skanning", "Office services and scanning", "7950"),
    ("work-training", "Arbetsträning och rehabilitering", "Work training and rehabilitation", "8531,8053"),
]


def create(apps, schema_editor):
    ServiceCategory = apps.get_model("companies", "ServiceCategory")
    for slug, name, name_en, cpv in CATEGORIES:
        ServiceCategory.objects.update_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "cpv_prefixes": cpv}
        )


class Migration(migrations.Migration):
    dependencies = [("companies", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
