-- Every status change of a message is announced on channel message_status, from whichever
-- instance made it; each instance's listener relays it to its own clients. NOTIFY payloads are
-- limited to 8000 bytes: an answer or error that does not fit is left out ("truncated": true)
-- and the listener fetches the row by id, so nothing is ever cut.
CREATE FUNCTION messages_notify_status() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  payload text;
BEGIN
  payload := json_build_object(
    'id', NEW.id,
    'status', NEW.status,
    'response', CASE WHEN NEW.status = 'completed' THEN NEW.response END,
    'error', CASE WHEN NEW.status = 'failed' THEN NEW.error END
  )::text;
  IF octet_length(payload) > 7900 THEN
    payload := json_build_object('id', NEW.id, 'status', NEW.status, 'truncated', true)::text;
  END IF;
  PERFORM pg_notify('message_status', payload);
  RETURN NULL;
END;
$$;

CREATE TRIGGER messages_status_inserted
  AFTER INSERT ON messages
  FOR EACH ROW EXECUTE FUNCTION messages_notify_status();

CREATE TRIGGER messages_status_changed
  AFTER UPDATE OF status ON messages
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION messages_notify_status();

-- Instances joining or leaving change the global worker capacity shown in the statistics.
CREATE FUNCTION instances_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('instances_changed', '{}');
  RETURN NULL;
END;
$$;

CREATE TRIGGER instances_changed
  AFTER INSERT OR DELETE ON instances
  FOR EACH STATEMENT EXECUTE FUNCTION instances_notify_change();
