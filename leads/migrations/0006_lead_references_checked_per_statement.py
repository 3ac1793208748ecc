# Ingest speed (bench/ingest.py): PostgreSQL checks a foreign key once per inserted row, which was
# the largest single cost of storing a page of leads. The lead's three references (advertiser,
# job, target) are checked here once per statement instead, for the distinct ids of the rows it
# wrote, with the same locks and errors as the constraints they replace (docs/decisions.md).
import django.db.models.deletion
from django.db import migrations, models

from leadplatform.migration_ops import postgres_only

# The lead columns checked, and the table each refers to.
REFERENCES = {"advertiser_id": "accounts_advertiser", "job_id": "leads_scrapejob", "target_id": "leads_target"}


def _check_reference(column: str, table: str) -> str:
    return f"""
  FOR ref IN SELECT DISTINCT {column} FROM new_rows WHERE {column} IS NOT NULL ORDER BY 1 LOOP
    PERFORM 1 FROM {table} WHERE id = ref FOR KEY SHARE;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
        MESSAGE = 'insert or update on table "leads_lead" violates its reference to "{table}"',
        DETAIL = 'Key ({column})=(' || ref || ') is not present in table "{table}".';
    END IF;
  END LOOP;"""


# Each referenced row is locked FOR KEY SHARE, as PostgreSQL's own check does: it cannot be
# deleted (nor its id changed) until the writing transaction ends, and one deleted meanwhile is
# not found. Updates are checked too, since they may change a reference.
CHECK_REFERENCES = f"""
CREATE OR REPLACE FUNCTION leads_lead_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ref bigint;
BEGIN{"".join(_check_reference(column, table) for column, table in REFERENCES.items())}
  RETURN NULL;
END
$$;
CREATE TRIGGER leads_lead_references_insert AFTER INSERT ON leads_lead
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_lead_check_references();
CREATE TRIGGER leads_lead_references_update AFTER UPDATE ON leads_lead
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_lead_check_references();
"""

# The referenced side: a row that leads still point to cannot go, checked at commit like Django's
# deferred constraints (its deletion collector empties or nulls the references first). The check
# must see leads committed by others after this transaction began, which READ COMMITTED (Django's
# default, and this platform's) does and REPEATABLE READ does not: there the deletion is refused.
GUARD_CASES = "".join(
    f"\n    WHEN '{table}' THEN PERFORM 1 FROM leads_lead WHERE {column} = OLD.id LIMIT 1;"
    for column, table in REFERENCES.items()
)
GUARD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION leads_lead_guard_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
      MESSAGE = 'deleting from "' || TG_TABLE_NAME || '" needs READ COMMITTED isolation (leads may reference it)';
  END IF;
  CASE TG_TABLE_NAME{GUARD_CASES}
  END CASE;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
      MESSAGE = 'update or delete on table "' || TG_TABLE_NAME || '" violates the reference from table "leads_lead"',
      DETAIL = 'Key (id)=(' || OLD.id || ') is still referenced from table "leads_lead".';
  END IF;
  RETURN NULL;
END
$$;
"""
GUARD_REFERENCED = GUARD_FUNCTION + "".join(
    f"""
CREATE CONSTRAINT TRIGGER leads_lead_guard_delete AFTER DELETE ON {table}
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION leads_lead_guard_referenced();
CREATE CONSTRAINT TRIGGER leads_lead_guard_key AFTER UPDATE OF id ON {table}
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION leads_lead_guard_referenced();"""
    for table in REFERENCES.values()
)

DROP_CHECKS = (
    """
DROP TRIGGER IF EXISTS leads_lead_references_insert ON leads_lead;
DROP TRIGGER IF EXISTS leads_lead_references_update ON leads_lead;"""
    + "".join(
        f"""
DROP TRIGGER IF EXISTS leads_lead_guard_delete ON {table};
DROP TRIGGER IF EXISTS leads_lead_guard_key ON {table};"""
        for table in REFERENCES.values()
    )
    + """
DROP FUNCTION IF EXISTS leads_lead_check_references();
DROP FUNCTION IF EXISTS leads_lead_guard_referenced();
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_token_source_app"),
        ("leads", "0005_lead_ingest_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="lead",
            name="advertiser",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="leads",
                to="accounts.advertiser",
            ),
        ),
        migrations.AlterField(
            model_name="lead",
            name="job",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="leads",
                to="leads.scrapejob",
            ),
        ),
        migrations.AlterField(
            model_name="lead",
            name="target",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="leads",
                to="leads.target",
            ),
        ),
        migrations.RunPython(
            postgres_only(CHECK_REFERENCES + GUARD_REFERENCED), postgres_only(DROP_CHECKS), elidable=False
        ),
    ]
