/**
 * A migration like the ones StellaOps services run at start-up, written unqualified so it lands
 * in the role's own schema and finds the extensions through search_path.
 */
export const migration = `
CREATE TYPE job_state AS ENUM ('queued', 'running', 'done');
CREATE TABLE items (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id text NOT NULL,
    name text NOT NULL,
    doc jsonb NOT NULL DEFAULT '{}',
    state job_state NOT NULL DEFAULT 'queued',
    fingerprint text GENERATED ALWAYS AS (encode(digest(name, 'sha256'), 'hex')) STORED,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX items_doc_gin ON items USING gin (doc jsonb_path_ops);
CREATE INDEX items_name_trgm ON items USING gin (name gin_trgm_ops);
CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := clock_timestamp();
    RETURN NEW;
END $$;
CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE VIEW items_by_state AS SELECT state, count(*) AS n FROM items GROUP BY state;
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
ALTER TABLE items FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON items
    USING (tenant_id = current_setting('app.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
`;
