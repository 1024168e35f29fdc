-- Running totals for the statistics, so that reading them does not scan every message ever
-- asked (seconds at a million rows, and the dashboard reads them up to four times a second).
--
-- Not one counter row updated by every write: that would serialise all writers. Instead each
-- statement that changes messages appends one row of differences (insert-only, no lock to wait
-- on), and compact_message_totals() folds the rows into one now and then. The totals are the sum
-- of the rows. Deleting messages (retention) keeps their counts: the totals are lifetime counts.
CREATE TABLE message_totals (
  id                  bigserial PRIMARY KEY,
  succeeded           bigint NOT NULL DEFAULT 0,
  failed              bigint NOT NULL DEFAULT 0,
  cancelled           bigint NOT NULL DEFAULT 0,
  retries             bigint NOT NULL DEFAULT 0,
  -- Over completed messages only, for the averages.
  processing_time_ms  double precision NOT NULL DEFAULT 0,
  completed_tokens    bigint NOT NULL DEFAULT 0,
  -- Over every message, completed or not.
  tokens              bigint NOT NULL DEFAULT 0
);

-- What the given rows contribute to the totals; a statement's delta is new minus old.
CREATE FUNCTION message_totals_of(status text, cancelled boolean, retries integer, processing_time_ms double precision,
                                  prompt_tokens integer, completion_tokens integer)
RETURNS TABLE (succeeded bigint, failed bigint, cancelled bigint, retries bigint, processing_time_ms double precision,
               completed_tokens bigint, tokens bigint)
LANGUAGE sql IMMUTABLE AS $$
  SELECT (status = 'completed')::int::bigint,
         (status = 'failed')::int::bigint,
         (status = 'failed' AND cancelled)::int::bigint,
         retries::bigint,
         CASE WHEN status = 'completed' THEN coalesce(processing_time_ms, 0) ELSE 0 END,
         CASE WHEN status = 'completed' THEN coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0) ELSE 0 END::bigint,
         (coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0))::bigint
$$;

-- One row of differences per INSERT or UPDATE statement, and none when nothing counted changed
-- (lease renewals, claims, releases).
CREATE FUNCTION messages_record_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO message_totals (succeeded, failed, cancelled, retries, processing_time_ms, completed_tokens, tokens)
    SELECT sum(t.succeeded), sum(t.failed), sum(t.cancelled), sum(t.retries), sum(t.processing_time_ms),
           sum(t.completed_tokens), sum(t.tokens)
      FROM new_rows n,
           message_totals_of(n.status, n.cancelled, n.retries, n.processing_time_ms, n.prompt_tokens,
                             n.completion_tokens) t
    HAVING sum(t.succeeded) <> 0 OR sum(t.failed) <> 0 OR sum(t.retries) <> 0 OR sum(t.tokens) <> 0
        OR sum(t.processing_time_ms) <> 0;
  ELSE
    INSERT INTO message_totals (succeeded, failed, cancelled, retries, processing_time_ms, completed_tokens, tokens)
    SELECT sum(a.succeeded - b.succeeded), sum(a.failed - b.failed), sum(a.cancelled - b.cancelled),
           sum(a.retries - b.retries), sum(a.processing_time_ms - b.processing_time_ms),
           sum(a.completed_tokens - b.completed_tokens), sum(a.tokens - b.tokens)
      FROM new_rows n JOIN old_rows o ON o.id = n.id,
           message_totals_of(n.status, n.cancelled, n.retries, n.processing_time_ms, n.prompt_tokens,
                             n.completion_tokens) a,
           message_totals_of(o.status, o.cancelled, o.retries, o.processing_time_ms, o.prompt_tokens,
                             o.completion_tokens) b
     WHERE n.status IS DISTINCT FROM o.status OR n.retries <> o.retries
        OR n.cancelled IS DISTINCT FROM o.cancelled
        OR n.processing_time_ms IS DISTINCT FROM o.processing_time_ms
        OR n.prompt_tokens IS DISTINCT FROM o.prompt_tokens
        OR n.completion_tokens IS DISTINCT FROM o.completion_tokens
    HAVING sum(a.succeeded - b.succeeded) <> 0 OR sum(a.failed - b.failed) <> 0
        OR sum(a.cancelled - b.cancelled) <> 0 OR sum(a.retries - b.retries) <> 0
        OR sum(a.processing_time_ms - b.processing_time_ms) <> 0 OR sum(a.tokens - b.tokens) <> 0
        OR sum(a.completed_tokens - b.completed_tokens) <> 0;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER messages_totals_inserted
  AFTER INSERT ON messages REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION messages_record_totals();

CREATE TRIGGER messages_totals_updated
  AFTER UPDATE ON messages REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION messages_record_totals();

-- Folds every visible row into one. Safe while writers append and while another instance
-- compacts at the same moment: a row is counted by whichever DELETE removed it, and a row
-- committed after this statement's snapshot stays for the next run.
CREATE FUNCTION compact_message_totals() RETURNS integer LANGUAGE sql AS $$
  WITH folded AS (DELETE FROM message_totals RETURNING *),
       merged AS (
         INSERT INTO message_totals (succeeded, failed, cancelled, retries, processing_time_ms, completed_tokens, tokens)
         SELECT coalesce(sum(succeeded), 0), coalesce(sum(failed), 0), coalesce(sum(cancelled), 0),
                coalesce(sum(retries), 0), coalesce(sum(processing_time_ms), 0), coalesce(sum(completed_tokens), 0),
                coalesce(sum(tokens), 0)
           FROM folded
         HAVING count(*) > 0
         RETURNING 1)
  SELECT (SELECT count(*) FROM folded)::integer
$$;

-- The messages already there when this migration runs.
INSERT INTO message_totals (succeeded, failed, cancelled, retries, processing_time_ms, completed_tokens, tokens)
SELECT coalesce(sum(t.succeeded), 0), coalesce(sum(t.failed), 0), coalesce(sum(t.cancelled), 0),
       coalesce(sum(t.retries), 0), coalesce(sum(t.processing_time_ms), 0), coalesce(sum(t.completed_tokens), 0),
       coalesce(sum(t.tokens), 0)
  FROM messages m,
       message_totals_of(m.status, m.cancelled, m.retries, m.processing_time_ms, m.prompt_tokens,
                         m.completion_tokens) t;
