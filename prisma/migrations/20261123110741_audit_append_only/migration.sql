-- The audit log is append-only: staff (and the application) can add rows but never change or remove them.
-- Retention jobs anonymise cases, not audit rows; the only way to delete audit rows is a database superuser
-- dropping this trigger, which is itself visible in the schema.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'AuditLog is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
