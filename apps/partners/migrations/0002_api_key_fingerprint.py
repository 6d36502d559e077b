from django.db import migrations

from apps.partners.selectors import fingerprint_function_sql

# What a key's authentication depends on (its state and scopes, its partner's state, the brands
# the partner may read), as one hash: a read that assumes a key this process looked up before
# checks it in its own statement (`apps.partners.key_checks`).


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial"), ("brands", "0001_initial")]

    operations = [
        migrations.RunSQL(fingerprint_function_sql(), "DROP FUNCTION api_key_fingerprint(text)")
    ]
