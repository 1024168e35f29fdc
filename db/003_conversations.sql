-- Conversations: follow-up questions carry the earlier turns as context.
CREATE TABLE conversations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- Last activity; retention (RETENTION_DAYS) deletes conversations idle for longer.
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_updated_at_idx ON conversations (updated_at);

ALTER TABLE messages
  ADD COLUMN conversation_id uuid REFERENCES conversations (id) ON DELETE CASCADE,
  -- Cancelled messages end 'failed' with error 'cancelled', so four-state clients keep working.
  ADD COLUMN cancelled boolean NOT NULL DEFAULT false,
  -- Set at once by the deterministic red-flag check, before the model answers.
  ADD COLUMN urgent boolean NOT NULL DEFAULT false,
  ADD COLUMN urgent_advice text;
CREATE INDEX messages_conversation_idx ON messages (conversation_id, created_at);
-- Retention of messages from before conversations existed.
CREATE INDEX messages_created_at_idx ON messages (created_at) WHERE conversation_id IS NULL;

-- Idempotency-Key → the message it created, for 24 hours.
CREATE TABLE idempotency_keys (
  key         text PRIMARY KEY,
  message_id  uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);

-- The status event now also says whether a message was cancelled or is urgent.
CREATE OR REPLACE FUNCTION messages_notify_status() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  payload text;
BEGIN
  payload := json_strip_nulls(json_build_object(
    'id', NEW.id,
    'status', NEW.status,
    'conversationId', NEW.conversation_id,
    'response', CASE WHEN NEW.status = 'completed' THEN NEW.response END,
    'error', CASE WHEN NEW.status = 'failed' THEN NEW.error END,
    'cancelled', CASE WHEN NEW.cancelled THEN true END,
    'urgent', CASE WHEN NEW.urgent THEN true END,
    'urgentAdvice', CASE WHEN NEW.urgent THEN NEW.urgent_advice END,
    -- When the event was sent (ms since the epoch), for the relay-lag metric.
    'sentAt', round(extract(epoch FROM clock_timestamp()) * 1000)
  ))::text;
  IF octet_length(payload) > 7900 THEN
    payload := json_build_object('id', NEW.id, 'status', NEW.status, 'truncated', true,
      'sentAt', round(extract(epoch FROM clock_timestamp()) * 1000))::text;
  END IF;
  PERFORM pg_notify('message_status', payload);
  RETURN NULL;
END;
$$;
