-- What request an Idempotency-Key was first used with (a hash of the question and the
-- conversation), so that the key reused for a different request is refused (422) instead of
-- silently answering with another question's message. Keys recorded before this have none
-- and are not checked.
ALTER TABLE idempotency_keys ADD COLUMN request_fingerprint text;
