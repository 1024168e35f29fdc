/**
 * The built-in mock provider: a plausible, deterministic medical answer for a question, streamed
 * in chunks over MOCK_LATENCY_MS, with token counts. MOCK_FAILURE_RATE makes that share of calls
 * fail with a retryable error, to exercise the retry path without a real model.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CompletionRequest, CompletionResult, LlmProvider } from './types.js';
import { ProviderError } from './types.js';

interface Topic {
  keywords: RegExp;
  summary: string;
  selfCare: string[];
  seeDoctor: string[];
}

const TOPICS: Topic[] = [
  {
    keywords: /headache|migraine|head hurts|head pain/i,
    summary:
      'Most headaches are tension-type headaches or migraines. They are common and usually not dangerous, although they can be very unpleasant.',
    selfCare: [
      'Rest in a quiet, dark room and drink enough water.',
      'Paracetamol or ibuprofen can help if they are safe for you; avoid taking painkillers on more than 10 days a month, as that can cause rebound headaches.',
      'Keep regular sleep and meals, and note possible triggers (stress, screens, caffeine, alcohol).',
    ],
    seeDoctor: [
      'a sudden, severe "worst ever" headache, or one after a head injury',
      'headache with fever, stiff neck, rash, confusion, weakness, or problems with vision or speech',
      'headaches that are new after age 50, keep getting worse, or wake you from sleep',
    ],
  },
  {
    keywords: /fever|temperature|chills/i,
    summary:
      'A fever (38 °C / 100.4 °F or higher) is the body’s normal response to an infection, most often a viral one that settles by itself in a few days.',
    selfCare: [
      'Drink plenty of fluids and rest.',
      'Paracetamol or ibuprofen can make you more comfortable; follow the dose on the pack.',
      'Wear light clothing; there is no need to cool yourself with cold water.',
    ],
    seeDoctor: [
      'a fever above 40 °C (104 °F), or any fever in a baby under 3 months',
      'fever with a rash that does not fade under pressure, a stiff neck, confusion or difficulty breathing',
      'a fever lasting more than 3 days, or if you have a weakened immune system',
    ],
  },
  {
    keywords: /cough|cold|sore throat|flu|runny nose/i,
    summary:
      'Coughs, colds and sore throats are usually caused by viruses and get better on their own within one to three weeks. Antibiotics do not help viral infections.',
    selfCare: [
      'Rest, drink warm fluids, and use honey (not for children under 1 year) to soothe a cough.',
      'Paracetamol or ibuprofen can ease aches and a sore throat.',
      'Wash your hands often to avoid passing the infection on.',
    ],
    seeDoctor: [
      'difficulty breathing, chest pain, or coughing up blood',
      'a cough lasting more than 3 weeks',
      'symptoms that get worse after starting to improve, or a high fever',
    ],
  },
  {
    keywords: /stomach|diarrh|vomit|nausea|abdominal|belly/i,
    summary:
      'Stomach upsets with nausea, vomiting or diarrhoea are most often caused by a short-lived infection (gastroenteritis) and usually improve within a few days.',
    selfCare: [
      'Take small, frequent sips of water or an oral rehydration solution to avoid dehydration.',
      'Eat plain food when you feel ready; there is no need to fast.',
      'Wash your hands well and avoid preparing food for others until 48 hours after symptoms stop.',
    ],
    seeDoctor: [
      'signs of dehydration (very little urine, dizziness, a dry mouth), especially in children and older people',
      'blood in vomit or stool, or severe or constant abdominal pain',
      'symptoms lasting more than a week',
    ],
  },
  {
    keywords: /blood pressure|hypertension/i,
    summary:
      'High blood pressure (hypertension) usually causes no symptoms but raises the risk of heart disease and stroke over time, so it is worth measuring and treating.',
    selfCare: [
      'Reduce salt, stay active most days, keep a healthy weight, and limit alcohol.',
      'Do not smoke, and aim for good sleep.',
      'If you measure at home, sit quietly for five minutes first and keep a record to show your doctor.',
    ],
    seeDoctor: [
      'readings repeatedly at or above 140/90 mmHg',
      'a very high reading (180/120 or more) with headache, chest pain, breathlessness or vision changes: seek urgent care',
      'side effects from blood pressure medicine',
    ],
  },
];

const GENERAL: Topic = {
  keywords: /.*/,
  summary:
    'Thank you for your question. I can give general information, but I cannot examine you or make a diagnosis, so please treat this as a starting point for a conversation with a clinician.',
  selfCare: [
    'Write down your symptoms: when they started, what makes them better or worse, and any medicines you take.',
    'Rest, drink enough fluids, and avoid alcohol while you feel unwell.',
    'A pharmacist can advise on suitable over-the-counter remedies and check interactions with your other medicines.',
  ],
  seeDoctor: [
    'symptoms that are severe, getting worse, or not improving after a few days',
    'new symptoms you cannot explain, especially with fever, weight loss or pain',
    'any worry about your health: it is always reasonable to ask',
  ],
};

