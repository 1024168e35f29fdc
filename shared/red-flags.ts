/**
 * A deterministic check for symptoms that need emergency care now. It runs on every question
 * before the model answers (server) and can run in the browser too: plain TypeScript, no
 * dependencies, linear in the text's length (no backtracking-prone patterns).
 *
 * How it reads a question: lower-cased and normalised (curly quotes, "cant" → "can't"), cut
 * into clauses at sentence ends and at "but/however/although"; a phrase counts unless a
 * negation ("no", "not", "don't have", "denies", "without", "never"…) stands at most a few
 * words before it in the same clause. Some categories need two findings together (chest pain
 * and breathlessness or sweating). The misses we know of are listed in its test file.
 */

export const RED_FLAG_CATEGORIES = [
  'cardiac',
  'stroke',
  'suicide-or-self-harm',
  'anaphylaxis',
  'severe-bleeding',
  'overdose-or-poisoning',
  'unresponsive',
  'severe-breathing-difficulty',
] as const;
export type RedFlagCategory = (typeof RED_FLAG_CATEGORIES)[number];

export interface RedFlagResult {
  urgent: boolean;
  categories: RedFlagCategory[];
  /** What to do now, in plain words; present exactly when urgent. */
  advice: string | undefined;
}

const CALL_NOW = 'Call your local emergency number (such as 911, 112 or 999) now';

export const URGENT_ADVICE: Record<RedFlagCategory, string> = {
  cardiac: `${CALL_NOW}: chest pain with breathlessness or sweating can be a heart attack. Stop what you are doing and sit down; do not drive yourself.`,
  stroke: `${CALL_NOW}: face drooping, arm weakness or slurred speech can be a stroke. Note the time the symptoms started; every minute counts.`,
  'suicide-or-self-harm':
    'If you might act on thoughts of ending your life or hurting yourself, call your local emergency number now, or a crisis line (988 in the US and Canada, 116 123 in the UK and Ireland). Please do not stay alone: reach out to someone you trust.',
  anaphylaxis: `${CALL_NOW}: swelling of the throat or tongue or trouble breathing after a sting, food or medicine can be anaphylaxis. Use an adrenaline auto-injector (EpiPen) if there is one.`,
  'severe-bleeding': `${CALL_NOW}: press firmly on the wound with a clean cloth and keep pressing until help arrives.`,
  'overdose-or-poisoning': `${CALL_NOW} or your poison control centre (1-800-222-1222 in the US). Do not try to make the person vomit.`,
  unresponsive: `${CALL_NOW}: someone who cannot be woken, is floppy, or has a seizure that does not stop needs emergency help. If they are not breathing normally, start CPR.`,
  'severe-breathing-difficulty': `${CALL_NOW}: severe difficulty breathing or lips turning blue needs emergency help.`,
};

