from django.db import migrations

from apps.partners.selectors import fingerprint_function_sql

# The entitlement SQL now lists each brand's competitors in order: without it, a rewritten
# competitor row or another plan could change a key's fingerprint with nothing changed, and
# run a request twice. The function of 0002, written again with it.


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_api_key_fingerprint")]

    operations = [migrations.RunSQL(fingerprint_function_sql(), migrations.RunSQL.noop)]
