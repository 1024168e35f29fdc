/**
 * The triage's second opinion (issue 14, item 4) through the whole service, against the
 * wire-protocol fakes of both SDKs: a model that calls a calm question an emergency flags it
 * (urgentSource "model", vetted advice in the question's language), the flag reaches a socket
 * as a status event and REST, and the answer is neither held up nor broken by the call, whether
 * it answers, errs, stalls or talks nonsense. With the mock it stays off; it never lowers.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { raiseUrgentFromModel } from '../../server/db/messages.js';
import { createLogger } from '../../server/logger.js';
import { MockProvider } from '../../server/providers/mock.js';
import type { LlmProvider } from '../../server/providers/types.js';
import type { Service } from '../../server/service.js';
import { SECOND_OPINION_OUTCOMES } from '../../server/stats/metrics.js';
import { SecondOpinion } from '../../server/triage/second-opinion.js';
import { messageStateSchema } from '../../shared/rest.js';
import { serverEventSchemas } from '../../shared/socket-events.js';
import { adviceFor, type TriageCategory } from '../../shared/triage/index.js';
import { useTestDatabaseForFile } from '../helpers/database.js';
import { useFakeLlmServerForFile } from '../helpers/fake-llm-server.js';
import { ask, eventually, getJson, postJson, waitForFinal } from '../helpers/http.js';
import { startTestService } from '../helpers/service.js';
import { connect, type Recorder } from '../helpers/socket.js';

const fake = useFakeLlmServerForFile();
const db = useTestDatabaseForFile();

/** Nothing in it for the rules to flag. */
const CALM = 'What is a good bedtime routine for a toddler?';