/** Phrases, as regular expressions without nested quantifiers (linear time). */
const FINDINGS = {
  chestPain:
    /\b(chest|heart)\s+(pain|pains|pressure|tightness|is tight|feels tight|hurts|discomfort|squeezing|crushing)|\b(crushing|squeezing|tight|heavy|severe)\s+(chest|feeling in (my|the) chest)|\bpain in (my|his|her|the) chest/,
  breathless:
    /\b(short(ness)? of breath|breathless|out of breath|can't (catch my |get my )?breath|can't breathe?|struggling to breathe?|hard to breathe?|difficulty breathing|trouble breathing)/,
  sweating: /\b(sweat(ing|y)?|clammy|cold sweat)/,
  radiating:
    /\b(spread(ing|s)?|radiat(ing|es)|going|moving|shooting)( down| up)?( to| into)? (my |his |her |the )?(left |right )?(arm|jaw|neck|back|shoulder)/,
  heartAttackNow: /\b(having|is having|am having|i'm having|think (i|he|she) (am|is|'m)? ?having) a heart attack/,
  strokeSign:
    /\b(face|mouth|smile) (is )?(droop(ing|s|y|ed)?|drooping on one side|lopsided)|\b(droop(ing|y)? face|facial droop)|\b(arm|leg|side) (is |feels |went |going )?(weak|numb|heavy|limp|dead)|\b(weakness|numbness) (in|on|of) (one|my|his|her|the) (left |right )?(arm|leg|side)|\bslurr(ed|ing) (speech|words|his words|her words|my words)|\bspeech (is |became |sounds )?slurred|\bcan't (speak|talk|get words out|find (my|the) words)|\bsudden(ly)? (confus|can't see|lost (my |the )?vision|blind|severe headache)/,
  strokeNow: /\b(having|is having|am having|i'm having|think (i|he|she) (am|is|'m)? ?having) a stroke/,
  suicidal:
    /\b(kill(ing)? myself|end(ing)? (my|it all|my own) life|end it all|suicidal|suicide (plan|note|attempt)|take my (own )?life|want(ed)? to die|better off dead|don't want to (live|be alive)|no reason to live|hurt(ing)? myself|harm(ing)? myself|self[- ]harm(ing)?|cut(ting)? myself)/,
  throatSwelling:
    /\b(throat|tongue|lips?|face) (is |are |feels |started |starting )?(swell(ing|s|ed|ing up)?|swollen|closing( up)?|tight(ening)?|puffy)|\bswollen (throat|tongue|lips?)|\banaphyla(xis|ctic)|\bepi-?pen/,
  allergenTrigger:
    /\b(sting|stung|bee|wasp|peanut|nut|shellfish|allerg|ate |eating|food|medicine|medication|pill|antibiotic|penicillin|injection)/,
  severeBleeding:
    /\bbleed(ing)? (that )?(won't|will not|doesn't|does not|wouldn't|can't be) stop|\b(can't|won't|will not|doesn't|does not) stop (the )?bleeding|\b(spurting|gushing|pouring|squirting) (out )?blood|\bblood (is )?(spurting|gushing|pouring|squirting)|\b(soak(ed|ing)?|soaks) through|\b(lots|a lot|so much|loads) of blood|\b(severe|heavy|uncontrolled|massive) bleeding|\bbleeding (heavily|a lot|badly|profusely)|\b(vomiting|throwing up|coughing up) (a lot of )?blood/,
  overdose:
    /\boverdos(e|ed|ing)|\btook (too many|a (whole|full) (bottle|pack|packet|box)|all (of )?(my|the|his|her)) |\b(swallowed|ate|drank|drunk|ingested) (some |a |the |a bottle of |a lot of )?(bleach|poison|rat poison|batter(y|ies)|button batter(y|ies)|detergent|laundry pod|dishwasher tablet|antifreeze|weed killer|pills|tablets|cleaning)|\bpoison(ed|ing)\b/,
  unresponsive:
    /\b(unresponsive|won't wake( up)?|will not wake( up)?|can't wake (him|her|them|my|the)|not waking( up)?|doesn't wake( up)?|isn't waking|not responding|won't respond|passed out and|unconscious|floppy|limp and|seizure (that )?(won't|will not|doesn't|does not) stop|fitting and|(is |are )?not breathing|stopped breathing)/,
  severeBreathing:
    /\b(can't breathe|cannot breathe|can not breathe|struggling to breathe|gasping for (air|breath)|choking|lips (are |is |turning |went )?blue|turning blue|blue lips)/,
} as const;
type Finding = keyof typeof FINDINGS;

const NEGATION_CUES = new Set([
  'no',
  'not',
  'never',
  'without',
  'denies',
  'denied',
  'deny',
  "don't",
  "doesn't",
  "didn't",
  "isn't",
  "wasn't",
  "aren't",
  "haven't",
  "hasn't",
  'none',
  'nor',
  'neither',
  'free',
]);
/** How many words before a phrase a negation still reaches. */
const NEGATION_REACH = 4;
/** Historic or hypothetical mentions that are not an emergency now. */
const NOT_NOW =
  /\b(years ago|months ago|last year|in the past|history of|how (do|can|to)|what (is|are|causes)|prevent|risk of|signs of|symptoms of|warning signs|if someone|what should i do if|difference between)\b/;

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/\b(can|don|doesn|didn|isn|wasn|won|aren|haven|hasn|couldn|wouldn)t\b/g, "$1't")
    .replace(/\bcannot\b/g, "can't")
    .replace(/\bcan't breath\b/g, "can't breathe")
    .replace(/\bbreath\b(?= (properly|normally|at all|well|right))/g, 'breathe')
    .replace(/\s+/g, ' ');
}

/** Clauses: sentence ends, semicolons and contrastive conjunctions stop a negation's reach. */
function clausesOf(text: string): string[] {
  return text
    .split(/[.!?;\n]+|,? \b(?:but|however|although|though|yet)\b/)
    .map((c) => c.trim())
    .filter(Boolean);
}

/** True when a negation cue stands within NEGATION_REACH words before position `at`. */
function negatedAt(clause: string, at: number): boolean {
  const before = clause
    .slice(0, at)
    .split(/[\s,]+/)
    .filter(Boolean);
  return before.slice(-NEGATION_REACH).some((word) => NEGATION_CUES.has(word));
}

/**
 * The findings as global patterns, compiled once (compiling them per question and clause was
 * this check's main cost). Shared safely: matching is synchronous and starts at lastIndex 0.
 */
const GLOBAL_FINDINGS = (Object.keys(FINDINGS) as Finding[]).map(
  (name) => [name, new RegExp(FINDINGS[name].source, 'g')] as const,
);

/** Every finding present (not negated) in some clause. */
function findingsIn(clauses: string[]): Set<Finding> {
  const found = new Set<Finding>();
  for (const clause of clauses) {
    for (const [name, pattern] of GLOBAL_FINDINGS) {
      if (found.has(name)) continue;
      pattern.lastIndex = 0;
      for (let match = pattern.exec(clause); match; match = pattern.exec(clause)) {
        if (!negatedAt(clause, match.index)) {
          found.add(name);
          break;
        }
      }
    }
  }
  return found;
}

export function detectRedFlags(text: string): RedFlagResult {
  const normalised = normalise(text);
  const clauses = clausesOf(normalised).filter((clause) => !NOT_NOW.test(clause));
  const f = findingsIn(clauses);
  const categories: RedFlagCategory[] = [];
  const add = (category: RedFlagCategory, when: boolean) => {
    if (when) categories.push(category);
  };
  add(
    'cardiac',
    f.has('heartAttackNow') || (f.has('chestPain') && (f.has('breathless') || f.has('sweating') || f.has('radiating'))),
  );
  add('stroke', f.has('strokeNow') || f.has('strokeSign'));
  add('suicide-or-self-harm', f.has('suicidal'));
  add(
    'anaphylaxis',
    f.has('throatSwelling') && (f.has('allergenTrigger') || f.has('breathless') || f.has('severeBreathing')),
  );
  add('severe-bleeding', f.has('severeBleeding'));
  add('overdose-or-poisoning', f.has('overdose'));
  add('unresponsive', f.has('unresponsive'));
  add('severe-breathing-difficulty', f.has('severeBreathing') && !categories.includes('anaphylaxis'));
  const urgent = categories.length > 0;
  return {
    urgent,
    categories,
    advice: urgent ? categories.map((category) => URGENT_ADVICE[category]).join(' ') : undefined,
  };
}
