from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("regions", "0002_city_region_radius_m")]

    operations = [
        migrations.RunSQL(
            "UPDATE regions_region SET radius_m = sqrt(ST_Area(geom::geography) / pi()) "
            "WHERE radius_m IS NULL",
            migrations.RunSQL.noop,
        )
    ]
