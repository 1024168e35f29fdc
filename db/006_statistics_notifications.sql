-- Statistics pushes are driven by changes (issue 3). Two fixes to what tells the instances:
--
-- 1. instances_changed fired FOR EACH STATEMENT, so also for a DELETE that removed nothing: every
--    sweep of every instance (forgetDeadInstances) announced a change, and every instance re-read
--    the statistics each time, a database poll on a timer in all but name. Now it fires per row
--    that was really inserted or deleted (notifications of one transaction are sent once).
DROP TRIGGER instances_changed ON instances;

CREATE TRIGGER instances_changed
  AFTER INSERT OR DELETE ON instances
  FOR EACH ROW EXECUTE FUNCTION instances_notify_change();

-- 2. A retry changes the statistics (totalRetries) but not the status, so no status event said
--    so. Announce it on its own channel.
CREATE FUNCTION messages_notify_statistics() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('statistics_changed', '{}');
  RETURN NULL;
END;
$$;

CREATE TRIGGER messages_retry_counted
  AFTER UPDATE OF retries ON messages
  FOR EACH ROW WHEN (OLD.retries IS DISTINCT FROM NEW.retries)
  EXECUTE FUNCTION messages_notify_statistics();
