-- A question accepted while a worker of the accepting instance is idle is written already
-- claimed (status processing, attempt 1) by that one INSERT, instead of an INSERT and then a
-- claim: one database round trip less on every answer's path (issue 8, latency).
--
-- Watchers must still see every state, in order: an INSERT of a row that is already processing
-- announces pending first, then processing (both in its transaction, so in that order).
CREATE FUNCTION message_status_payload(m messages, status text) RETURNS text LANGUAGE plpgsql STABLE AS $$
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

CREATE OR REPLACE FUNCTION messages_notify_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' AND NEW.status = 'processing' THEN
    PERFORM pg_notify('message_status', message_status_payload(NEW, 'pending'));
  END IF;
  PERFORM pg_notify('message_status', message_status_payload(NEW, NEW.status));
  RETURN NULL;
END;
$$;