/**
 * The deterministic answer the mock gives for a question. A follow-up that names no topic of its
 * own ("and for a child?") stays on the topic of the conversation's latest question that has one.
 */
export function mockAnswer(question: string, earlierQuestions: readonly string[] = []): string {
  const topicOf = (text: string) => TOPICS.find((t) => t.keywords.test(text));
  const topic =
    topicOf(question) ??
    earlierQuestions
      .toReversed()
      .map(topicOf)
      .find((t) => t !== undefined) ??
    GENERAL;
  return [
    topic.summary,
    '',
    '**What usually helps**',
    ...topic.selfCare.map((line) => `- ${line}`),
    '',
    '**When to see a doctor**',
    ...topic.seeDoctor.map((line) => `- ${line}`),
    '',
    'If you have severe symptoms such as chest pain, trouble breathing, signs of a stroke, or thoughts of harming yourself, call your local emergency number now.',
    '',
    '_This is general information, not medical advice._',
  ].join('\n');
}

/** A rough token count (about four characters a token), like real tokenizers on English text. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Splits text into pieces of a few words each, keeping every character. */
function chunksOf(text: string, wordsPerChunk: number): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [text];
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerChunk) chunks.push(words.slice(i, i + wordsPerChunk).join(''));
  return chunks;
}

export interface MockOptions {
  latencyMs: number;
  failureRate: number;
  model?: string;
  /** Injectable for tests; defaults to Math.random. */
  random?: () => number;
}

export class MockProvider implements LlmProvider {
  readonly name = 'mock';
  readonly model: string;
  private readonly options: MockOptions;

  constructor(options: MockOptions) {
    this.options = options;
    this.model = options.model ?? 'mock-medical-1';
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const random = this.options.random ?? Math.random;
    const question = request.messages.at(-1)?.content ?? '';
    const earlierQuestions = request.messages.slice(0, -1).flatMap((m) => (m.role === 'user' ? [m.content] : []));
    const answer = mockAnswer(question, earlierQuestions);
    const chunks = chunksOf(answer, 4);
    const pause = this.options.latencyMs / chunks.length;
    const failAt = random() < this.options.failureRate ? Math.floor(random() * chunks.length) : -1;
    for (const [index, chunk] of chunks.entries()) {
      if (pause > 0) await sleep(pause, undefined, { signal: request.signal });
      request.signal.throwIfAborted();
      if (index === failAt) {
        throw new ProviderError('The mock provider failed on purpose (MOCK_FAILURE_RATE); try again later.', {
          retryable: true,
          status: 503,
        });
      }
      request.onText(chunk);
    }
    const prompt = request.system + request.messages.map((m) => m.content).join('\n');
    return {
      text: answer,
      usage: { promptTokens: estimateTokens(prompt), completionTokens: estimateTokens(answer) },
      provider: this.name,
      model: this.model,
    };
  }
}
