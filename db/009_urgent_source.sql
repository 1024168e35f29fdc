-- Emergency triage has two layers (issue 14): the deterministic rules flag a question before it
-- is written, and the model's second opinion may flag it later. Record which one did, and
-- announce a later flag as a status event like any other.
ALTER TABLE messages
  ADD COLUMN urgent_source text CHECK (urgent_source IN ('rules', 'model'));

-- Every message flagged so far was flagged by the rules (the only layer there was).
UPDATE messages SET urgent_source = 'rules' WHERE urgent;

CREATE OR REPLACE FUNCTION message_status_payload(m messages, status text) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
  payload text;
BEGIN
  payload := json_strip_nulls(json_build_object(
    'id', m.id,
    'status', status,
    'conversationId', m.conversation_id,
    'response', CASE WHEN status = 'completed' THEN m.response END,
    'error', CASE WHEN status = 'failed' THEN m.error END,
    'cancelled', CASE WHEN m.cancelled THEN true END,
    'urgent', CASE WHEN m.urgent THEN true END,
    'urgentAdvice', CASE WHEN m.urgent THEN m.urgent_advice END,
    'urgentSource', CASE WHEN m.urgent THEN m.urgent_source END,
    -- When the event was sent (ms since the epoch), for the relay-lag metric.
    'sentAt', round(extract(epoch FROM clock_timestamp()) * 1000)
  ))::text;
  -- NOTIFY payloads are limited to 8000 bytes: the listener fetches a large answer by id.
  IF octet_length(payload) > 7900 THEN
    payload := json_build_object('id', m.id, 'status', status, 'truncated', true,
      'sentAt', round(extract(epoch FROM clock_timestamp()) * 1000))::text;
  END IF;
  RETURN payload;
END;
$$;

-- A message becoming urgent without a status change (the model's flag) is a status event too:
-- the same payload, with the status it has. A change of both is already announced once.
CREATE TRIGGER messages_urgent_raised
  AFTER UPDATE OF urgent ON messages
  FOR EACH ROW WHEN (NEW.urgent AND NOT OLD.urgent AND OLD.status IS NOT DISTINCT FROM NEW.status)
  EXECUTE FUNCTION messages_notify_status();
