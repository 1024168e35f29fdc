/**
 * 8. The deterministic triage on realistic long questions: each question about 4,000 characters
 * of lay text in one of the five languages (symptoms, history, negations, times, numbers), the
 * languages mixed across the run. Every call is timed alone after a warm-up, by the wall clock
 * (performance.now) and by the process's CPU time (process.cpuUsage): on a shared, loaded machine
 * the wall clock also counts the time other processes hold the CPU; the CPU time is this code's
 * own cost. Percentiles per question of both. Target: p99 ≤ 1 ms.
 * Run alone: npx tsx bench/triage.ts [--questions=N]
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { type TriageLanguage, triage } from '../shared/triage/index.js';

export interface TriageBenchResult {
  questions: number;
  meanCharacters: number;
  /** Wall clock per question. */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU time of this process per question (user + system). */
  cpu: { p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number };
}

/** Sentences people write, emergencies and ordinary worries, in each language. */
const SENTENCES: Record<TriageLanguage, string[]> = {
  en: [
    'So my dad is 67 and has had high blood pressure for years, he takes amlodipine and a statin every morning.',
    'This afternoon he said his chest felt tight and heavy, like a band around it, and he went grey and sweaty.',
    'He says it is probably indigestion because he had a big lunch, and he does not want me to make a fuss.',
    'Last year he had a stress test which was fine, and the cardiologist said to come back if anything changed.',
    'No fever, no cough, he has not been ill recently, but he did feel a bit dizzy when he stood up.',
    'I gave him some water and he is sitting on the sofa now, still rubbing his left arm and saying it tingles.',
    'My mum had a stroke in 2015 so I always worry, what are the signs I should look out for with him?',
    'Sorry for the long message, I just do not know whether to call someone or wait until the GP opens tomorrow.',
  ],
  es: [
    'Mi madre tiene 72 años y desde esta mañana dice que le cuesta encontrar las palabras y tiene la boca un poco torcida.',
    'Ayer estaba perfectamente, fuimos al mercado y comió con nosotros sin ningún problema.',
    'Toma pastillas para la tensión y para el colesterol, y hace dos años le pusieron un marcapasos.',
    'No tiene fiebre ni dolor de cabeza, pero al levantarse se le cayó la taza de la mano derecha.',
    'Mi hermano dice que es cansancio porque no duerme bien, pero yo la veo rara, como confundida.',
    '¿Qué hago, la llevo a urgencias o llamo al médico de cabecera mañana?',
  ],
  fr: [
    'Mon fils de 3 ans a de la fièvre depuis hier soir, 39,2 ce matin, et il ne veut plus boire son biberon.',
    'Il a des petites taches rouges sur les jambes, je ne sais pas si elles disparaissent quand on appuie.',
    'Il a été vacciné normalement, il va à la crèche et plusieurs enfants ont eu la grippe cette semaine.',
    "Il dort beaucoup et quand il est réveillé il pleure et se plaint d'avoir mal au cou.",
    'Je lui ai donné du doliprane il y a deux heures mais la température ne baisse pas vraiment.',
    'Est-ce que je dois attendre demain pour voir le pédiatre ou aller aux urgences maintenant ?',
  ],
  de: [
    'Mein Mann ist 45 und hat seit gestern Abend starke Bauchschmerzen, vor allem rechts unten.',
    'Er hat zweimal erbrochen und hat leichtes Fieber, 38,1, aber keinen Durchfall.',
    'Vor zwei Jahren hatte er eine Gallenblasen-OP, sonst ist er eigentlich gesund und nimmt keine Medikamente.',
    'Wenn er hustet oder läuft, wird der Schmerz schlimmer, und der Bauch ist ziemlich hart.',
    'Er will nicht ins Krankenhaus, weil er morgen einen wichtigen Termin hat.',
    'Kann das eine Blinddarmentzündung sein oder ist das nur ein Magen-Darm-Infekt?',
  ],
  pt: [
    'Minha filha de 16 anos está muito triste há meses, não sai do quarto e quase não come.',
    'Hoje encontrei umas cartas no quarto dela, parecem de despedida, e ela não atende o telefone.',
    'Ela já fez terapia no ano passado e melhorou um pouco, mas parou de ir em setembro.',
    'O pai dela e eu nos separamos este ano e acho que isso pesou muito para ela.',
    'Não sei se estou exagerando, mas tenho medo de que ela faça alguma coisa contra si mesma.',
    'O que eu faço agora, ligo para alguém ou espero ela voltar da escola?',
  ],
};

const LANGUAGES = Object.keys(SENTENCES) as TriageLanguage[];
const TARGET_CHARACTERS = 4000;

/** A deterministic question of about 4,000 characters in one language: its sentences, rotated and repeated. */
export function benchQuestion(index: number): string {
  const language = LANGUAGES[index % LANGUAGES.length] as TriageLanguage;
  const sentences = SENTENCES[language];
  let text = '';
  for (let k = index; text.length < TARGET_CHARACTERS; k += 7) text += `${sentences[k % sentences.length]} `;
  return text.slice(0, TARGET_CHARACTERS);
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

export function triageBenchmark({ questions }: { questions: number }): TriageBenchResult {
  const texts = Array.from({ length: questions }, (_, i) => benchQuestion(i));
  // Warm-up: compile the lexicons and let the JIT settle, as a running server would have.
  for (let round = 0; round < 3; round++) for (const text of texts.slice(0, 200)) triage(text);
  const wall: number[] = [];
  const cpu: number[] = [];
  let urgentCount = 0;
  for (const text of texts) {
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    const result = triage(text);
    wall.push(performance.now() - started);
    const used = process.cpuUsage(cpuStarted);
    cpu.push((used.user + used.system) / 1000);
    if (result.urgent) urgentCount++;
  }
  if (urgentCount === 0) throw new Error('the bench questions raised nothing: the triage is not running');
  return {
    questions,
    meanCharacters: Math.round(texts.reduce((sum, t) => sum + t.length, 0) / texts.length),
    ...percentilesOf(wall),
    cpu: percentilesOf(cpu),
  };
}

function percentilesOf(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const p50Ms = percentile(sorted, 50);
  const p95Ms = percentile(sorted, 95);
  const p99Ms = percentile(sorted, 99);
  return { p50Ms, p95Ms, p99Ms, maxMs: sorted[sorted.length - 1] ?? Number.NaN };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const questions = Number(
    process.argv.find((a) => a.startsWith('--questions='))?.slice('--questions='.length) ?? 2000,
  );
  const machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism(), node: process.version };
  console.log(`Triage benchmark on ${JSON.stringify(machine)}`);
  console.log(JSON.stringify(triageBenchmark({ questions })));
}
