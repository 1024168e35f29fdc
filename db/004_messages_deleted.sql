-- Deleting messages (retention) is announced once per statement, so that every instance drops
-- the finished answers it keeps in memory for polling clients.
CREATE FUNCTION messages_notify_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('messages_deleted', '{}');
  RETURN NULL;
END;
$$;

CREATE TRIGGER messages_deleted
  AFTER DELETE ON messages
  FOR EACH STATEMENT EXECUTE FUNCTION messages_notify_deleted();
