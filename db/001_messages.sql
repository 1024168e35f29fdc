-- Messages: the source of truth and the durable work queue.
CREATE TABLE messages (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  question            text NOT NULL,
  status              text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
  response            text,
  error               text,
  provider            text,
  model               text,
  -- attempts: provider calls started; retries: attempts after a retryable failure.
  attempts            integer NOT NULL DEFAULT 0,
  retries             integer NOT NULL DEFAULT 0,
  prompt_tokens       integer,
  completion_tokens   integer,
  created_at          timestamptz NOT NULL DEFAULT now(),
  started_at          timestamptz,
  completed_at        timestamptz,
  processing_time_ms  double precision,
  -- The instance that holds the message (queued or processing) and until when its lease runs.
  claimed_by          text,
  lease_expires_at    timestamptz
);

-- The sweeper looks for unfinished messages whose lease ran out, oldest first.
CREATE INDEX messages_unfinished_idx ON messages (lease_expires_at, created_at)
  WHERE status IN ('pending', 'processing');
-- Lease renewal and release touch the messages one instance holds.
CREATE INDEX messages_claimed_by_idx ON messages (claimed_by)
  WHERE status IN ('pending', 'processing');

-- Instances sharing the database, for global statistics (maxWorkers) and liveness.
CREATE TABLE instances (
  id             text PRIMARY KEY,
  max_workers    integer NOT NULL,
  started_at     timestamptz NOT NULL DEFAULT now(),
  heartbeat_at   timestamptz NOT NULL DEFAULT now()
);