const SDKS = {
  anthropic: { LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: 'sk-ant-test-0000000000' },
  openai: { LLM_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-openai-test-000000' },
  /** OpenAI's wire, but JSON mode: DeepSeek has no Structured Outputs. */
  deepseek: { LLM_PROVIDER: 'deepseek', DEEPSEEK_API_KEY: 'sk-deepseek-test-0000' },
} as const;
type Sdk = keyof typeof SDKS;

async function withService(sdk: Sdk | 'mock', env: Record<string, string>, use: (s: Service) => Promise<void>) {
  const service = await startTestService({
    databaseUrl: db.url,
    env: {
      ...(sdk === 'mock' ? { LLM_PROVIDER: 'mock' } : SDKS[sdk]),
      ANTHROPIC_BASE_URL: fake.anthropicBaseUrl,
      OPENAI_BASE_URL: fake.openAiBaseUrl,
      DEEPSEEK_BASE_URL: fake.openAiBaseUrl,
      // Generous: a gated answer must not be taken for a stalled one on a loaded machine.
      LLM_TIMEOUT_MS: '20000',
      ...env,
    },
  });
  try {
    await use(service);
  } finally {
    await service.close();
  }
}

function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const emergency = (category: TriageCategory | null) => ({ emergency_now: true, category });

async function askOverSocket(recorder: Recorder, question: string): Promise<string> {
  const ack = (await recorder.socket.emitWithAck('ask', { question })) as { messageId?: string; error?: string };
  if (!ack.messageId) throw new Error(`ask failed: ${ack.error}`);
  return ack.messageId;
}

async function metric(service: Service, series: string): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no ${series} in /metrics`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}
const outcome = (service: Service, name: string) =>
  metric(service, `medchat_triage_second_opinions_total{outcome="${name}"}`);
const urgentBy = (service: Service, source: string) =>
  metric(service, `medchat_urgent_messages_total{source="${source}"}`);

async function outcomes(service: Service): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of SECOND_OPINION_OUTCOMES) counts[name] = await outcome(service, name);
  return counts;
}

/** How each wire carries the structured request; the model is asked the closed list. */
function expectStructuredRequest(sdk: Sdk) {
  expect(fake.structuredRequests).toHaveLength(1);
  const { body } = fake.structuredRequests[0] as { body: Record<string, unknown> };
  expect(body.stream).not.toBe(true);
  if (sdk === 'anthropic') {
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'emergency_verdict' });
    const [tool] = body.tools as Array<{ input_schema: { properties: Record<string, { anyOf?: unknown[] }> } }>;
    expect(Object.keys(tool?.input_schema.properties ?? {})).toEqual(['emergency_now', 'category']);
    expect(JSON.stringify(tool?.input_schema.properties.category)).toContain('meningitis-or-sepsis');
    expect(body.system).toMatch(/emergency care NOW/);
    return;
  }
  const format = body.response_format as { type: string; json_schema?: { strict: boolean; schema: unknown } };
  const [system] = body.messages as Array<{ role: string; content: string }>;
  expect(system?.content).toMatch(/emergency care NOW/);
  if (sdk === 'openai') {
    expect(format.type).toBe('json_schema');
    expect(format.json_schema?.strict).toBe(true);
    expect(JSON.stringify(format.json_schema?.schema)).toContain('"additionalProperties":false');
  } else {
    expect(format).toEqual({ type: 'json_object' });
    expect(system?.content).toContain('"emergency_now"');
  }
}

describe.each(Object.keys(SDKS) as Sdk[])('%s: a model that calls a calm question an emergency', (sdk) => {
  it('flags it (model, vetted advice), pushes the flag to the socket as it happens, REST shows it, and the answer completes', async () => {
    const answer = gate();
    fake.script({ kind: 'answer', pieces: ['A calm ', 'routine helps.'], gate: answer.opened });
    fake.scriptStructured({ kind: 'structured', value: emergency('meningitis-or-sepsis') });
    await withService(sdk, {}, async (service) => {
      const user = await connect(service.url);
      try {
        const messageId = await askOverSocket(user, CALM);
        const flagged = await eventually(
          () => user.of(messageId).statuses.find((event) => event.urgent),
          10_000,
          'the status event with the flag',
        );
        const advice = adviceFor(['meningitis-or-sepsis'], 'en');
        const event = serverEventSchemas['message:status'].parse(flagged);
        expect(event).toMatchObject({ urgent: true, urgentSource: 'model', urgentAdvice: advice });
        // The answer was still being written: the flag did not wait for it, nor it for the flag.
        expect(['pending', 'processing']).toContain(event.status);
        answer.open();
        const final = messageStateSchema.parse(await waitForFinal(service.url, messageId));
        expect(final).toEqual({
          status: 'completed',
          response: 'A calm routine helps.',
          urgent: true,
          urgentAdvice: advice,
          urgentSource: 'model',
        });
        const completed = await eventually(() => user.of(messageId).statuses.find((e) => e.status === 'completed'));
        expect(completed).toMatchObject({ urgent: true, urgentSource: 'model' });
        expectStructuredRequest(sdk);
        expect(await outcome(service, 'raised')).toBe(1);
        expect(await urgentBy(service, 'model')).toBe(1);
        expect(await urgentBy(service, 'rules')).toBe(0);
      } finally {
        answer.open();
        user.socket.close();
      }
    });
  });
});

describe('when the model flags it after the answer finished', () => {
  it('the flag still reaches who followed it, once, and REST shows it, also for a finished message read before', async () => {
    const verdict = gate();
    fake.scriptStructured({ kind: 'structured', value: emergency('stroke'), gate: verdict.opened });
    await withService('anthropic', {}, async (service) => {
      const monitor = await connect(`${service.url}/monitor`);
      const user = await connect(service.url);
      try {
        const messageId = await askOverSocket(user, CALM);
        expect(await waitForFinal(service.url, messageId)).toEqual({
          status: 'completed',
          response: 'Rest, fluids and time.',
        });
        await eventually(() => user.of(messageId).statuses.find((e) => e.status === 'completed'));
        verdict.open();
        await eventually(() => monitor.of(messageId).statuses.find((e) => e.urgent), 10_000, 'the late flag');
        // The asker's subscription ended with the answer; the flag reaches it all the same.
        const late = await eventually(() => user.of(messageId).statuses.find((e) => e.urgent), 10_000, 'the flag');
        expect(late).toMatchObject({ status: 'completed', urgent: true, urgentSource: 'model' });
        const advice = adviceFor(['stroke'], 'en');
        expect((await getJson(service.url, `/api/chat/${messageId}`)).body).toEqual({
          status: 'completed',
          response: 'Rest, fluids and time.',
          urgent: true,
          urgentAdvice: advice,
          urgentSource: 'model',
        });
        // A sentinel on the same socket: once it arrived, a second copy of the flag would have too.
        const sentinel = await ask(service.url, 'And a sentinel question?');
        await eventually(() => monitor.of(sentinel).statuses.find((e) => e.status === 'completed'));
        const after = monitor.of(messageId).statuses.filter((e) => e.status === 'completed');
        expect(after.map((e) => e.urgent ?? false)).toEqual([false, true]);
        const sentinelForUser = await askOverSocket(user, 'And one more sentinel?');
        await eventually(() => user.of(sentinelForUser).statuses.find((e) => e.status === 'completed'));
        const seen = user.of(messageId).statuses.filter((e) => e.status === 'completed');
        expect(seen.map((e) => e.urgent ?? false)).toEqual([false, true]);
      } finally {
        verdict.open();
        monitor.socket.close();
        user.socket.close();
      }
    });
  });
});

describe('the advice is in the language of the question', () => {
  it('Spanish question, Spanish advice', async () => {
    fake.scriptStructured({ kind: 'structured', value: emergency('stroke') });
    await withService('openai', {}, async (service) => {
      const messageId = await ask(service.url, '¿Qué rutina de sueño es buena para un niño pequeño?');
      await eventually(() => outcome(service, 'raised'), 10_000, 'the raise');
      const { body } = await getJson(service.url, `/api/chat/${messageId}`);
      expect(body.urgentAdvice).toBe(adviceFor(['stroke'], 'es'));
      expect(body.urgentAdvice).not.toBe(adviceFor(['stroke'], 'en'));
    });
  });

  it('an emergency without a category still flags it, with the call-now advice', async () => {
    fake.scriptStructured({ kind: 'structured', value: emergency(null) });
    await withService('anthropic', {}, async (service) => {
      const messageId = await ask(service.url, CALM);
      await eventually(() => outcome(service, 'raised'), 10_000, 'the raise');
      const { body } = await getJson(service.url, `/api/chat/${messageId}`);
      expect(body).toMatchObject({ urgent: true, urgentSource: 'model', urgentAdvice: adviceFor([], 'en') });
    });
  });
});

describe.each(['anthropic', 'openai'] as const)('%s: a second opinion that goes wrong breaks nothing', (sdk) => {
  it.each([
    { label: 'a 500', behaviour: { kind: 'error', status: 500 } as const, expected: 'error' },
    { label: 'a refused key (401)', behaviour: { kind: 'error', status: 401 } as const, expected: 'error' },
    {
      label: 'a reply out of shape',
      behaviour: { kind: 'structured', value: { emergency_now: 'yes' } },
      expected: 'invalid',
    },
    {
      label: 'prose instead of the shape',
      behaviour: { kind: 'structured', value: 'Yes, call 999.' },
      expected: 'invalid',
    },
    {
      label: 'an unknown category',
      behaviour: { kind: 'structured', value: emergency('gout' as TriageCategory) },
      expected: 'invalid',
    },
  ] as const)(
    '$label: the answer completes, urgent untouched, the outcome counted',
    async ({ behaviour, expected }) => {
      fake.scriptStructured(behaviour);
      await withService(sdk, {}, async (service) => {
        const messageId = await ask(service.url, CALM);
        expect(await waitForFinal(service.url, messageId)).toEqual({
          status: 'completed',
          response: 'Rest, fluids and time.',
        });
        await eventually(async () => (await outcome(service, expected)) === 1, 10_000, `outcome ${expected}`);
        expect((await getJson(service.url, `/api/chat/${messageId}`)).body.urgent).toBeUndefined();
        const { rows } = await db.query('SELECT urgent, urgent_source FROM messages WHERE id = $1', [messageId]);
        expect(rows[0]).toEqual({ urgent: false, urgent_source: null });
        expect(await urgentBy(service, 'model')).toBe(0);
      });
    },
  );

  it('a stall: the answer completes long before the second opinion gives up at its own deadline', async () => {
    fake.scriptStructured({ kind: 'hang' });
    await withService(sdk, { TRIAGE_MODEL_TIMEOUT_MS: '3000' }, async (service) => {
      const messageId = await ask(service.url, CALM);
      expect((await waitForFinal(service.url, messageId)).status).toBe('completed');
      // Still waiting on the model when the answer was done: it held nothing up.
      expect(await outcome(service, 'timeout')).toBe(0);
      expect(fake.structuredRequests).toHaveLength(1);
      await eventually(async () => (await outcome(service, 'timeout')) === 1, 15_000, 'the timeout');
      expect((await getJson(service.url, `/api/chat/${messageId}`)).body.urgent).toBeUndefined();
    });
  });
});

describe('it never lowers, and stays off where it should', () => {
  it('a question the rules flag keeps their flag and advice; the model is not asked and could not lower it', async () => {
    fake.structuredFallback = { kind: 'structured', value: { emergency_now: false, category: null } };
    await withService('anthropic', {}, async (service) => {
      const { body: accepted } = await postJson(service.url, '/api/chat', {
        question: 'I have crushing chest pain and I am sweating',
      });
      expect(accepted.urgent).toBe(true);
      const messageId = accepted.messageId as string;
      const final = await waitForFinal(service.url, messageId);
      expect(final).toMatchObject({ urgent: true, urgentSource: 'rules', urgentAdvice: accepted.urgentAdvice });
      expect(fake.structuredRequests).toHaveLength(0);
      expect(await urgentBy(service, 'rules')).toBe(1);
      // Nor can a model's flag replace the rules' advice or source.
      expect(await raiseUrgentFromModel(service.pool, { id: messageId, advice: 'other advice' })).toBe(false);
      expect((await getJson(service.url, `/api/chat/${messageId}`)).body).toMatchObject({
        urgentSource: 'rules',
        urgentAdvice: accepted.urgentAdvice,
      });
    });
  });

  it.each([
    { label: 'with the mock', sdk: 'mock', env: {} as Record<string, string> },
    { label: 'with the mock, even when TRIAGE_MODEL=on', sdk: 'mock', env: { TRIAGE_MODEL: 'on' } },
    { label: 'with TRIAGE_MODEL=off', sdk: 'anthropic', env: { TRIAGE_MODEL: 'off' } },
  ] as const)('$label no second opinion is asked', async ({ sdk, env }) => {
    await withService(sdk, { ...env }, async (service) => {
      const messageId = await ask(service.url, CALM);
      expect((await waitForFinal(service.url, messageId)).status).toBe('completed');
      expect(fake.structuredRequests).toHaveLength(0);
      expect(Object.values(await outcomes(service))).toEqual(SECOND_OPINION_OUTCOMES.map(() => 0));
    });
  });

  it('the mock gives no structured answers, so the second opinion is off with it', () => {
    const provider: LlmProvider = new MockProvider({ latencyMs: 0, failureRate: 0 });
    const opinion = new SecondOpinion({
      db: new pg.Pool({ connectionString: db.url }),
      provider,
      metrics: { urgentMessage: () => undefined, secondOpinion: () => undefined },
      logger: createLogger('silent'),
      settings: { enabled: true, timeoutMs: 1000, maxInFlight: 1 },
    });
    expect(provider.structured).toBeUndefined();
    expect(opinion.enabled).toBe(false);
  });

  it('beyond twice MAX_WORKERS in flight, a question is not asked about (skipped), and nothing waits', async () => {
    fake.structuredFallback = { kind: 'hang' };
    await withService('openai', { MAX_WORKERS: '1', TRIAGE_MODEL_TIMEOUT_MS: '60000' }, async (service) => {
      const ids = [];
      for (const n of [1, 2, 3]) ids.push(await ask(service.url, `${CALM} (${n})`));
      for (const id of ids) expect((await waitForFinal(service.url, id)).status).toBe('completed');
      expect(await outcome(service, 'skipped')).toBe(1);
      await eventually(() => fake.structuredRequests.length === 2, 10_000, 'two calls held by the fake');
    });
  });
});
