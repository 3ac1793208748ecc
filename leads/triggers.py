"""PostgreSQL triggers on the leads table: lead counts, and the lead's references checked per statement.

Created by migrations only (PostgreSQL; SQLite, the embedded run, has no transition tables and does
without them). The migrations import their SQL from here; a trigger changed later gets a new
versioned constant here and a new migration, so a migration's SQL stays what it applied.

Lead counts (`CREATE_LEAD_COUNTS`, migration leads 0002): `leads_leadcount` (`LeadCount`) holds the
leads per (advertiser, platform, source type, outreach ready), kept by statement-level triggers with
transition tables: one grouped upsert per ingest batch, exact under any writer (ingest, admin,
cascades). Deletes only decrement existing rows, so a cascading advertiser delete never re-creates
a count row for it. The social lead API's pagination reads its totals from them
(leads.api.v1.pagination).

Lead references (`CREATE_LEAD_REFERENCE_CHECKS`, migration leads 0006): PostgreSQL checks a foreign
key once per inserted row, which was the largest single cost of storing a page of leads. The lead's
three references (advertiser, job, target; `LEAD_REFERENCES`) have no foreign-key constraints
(`db_constraint=False` on `Lead`); they are checked here once per statement instead, for the
distinct ids of the rows it wrote, with the same locks and errors as the constraints they replace
(docs/decisions.md).
"""

from __future__ import annotations

# ------------------------------------------------------------------------------
# Lead counts
# ------------------------------------------------------------------------------
#: The function, its three triggers, then the backfill of the counts from the leads already stored.
CREATE_LEAD_COUNTS = """
CREATE OR REPLACE FUNCTION leads_lead_count_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE leads_leadcount c SET count = c.count - d.n
    FROM (SELECT advertiser_id, platform, source_type, outreach_ready, count(*) AS n
          FROM old_rows GROUP BY 1, 2, 3, 4) d
    WHERE c.advertiser_id = d.advertiser_id AND c.platform = d.platform
      AND c.source_type = d.source_type AND c.outreach_ready = d.outreach_ready;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO leads_leadcount (advertiser_id, platform, source_type, outreach_ready, count)
    SELECT advertiser_id, platform, source_type, outreach_ready, count(*)
    FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (advertiser_id, platform, source_type, outreach_ready)
    DO UPDATE SET count = leads_leadcount.count + EXCLUDED.count;
  ELSE
    INSERT INTO leads_leadcount (advertiser_id, platform, source_type, outreach_ready, count)
    SELECT advertiser_id, platform, source_type, outreach_ready, sum(n)
    FROM (SELECT advertiser_id, platform, source_type, outreach_ready, 1 AS n FROM new_rows
          UNION ALL
          SELECT advertiser_id, platform, source_type, outreach_ready, -1 AS n FROM old_rows) d
    GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (advertiser_id, platform, source_type, outreach_ready)
    DO UPDATE SET count = leads_leadcount.count + EXCLUDED.count;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER leads_lead_count_insert AFTER INSERT ON leads_lead
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_lead_count_apply();
CREATE TRIGGER leads_lead_count_update AFTER UPDATE ON leads_lead
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_lead_count_apply();
CREATE TRIGGER leads_lead_count_delete AFTER DELETE ON leads_lead
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION leads_lead_count_apply();
INSERT INTO leads_leadcount (advertiser_id, platform, source_type, outreach_ready, count)
SELECT advertiser_id, platform, source_type, outreach_ready, count(*) FROM leads_lead GROUP BY 1, 2, 3, 4;
"""

DROP_LEAD_COUNTS = """
DROP TRIGGER IF EXISTS leads_lead_count_insert ON leads_lead;
DROP TRIGGER IF EXISTS leads_lead_count_update ON leads_lead;
DROP TRIGGER IF EXISTS leads_lead_count_delete ON leads_lead;
DROP FUNCTION IF EXISTS leads_lead_count_apply();
"""

# ------------------------------------------------------------------------------
# Lead references
# ------------------------------------------------------------------------------
#: The lead columns checked, and the table each refers to.
LEAD_REFERENCES = {"advertiser_id": "accounts_advertiser", "job_id": "leads_scrapejob", "target_id": "leads_target"}


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


# The referring side. Each referenced row is locked FOR KEY SHARE, as PostgreSQL's own check does: it
# cannot be deleted (nor its id changed) until the writing transaction ends, and one deleted meanwhile
# is not found. Updates are checked too, since they may change a reference.
_CHECK_REFERENCES = f"""
CREATE OR REPLACE FUNCTION leads_lead_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ref bigint;
BEGIN{"".join(_check_reference(column, table) for column, table in LEAD_REFERENCES.items())}
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
_GUARD_CASES = "".join(
    f"\n    WHEN '{table}' THEN PERFORM 1 FROM leads_lead WHERE {column} = OLD.id LIMIT 1;"
    for column, table in LEAD_REFERENCES.items()
)
_GUARD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION leads_lead_guard_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION USING ERRCODE = 'object_not_in_prerequisite_state',
      MESSAGE = 'deleting from "' || TG_TABLE_NAME || '" needs READ COMMITTED isolation (leads may reference it)';
  END IF;
  CASE TG_TABLE_NAME{_GUARD_CASES}
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
_GUARD_REFERENCED = _GUARD_FUNCTION + "".join(
    f"""
CREATE CONSTRAINT TRIGGER leads_lead_guard_delete AFTER DELETE ON {table}
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION leads_lead_guard_referenced();
CREATE CONSTRAINT TRIGGER leads_lead_guard_key AFTER UPDATE OF id ON {table}
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION leads_lead_guard_referenced();"""
    for table in LEAD_REFERENCES.values()
)

#: Both sides: the checks of the leads written, and the guards on the referenced tables.
CREATE_LEAD_REFERENCE_CHECKS = _CHECK_REFERENCES + _GUARD_REFERENCED

DROP_LEAD_REFERENCE_CHECKS = (
    """
DROP TRIGGER IF EXISTS leads_lead_references_insert ON leads_lead;
DROP TRIGGER IF EXISTS leads_lead_references_update ON leads_lead;"""
    + "".join(
        f"""
DROP TRIGGER IF EXISTS leads_lead_guard_delete ON {table};
DROP TRIGGER IF EXISTS leads_lead_guard_key ON {table};"""
        for table in LEAD_REFERENCES.values()
    )
    + """
DROP FUNCTION IF EXISTS leads_lead_check_references();
DROP FUNCTION IF EXISTS leads_lead_guard_referenced();
"""
)
