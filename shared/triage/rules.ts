// biome-ignore-all format: the rules read best as a table, one per line
/**
 * Which findings, present together, make which emergency. A rule lists conditions that must all
 * hold near its first one (the anchor): each condition is a set of concepts (any one will do),
 * optionally a test on the number the phrase carried and its own distance in words. `unless`
 * conditions near the anchor cancel the rule there (a "little" blood). Language-independent.
 */
import type { TriageCategory } from './categories.js';
import type { Concept } from './concepts.js';

export interface Condition {
  any: readonly Concept[];
  /** Words between the anchor and this finding, at most; the rule's default when absent. */
  within?: number;
  test?: (value: number) => boolean;
}

export interface Rule {
  category: TriageCategory;
  all: readonly Condition[];
  unless?: readonly Condition[];
  within: number;
}

type Spec = Concept | readonly Concept[] | Condition;

const toCondition = (spec: Spec): Condition =>
  typeof spec === 'string' ? { any: [spec] } : Array.isArray(spec) ? { any: spec as Concept[] } : (spec as Condition);

function rule(category: TriageCategory, within: number, ...specs: Spec[]): Rule {
  return { category, within, all: specs.map(toCondition) };
}

function unless(r: Rule, ...specs: Spec[]): Rule {
  return { ...r, unless: specs.map(toCondition) };
}

const near = (within: number, ...any: Concept[]): Condition => ({ any, within });
const valued = (any: Concept[], test: (v: number) => boolean, within?: number): Condition =>
  within === undefined ? { any, test } : { any, test, within };

const atLeast = (n: number) => (v: number) => Number.isNaN(v) || v >= n;
const feverValue = (v: number) => Number.isNaN(v) || (v >= 38 && v <= 43.5) || (v >= 100.4 && v <= 110);
/** A fever word, or a temperature of 38 °C (100.4 °F) or more. */
const FEVER = valued(['FEVER', 'TEMP'], feverValue);
/** A temperature told with decimals ("38,9", "101.5"): measured, not an age, a count or a dose. */
const measuredFever = (v: number) => !Number.isInteger(v) && feverValue(v);
/** Blood sugar in mmol/l or mg/dl: under 3.5 mmol/l or under 60 mg/dl; over 20 mmol/l or 350 mg/dl. */
const lowSugar = (v: number) => v < 3.5 || (v >= 20 && v < 60);
const highSugar = (v: number) => (v >= 20 && v <= 40) || v > 350;
/** Blood sugar in g/l (French meters): under 0.6 g/l is low, over 3 g/l very high. */
const lowSugarGL = (v: number) => v < 0.6;
const highSugarGL = (v: number) => v > 3 && v < 10;
const youngChild = (v: number) => Number.isNaN(v) || v < 12;

/** A baby under three months: "newborn", "3 week old", "2 month old", "5 days old". */
const YOUNG_INFANT: readonly Condition[] = [
  { any: ['NEWBORN', 'AGE_DAYS'] },
  valued(['AGE_WEEKS'], (v) => v < 13),
  valued(['AGE_MONTHS'], (v) => v < 3),
];
/** A baby under a year: for signs that matter at any age in infancy (dehydration). */
const INFANT: readonly Condition[] = [
  { any: ['BABY', 'NEWBORN', 'AGE_DAYS', 'AGE_WEEKS'] },
  valued(['AGE_MONTHS'], (v) => v < 12),
];
/** A baby under a year told by an age alone. */
const INFANT_AGE: readonly Condition[] = [{ any: ['NEWBORN', 'AGE_DAYS'] }, valued(['AGE_WEEKS'], (v) => v < 52), valued(['AGE_MONTHS'], (v) => v < 12)];
const forEachInfant = (make: (infant: Condition) => Rule[]) => YOUNG_INFANT.flatMap(make);
const INFANT_SIGNS: Concept[] = ['GRUNT', 'RETRACTIONS', 'FLOPPY', 'FONTANELLE', 'HIGH_CRY', 'HARD_TO_WAKE', 'MOTTLED'];
const INFANT_SIGNS_BUT_FLOPPY = INFANT_SIGNS.filter((c) => c !== 'FLOPPY');
/** Past three months a mild fever (under 38.5 °C / 101.3 °F) often leaves a baby limp: not alone a danger sign. */
const OLDER_INFANT: readonly Condition[] = [valued(['AGE_MONTHS'], (v) => v >= 3 && v < 12, 40), valued(['AGE_WEEKS'], (v) => v >= 13 && v < 52, 40)];
const MILD_FEVER = valued(['TEMP', 'FEVER'], (v) => (v >= 37.5 && v < 38.5) || (v >= 99.5 && v < 101.3), 40);

/** A stroke told of before, anywhere near. */
const AFTER_STROKE = near(60, 'STROKE_HISTORY');
/** A dental or local anaesthetic: a numb, drooping face or lip beside it is the injection's. */
const AFTER_ANAESTHETIC = near(30, 'LOCAL_ANAESTHETIC');
/** A tablet strength in mg ("ibuprofen 400", "doliprane 1000"): next to a drug, not a count of tablets. */
const TABLET_STRENGTHS: ReadonlySet<number> = new Set([125, 150, 200, 250, 300, 400, 500, 600, 750, 800, 850, 875, 1000]);
/** Tablets counted: 10 or more, but not a number that is a usual strength. */
const tabletCount = (v: number) => v >= 10 && !TABLET_STRENGTHS.has(v);

/** A bare week count of a pregnancy past 20 weeks (a baby's age in weeks comes with no headache or blurred sight). */
const LATE_PREGNANCY_WEEKS = valued(['AGE_WEEKS'], (v) => v >= 20 && v < 43, 40);

/** A pregnancy told as under 24 weeks ("20 weeks pregnant"): movements are not yet felt reliably. */
const EARLY_PREGNANCY = valued(['PREGNANT'], (v) => v < 24, 40);

/** What sets off an allergy: a named allergen, or a meal. */
const TRIGGER: Concept[] = ['ALLERGEN', 'MEAL'];

/** Anything that points to a present, real symptom cluster around the heart. */
const CARDIAC_COMPANIONS: Concept[] = ['SWEAT', 'NAUSEA', 'VOMIT', 'BREATHLESS', 'SEVERE_BREATHING', 'RADIATE', 'FAINT', 'PALE', 'SEVERE', 'SUDDEN', 'COLLAPSE', 'NUMB', 'PALPITATIONS'];
const BREATH_TROUBLE: Concept[] = ['BREATHLESS', 'SEVERE_BREATHING', 'PLEURITIC', 'COUGH_BLOOD'];
const INJURY_SIGNS: Concept[] = ['PAIN', 'CANT_MOVE', 'HEAD_INJURY', 'UNRESPONSIVE', 'KNOCKED_OUT', 'BLEED', 'BONE_OUT', 'VOMIT', 'CONFUSED', 'NUMB', 'BACK', 'NECK', 'SEVERE', 'DROWSY', 'SERIOUS_INJURY', 'NOT_BREATHING', 'FLUID_EAR'];
const ALTERED: Concept[] = ['CONFUSED', 'DROWSY', 'UNRESPONSIVE', 'SEIZURE', 'SPEECH_PROBLEM', 'COLLAPSE', 'CANT_SWALLOW'];
const STROKE_COMPANIONS: Concept[] = ['ONE_SIDE', 'SUDDEN', 'FACE', 'SPEECH_PROBLEM', 'CANT_SPEAK', 'CONFUSED', 'DROP', 'VISION_LOSS', 'BALANCE_LOSS'];

export const RULES: readonly Rule[] = [
  rule('cardiac', 0, 'HEART_ATTACK'),
  rule('cardiac', 6, 'CHEST', 'PRESSURE'),
  rule('cardiac', 4, 'CHEST', ['PAIN', 'TIGHT'], near(30, ...CARDIAC_COMPANIONS)),
  rule('cardiac', 4, 'PRESSURE', 'PAIN', near(20, 'SWEAT', 'RADIATE', 'PALE')),
  rule('cardiac', 10, 'RADIATE', ['CHEST', 'PAIN', 'PRESSURE', 'TIGHT']),
  rule('cardiac', 4, ['ARM', 'JAW'], ['PAIN', 'NUMB'], near(20, 'SWEAT', 'CHEST')),
  // jaw or arm pain with pain between the shoulder blades, and pale, sweaty or sick: a heart attack told without the chest
  rule('cardiac', 20, ['ARM', 'JAW'], 'SHOULDER_BLADES', ['PALE', 'SWEAT', 'VOMIT', 'NAUSEA']),
  // cocaine and amphetamines constrict coronaries and drive arrhythmias: chest pain or a racing heart after them
  rule('cardiac', 25, 'STIMULANT', 'CHEST', ['PAIN', 'TIGHT', 'PRESSURE']),
  rule('cardiac', 25, 'STIMULANT', 'PALPITATIONS'),
  // a racing heart that drops someone to the floor: an arrhythmia
  rule('cardiac', 20, 'PALPITATIONS', 'COLLAPSE'),
  // "just indigestion" that goes down the arm or into the jaw, or with a cold sweat and a grey or faint look: the heart played down
  rule('cardiac', 12, 'INDIGESTION', 'RADIATE'),
  rule('cardiac', 25, 'INDIGESTION', 'SWEAT', ['PALE', 'BLUE', 'FAINT', 'BREATHLESS']),
  // after cocaine, amphetamines or ecstasy: overheating, fits or a fading mind are poisoning
  rule('overdose-or-poisoning', 30, 'STIMULANT', ['UNRESPONSIVE', 'DROWSY', 'CONFUSED', 'SEIZURE', 'COLLAPSE', 'FEVER']),

  rule('aortic-dissection', 8, 'TEARING', ['CHEST', 'BACK', 'SHOULDER_BLADES', 'ABDOMEN', 'THROUGH_BACK']),
  rule('aortic-dissection', 15, 'THROUGH_BACK', ['CHEST', 'PAIN'], ['SUDDEN', 'SEVERE']),
  rule('aortic-dissection', 15, 'AORTA', ['PAIN', 'SUDDEN', 'TEARING', 'SEVERE']),
  // the worst back pain ever, in an instant, with sweating or a grey, faint look: a tearing aorta until shown otherwise
  rule('aortic-dissection', 20, 'BACK', 'SUDDEN', 'THUNDERCLAP', ['SWEAT', 'PALE', 'FAINT', 'COLLAPSE']),

  rule('pulmonary-embolism', 0, 'PE'),
  rule('pulmonary-embolism', 40, BREATH_TROUBLE, 'CALF', near(40, 'SWELL', 'PAIN')),
  rule('pulmonary-embolism', 40, BREATH_TROUBLE, 'LEG', near(40, 'SWELL')),
  rule('pulmonary-embolism', 40, [...BREATH_TROUBLE, 'CHEST'], 'DVT'),
  rule('pulmonary-embolism', 40, 'SUDDEN', near(6, 'BREATHLESS', 'SEVERE_BREATHING', 'PLEURITIC'), 'CLOT_RISK'),
  rule('pulmonary-embolism', 40, 'PLEURITIC', 'CLOT_RISK'),
  // breathless at rest with a racing heart after surgery, a cast, a flight or a birth: a clot until shown otherwise
  rule('pulmonary-embolism', 40, 'CLOT_RISK', ['BREATHLESS', 'SEVERE_BREATHING'], 'PALPITATIONS'),
  // blood coughed up after surgery, a flight, a birth: even a little is a clot until shown otherwise
  rule('pulmonary-embolism', 40, 'COUGH_BLOOD', 'CLOT_RISK'),
  rule('pulmonary-embolism', 40, 'BREATHLESS', 'CLOT_RISK', near(40, 'COUGH_BLOOD', 'CHEST', 'PLEURITIC', 'CALF', 'SUDDEN')),

  rule('stroke', 0, 'STROKE'),
  // after a stroke told of before, a droop, a weak arm or slurring is its lasting trace; a sudden one is new
  unless(rule('stroke', 4, 'FACE', 'DROOP'), AFTER_STROKE, AFTER_ANAESTHETIC),
  unless(rule('stroke', 20, 'DROOP', ['WEAK', 'SPEECH_PROBLEM', 'CANT_SPEAK'], near(30, 'FACE', 'MOUTH_THROAT', 'LIMB', 'ONE_SIDE', 'SUDDEN')), AFTER_STROKE, AFTER_ANAESTHETIC),
  unless(rule('stroke', 4, 'FACE', 'NUMB', near(20, 'ONE_SIDE', 'SUDDEN', 'SPEECH_PROBLEM', 'CANT_SPEAK')), AFTER_STROKE, AFTER_ANAESTHETIC),
  unless(rule('stroke', 6, 'FACE', 'ONE_SIDE', near(30, 'WEAK', 'NUMB', 'SPEECH_PROBLEM', 'SUDDEN', 'DROP')), AFTER_STROKE, AFTER_ANAESTHETIC),
  rule('stroke', 20, 'SUDDEN', ['DROOP', 'SPEECH_PROBLEM']),
  // a droop, slurring or a weak side that began today is new, even after an earlier stroke
  rule('stroke', 20, 'NEW_ONSET', ['DROOP', 'SPEECH_PROBLEM', 'CANT_SPEAK'], near(30, 'FACE', 'MOUTH_THROAT', 'LIMB', 'ONE_SIDE', 'SPEECH', 'SPEECH_PROBLEM')),
  rule('stroke', 20, 'NEW_ONSET', ['WEAK', 'NUMB'], 'ONE_SIDE'),
  rule('stroke', 20, 'SUDDEN', ['WEAK', 'NUMB'], 'LIMB'),
  // "still slurs a bit" is a stroke's lasting trace; a sudden one is rarely told as "a bit".
  unless(rule('stroke', 0, 'SPEECH_PROBLEM'), near(3, 'MILD'), AFTER_STROKE),
  unless(rule('stroke', 3, 'SPEECH', 'SPEECH_ODD'), near(4, 'MILD'), AFTER_STROKE),
  unless(rule('stroke', 4, ['WEAK', 'NUMB'], 'LIMB', near(20, ...STROKE_COMPANIONS)), near(4, 'MILD'), AFTER_STROKE),
  rule('stroke', 20, 'DROP', ['SUDDEN', 'SPEECH_PROBLEM', 'DROOP', 'WEAK', 'CONFUSED', 'CANT_SPEAK']),
  rule('stroke', 20, 'CANT_SPEAK', ['SUDDEN', 'WEAK', 'NUMB', 'DROOP', 'CONFUSED']),
  rule('stroke', 8, 'SUDDEN', ['CONFUSED', 'BALANCE_LOSS']),
  // falling to one side with words gone or a weak limb: the brain, not the ear
  rule('stroke', 20, 'BALANCE_LOSS', ['SPEECH_PROBLEM', 'CANT_SPEAK', 'DROOP']),
  // seeing double with unsteadiness, slurring, weakness or a sudden onset: the back of the brain
  rule('stroke', 20, 'DOUBLE_VISION', ['BALANCE_LOSS', 'SPEECH_PROBLEM', 'WEAK', 'NUMB', 'DROOP', 'SUDDEN', 'CONFUSED']),
  // talking strangely or confused on the phone, then no answer: she may be lying there
  rule('stroke', 30, 'UNREACHABLE', ['SPEECH_PROBLEM', 'CONFUSED', 'DROOP', 'CANT_SPEAK']),

  rule('suicide-or-self-harm', 0, 'SUICIDE'),
  unless(rule('suicide-or-self-harm', 0, 'SELF_HARM'), near(8, 'MILD', 'ACCIDENT')),
  rule('suicide-or-self-harm', 30, 'INTENT', ['MEANS', 'DRUG', 'HOPELESS', 'GOODBYE', 'FAREWELL_NOTE', 'SUICIDE', 'INTENT', 'PLAN']),
  rule('suicide-or-self-harm', 30, 'HOPELESS', ['MEANS', 'INTENT']),
  rule('suicide-or-self-harm', 4, 'MEANS', 'PLAN'),
  rule('suicide-or-self-harm', 8, 'FAREWELL_NOTE', 'GOODBYE'),
  // a goodbye or despair, then silence: the phone off, no answer
  rule('suicide-or-self-harm', 40, ['GOODBYE', 'HOPELESS', 'FAREWELL_NOTE'], 'UNREACHABLE'),
  // a farewell letter or message beside the means, a plan or the intent
  rule('suicide-or-self-harm', 30, 'FAREWELL_NOTE', ['MEANS', 'PLAN', 'INTENT']),
  // a thought of stepping off or throwing oneself, with a platform, the tracks or a train told near ("on the platform, I keep thinking about stepping off")
  rule('suicide-or-self-harm', 15, 'INTENT', 'RAILWAY'),

  rule('anaphylaxis', 0, 'ANAPHYLAXIS'),
  rule('anaphylaxis', 40, TRIGGER, 'HOARSE'),
  rule('anaphylaxis', 30, TRIGGER, 'HIVES', ['THROAT_CLOSING', 'CANT_SWALLOW']),
  rule('anaphylaxis', 4, 'MOUTH_THROAT', 'SWELL', near(30, ...TRIGGER, 'ALLERGIC', 'BREATHLESS', 'SEVERE_BREATHING', 'WHEEZE', 'HIVES', 'CANT_SWALLOW')),
  rule('anaphylaxis', 30, 'THROAT_CLOSING', [...TRIGGER, 'ALLERGIC', 'HIVES', 'BREATHLESS', 'SEVERE_BREATHING', 'WHEEZE']),
  rule('anaphylaxis', 20, TRIGGER, ['SEVERE_BREATHING', 'WHEEZE']),
  rule('anaphylaxis', 25, 'ALLERGIC', ['BREATHLESS', 'SEVERE_BREATHING', 'WHEEZE', 'FAINT']),
  rule('anaphylaxis', 25, 'HIVES', ['SEVERE_BREATHING', 'WHEEZE']),
  // after a trigger, even mild breathlessness is anaphylaxis once a second system joins (faint, hives, swelling);
  // after a meal of nothing named, only the skin tells it from a full stomach or anxiety
  rule('anaphylaxis', 30, 'ALLERGEN', 'BREATHLESS', ['FAINT', 'HIVES', 'SWELL', 'SWOLLEN_BODY', 'COLLAPSE']),
  rule('anaphylaxis', 30, 'MEAL', 'BREATHLESS', ['HIVES', 'SWELL', 'SWOLLEN_BODY']),
  // skin and circulation after an allergen (itching all over, then faint or grey): two systems
  rule('anaphylaxis', 30, 'ALLERGEN', 'HIVES', ['FAINT', 'COLLAPSE', 'PALE']),

  unless(rule('severe-bleeding', 10, 'BLEED', ['HEAVY_FLOW', 'WONT_STOP']), near(6, 'MILD')),
  rule('severe-bleeding', 30, 'BLEED', 'ANTICOAG', ['HEAVY_FLOW', 'WONT_STOP']),
  rule('severe-bleeding', 30, 'BLEED', 'ANTICOAG', valued(['MINUTES'], atLeast(10))),
  // still flowing after ten minutes of firm pressure
  unless(rule('severe-bleeding', 25, 'BLEED', valued(['MINUTES'], atLeast(10)), ['HEAVY_FLOW', 'WONT_STOP']), near(6, 'MILD')),
  unless(rule('severe-bleeding', 0, 'VOMIT_BLOOD'), near(4, 'MILD')),
  unless(rule('severe-bleeding', 0, 'COUGH_BLOOD'), near(5, 'MILD')),
  rule('severe-bleeding', 0, 'AMPUTATION'),

  rule('overdose-or-poisoning', 0, 'OVERDOSE'),
  rule('overdose-or-poisoning', 8, 'SWALLOWED', 'POISON'),
  // a poison eaten further back in the message, and now sick, drowsy or confused
  rule('overdose-or-poisoning', 30, 'POISON', 'SWALLOWED', ['VOMIT', 'CONFUSED', 'DROWSY', 'SEIZURE', 'UNRESPONSIVE', 'COLLAPSE']),
  rule('overdose-or-poisoning', 6, valued(['PILLS_COUNT'], tabletCount), near(4, 'DRUG'), ['TOOK', 'SWALLOWED']),
  rule('overdose-or-poisoning', 40, valued(['PILLS_COUNT'], tabletCount), near(2, 'TOOK'), 'DRUG'),
  rule('overdose-or-poisoning', 8, 'BULK', near(4, 'DRUG', 'POISON'), ['TOOK', 'SWALLOWED']),
  rule('overdose-or-poisoning', 25, valued(['CHILD'], youngChild), 'SWALLOWED', ['DRUG', 'POISON']),
  rule('overdose-or-poisoning', 30, 'CO_GAS', ['HEADACHE', 'FAINT', 'NAUSEA', 'VOMIT', 'DROWSY', 'CONFUSED', 'UNRESPONSIVE', 'COLLAPSE', 'BREATHLESS']),

  // "unresponsive since kick off", "only reacts to pizza": lost in a screen or a match; slumped, blue or not breathing beside it, it is real
  unless(rule('unresponsive', 0, 'UNRESPONSIVE'), near(25, 'ABSORBED')),
  rule('unresponsive', 25, 'UNRESPONSIVE', 'ABSORBED', ['COLLAPSE', 'NOT_BREATHING', 'BLUE', 'LIPS_SKIN', 'PALE', 'SEIZURE', 'FAINT', 'VOMIT', 'HEAD_INJURY', 'FALL', 'DRUG', 'ALCOHOL', 'OVERDOSE', 'SWALLOWED', 'CHEST', 'KNOCKED_OUT', 'SEVERE_BREATHING']),
  rule('unresponsive', 0, 'NOT_BREATHING'),

  rule('severe-breathing-difficulty', 0, 'SEVERE_BREATHING'),
  rule('severe-breathing-difficulty', 0, valued(['OXYGEN'], (v) => v >= 50 && v < 92)),
  rule('severe-breathing-difficulty', 0, 'CHOKING'),
  rule('severe-breathing-difficulty', 3, 'BLUE', 'LIPS_SKIN'),
  rule('severe-breathing-difficulty', 20, 'CANT_SPEAK', ['BREATHLESS', 'ASTHMA', 'WHEEZE', 'FAST_BREATH']),
  rule('severe-breathing-difficulty', 10, ['ASTHMA', 'INHALER'], 'NOT_HELPING'),
  rule('severe-breathing-difficulty', 4, 'BREATHLESS', 'SEVERE'),
  rule('severe-breathing-difficulty', 0, 'RETRACTIONS'),
  rule('severe-breathing-difficulty', 15, 'BREATHLESS', ['BLUE', 'CONFUSED', 'DROWSY']),
  rule('severe-breathing-difficulty', 20, 'WHEEZE', ['RETRACTIONS', 'BLUE', 'PALE', 'DROWSY', 'CANT_SPEAK']),
  // a high-pitched noise on breathing in with drooling or unable to swallow: the airway is closing (epiglottitis, a foreign body)
  unless(rule('severe-breathing-difficulty', 20, 'WHEEZE', 'CANT_SWALLOW'), near(6, 'MILD')),

  rule('seizure', 12, 'SEIZURE', valued(['MINUTES'], atLeast(5))),
  rule('seizure', 12, 'SEIZURE', 'HOURS'),
  rule('seizure', 15, 'SEIZURE', valued(['REPEAT'], atLeast(2))),
  rule('seizure', 15, 'SEIZURE', ['WONT_STOP', 'FIRST_TIME', 'UNRESPONSIVE', 'NOT_BREATHING', 'HEAD_INJURY', 'WATER', 'PREGNANT', 'BLUE', 'SEVERE_BREATHING']),
  rule('seizure', 0, 'SEIZURE_NOW'),

  unless(rule('meningitis-or-sepsis', 12, 'RASH', 'NON_BLANCH'), near(10, 'BLANCHES')),
  unless(rule('meningitis-or-sepsis', 20, 'NON_BLANCH', FEVER), near(10, 'BLANCHES')),
  rule('meningitis-or-sepsis', 0, 'MENINGITIS'),
  rule('meningitis-or-sepsis', 30, 'STIFF_NECK', FEVER),
  rule('meningitis-or-sepsis', 30, 'STIFF_NECK', 'LIGHT_HURTS'),
  rule('meningitis-or-sepsis', 30, 'LIGHT_HURTS', FEVER, ['HEADACHE', 'VOMIT', 'DROWSY', 'CONFUSED', 'NECK']),
  rule('meningitis-or-sepsis', 0, 'SEPSIS'),
  rule('meningitis-or-sepsis', 40, ['FEVER', 'INFECTION'], ['MOTTLED', 'NO_URINE', 'VERY_UNWELL', 'CONFUSED', 'SPEECH_PROBLEM']),
  // a temperature told with its decimals ("39,8") is a measured fever, even without the word
  rule('meningitis-or-sepsis', 40, valued(['TEMP'], measuredFever), ['MOTTLED', 'NO_URINE', 'VERY_UNWELL', 'CONFUSED', 'SPEECH_PROBLEM']),

  rule('sudden-severe-headache', 15, 'HEADACHE', 'THUNDERCLAP'),
  // told only as a blow or an explosion in the head, with what follows it
  rule('sudden-severe-headache', 20, 'THUNDERCLAP', ['VOMIT', 'CONFUSED', 'DROWSY', 'FAINT', 'COLLAPSE', 'FIRST_TIME', 'SEVERE']),
  rule('sudden-severe-headache', 10, 'HEADACHE', 'SUDDEN', 'SEVERE'),
  // a sudden headache with vomiting, a stiff neck, light hurting or drowsiness: bleeding until shown otherwise
  rule('sudden-severe-headache', 10, 'HEADACHE', 'SUDDEN', near(20, 'VOMIT', 'NAUSEA', 'STIFF_NECK', 'NECK', 'LIGHT_HURTS', 'DROWSY', 'CONFUSED', 'FAINT', 'FIRST_TIME')),
  // a thunderclap with a neck stiffening or vomiting, even without the word headache ("a bang in my head")
  rule('sudden-severe-headache', 10, 'THUNDERCLAP', near(20, 'STIFF_NECK', 'VOMIT', 'LIGHT_HURTS'), ['HEADACHE', 'NECK', 'STIFF_NECK', 'SUDDEN']),
  rule('sudden-severe-headache', 30, ['HEAD_INJURY', 'FALL', 'CRASH'], 'HEADACHE', ['VOMIT', 'DROWSY', 'CONFUSED']),

  ...forEachInfant((infant) => [
    rule('infant-danger-signs', 40, infant, FEVER),
    rule('infant-danger-signs', 25, infant, INFANT_SIGNS),
    rule('infant-danger-signs', 30, infant, 'NOT_FEEDING', ['DROWSY', 'HARD_TO_WAKE', 'FEVER', 'VOMIT', 'NO_URINE']),
  ]),
  // dry nappies for hours with vomiting, not feeding or drowsiness: dehydration in a baby
  ...INFANT.map((infant) => unless(rule('infant-danger-signs', 30, infant, 'NO_URINE', ['VOMIT', 'NOT_FEEDING', 'DROWSY', 'HARD_TO_WAKE']), near(40, 'PREGNANT'))),
  rule('infant-danger-signs', 25, 'BABY', INFANT_SIGNS_BUT_FLOPPY),
  // a baby under a year named by an age ("my 5 month old", "ma fille de 4 mois"): grunting matters in the youngest only
  ...INFANT_AGE.map((infant) => unless(rule('infant-danger-signs', 15, infant, 'BLUE'), near(40, 'PREGNANT'))),
  ...INFANT_AGE.map((infant) => unless(rule('infant-danger-signs', 25, infant, ['RETRACTIONS', 'FONTANELLE', 'HIGH_CRY', 'HARD_TO_WAKE', 'MOTTLED']), near(40, 'PREGNANT'))),
  unless(rule('infant-danger-signs', 25, 'BABY', 'FLOPPY'), ...OLDER_INFANT),
  ...OLDER_INFANT.map((older) => unless(rule('infant-danger-signs', 40, 'FLOPPY', older), MILD_FEVER, near(40, 'PREGNANT'))),
  ...INFANT.map((infant) => unless(rule('infant-danger-signs', 25, infant, 'FLOPPY', ['DROWSY', 'HARD_TO_WAKE', 'UNRESPONSIVE', 'NOT_FEEDING', 'MOTTLED', 'BLUE', 'RETRACTIONS', 'GRUNT']), near(40, 'PREGNANT'))),
  rule('infant-danger-signs', 30, 'BABY', 'NOT_FEEDING', ['DROWSY', 'HARD_TO_WAKE', 'FEVER', 'VOMIT', 'NO_URINE']),
  ...INFANT_AGE.map((infant) => unless(rule('infant-danger-signs', 30, infant, 'NOT_FEEDING', ['DROWSY', 'HARD_TO_WAKE', 'NO_URINE']), near(40, 'PREGNANT'))),
  unless(rule('infant-danger-signs', 0, 'BABY_STILL'), near(100, 'PREGNANT')),

  rule('drowning', 0, 'DROWN'),
  rule('drowning', 8, 'PULLED_OUT', 'WATER'),
  rule('drowning', 10, 'SUBMERGED', 'WATER'),
  rule('drowning', 20, 'WATER', ['UNRESPONSIVE', 'NOT_BREATHING']),
  // out of the water, then breathing fast, coughing on, dazed or sleepy: water in the lungs
  rule('drowning', 30, ['PULLED_OUT', 'SUBMERGED'], near(40, 'WATER'), ['FAST_BREATH', 'BREATHLESS', 'CONFUSED', 'DROWSY', 'VOMIT', 'SEVERE_BREATHING']),

  rule('major-trauma', 0, 'STAB'),
  rule('major-trauma', 0, 'GUNSHOT'),
  rule('major-trauma', 0, 'BONE_OUT'),
  rule('major-trauma', 0, 'AMPUTATION'),
  rule('major-trauma', 0, 'CRUSHED'),
  rule('major-trauma', 0, 'ELECTRIC'),
  rule('major-trauma', 0, 'SERIOUS_INJURY'),
  unless(rule('major-trauma', 30, 'CRASH', [...INJURY_SIGNS, 'CHEST', 'ABDOMEN', 'HEAVY_FLOW']), near(30, 'MILD')),
  rule('major-trauma', 30, 'FALL', near(8, 'HEIGHT'), INJURY_SIGNS),
  rule('major-trauma', 40, 'HEAD_INJURY', ['KNOCKED_OUT', 'VOMIT', 'CONFUSED', 'DROWSY', 'FLUID_EAR', 'SEIZURE', 'UNRESPONSIVE', 'VISION_BLUR', 'SPEECH_PROBLEM', 'WEAK']),
  rule('major-trauma', 30, ['FALL', 'CRASH'], 'HEADACHE', ['VOMIT', 'DROWSY', 'CONFUSED']),
  // a blow to the belly (a fall, handlebars, a crash), then faint or pale: bleeding inside
  rule('major-trauma', 30, ['FALL', 'CRASH'], 'ABDOMEN', near(30, 'FAINT', 'PALE', 'COLLAPSE')),

  unless(rule('severe-burn', 20, 'BURN', ['BURN_DEEP', 'BURN_LARGE']), near(8, 'MILD')),
  rule('severe-burn', 15, 'BURN', 'BURN_SITE', near(30, 'CHILD', 'BABY')),
  // a scald over a small child's chest or tummy covers much of a small body
  unless(rule('severe-burn', 15, 'BURN', ['CHEST', 'ABDOMEN'], near(30, 'CHILD', 'BABY')), near(6, 'MILD')),
  rule('severe-burn', 10, 'BURN', ['CHEMICAL', 'ELECTRIC']),
  rule('severe-burn', 15, ['CHEMICAL', 'ELECTRIC'], 'BURN_DEEP'),
  rule('severe-burn', 8, 'CHEMICAL', ['BURN_SITE', 'LIPS_SKIN'], near(12, 'BURN', 'PAIN', 'SEVERE')),
  // a burn, or smoke, with a voice going hoarse: the airway is burnt
  rule('severe-burn', 30, 'BURN', ['HOARSE', 'SEVERE_BREATHING']),
  rule('severe-burn', 30, 'SMOKE', ['BREATHLESS', 'SEVERE_BREATHING', 'CONFUSED', 'DROWSY', 'BURN', 'HOARSE']),

  rule('testicular-torsion', 0, 'TORSION'),
  // a testicle with vomiting, or one that came on suddenly: a boy often tells it as tummy ache
  unless(rule('testicular-torsion', 30, 'TESTICLE', 'VOMIT', ['PAIN', 'SUDDEN', 'SWELL', 'SEVERE']), near(6, 'MILD')),
  unless(rule('testicular-torsion', 6, 'TESTICLE', 'SUDDEN'), near(6, 'MILD')),
  unless(rule('testicular-torsion', 6, 'TESTICLE', ['PAIN', 'SWELL'], near(20, 'SUDDEN', 'SEVERE', 'VOMIT', 'NAUSEA', 'ONE_SIDE', 'CHILD')), near(6, 'MILD')),

  rule('acute-abdomen', 5, 'ABDOMEN', 'PAIN', near(8, 'SEVERE')),
  rule('acute-abdomen', 8, 'ABDOMEN', 'RIGID'),
  rule('acute-abdomen', 8, 'RIGID', 'PAIN'),
  rule('acute-abdomen', 0, 'APPENDICITIS'),
  // a pain that began round the belly button and is now low on the right, told across a sentence: the appendix
  rule('acute-abdomen', 25, 'NAVEL', 'RIGHT_ILIAC', near(25, 'PAIN')),
  rule('acute-abdomen', 30, 'BLACK_STOOL', ['PAIN', 'FAINT', 'PALE', 'VOMIT_BLOOD', 'SEVERE']),
  rule('acute-abdomen', 30, 'CANT_PASS', 'VOMIT'),
  rule('acute-abdomen', 30, 'VOMIT_BLOOD', 'ABDOMEN', 'PAIN'),

  rule('diabetic-emergency', 0, 'DKA'),
  rule('diabetic-emergency', 40, ['DIABETES', 'LOW_SUGAR', 'HIGH_SUGAR'], ALTERED),
  rule('diabetic-emergency', 15, 'LOW_SUGAR', 'NOT_IMPROVING'),
  unless(rule('diabetic-emergency', 15, valued(['SUGAR'], lowSugar), ['NOT_IMPROVING', ...ALTERED]), near(3, 'SUGAR_GL')),
  rule('diabetic-emergency', 15, valued(['SUGAR_GL'], lowSugarGL), ['NOT_IMPROVING', 'VOMIT', ...ALTERED]),
  rule('diabetic-emergency', 40, valued(['SUGAR_GL'], highSugarGL), ['VOMIT', 'FAST_BREATH', 'FRUITY_BREATH', 'DROWSY', 'CONFUSED']),
  rule('diabetic-emergency', 40, 'HIGH_SUGAR', ['VOMIT', 'FAST_BREATH', 'FRUITY_BREATH', 'DROWSY', 'CONFUSED']),
  rule('diabetic-emergency', 40, valued(['SUGAR'], highSugar), ['VOMIT', 'FAST_BREATH', 'FRUITY_BREATH', 'DROWSY', 'CONFUSED']),
  rule('diabetic-emergency', 40, 'FRUITY_BREATH', ['DIABETES', 'VOMIT', 'FAST_BREATH']),
  // a diabetic vomiting and breathing deep and fast: ketoacidosis, meter or not
  rule('diabetic-emergency', 40, 'DIABETES', 'VOMIT', 'FAST_BREATH'),

  rule('pregnancy-emergency', 40, 'PREGNANT', 'BLEED', near(40, 'HEAVY_FLOW', 'WONT_STOP', 'PAIN', 'SEVERE')),
  rule('pregnancy-emergency', 30, 'PREGNANT', 'ONE_SIDE', 'PAIN', ['SEVERE', 'SUDDEN', 'FAINT']),
  rule('pregnancy-emergency', 30, 'PREGNANT', 'ABDOMEN', 'PAIN', 'SEVERE'),
  rule('pregnancy-emergency', 40, 'PREGNANT', 'HEADACHE', ['VISION_BLUR', 'SWOLLEN_BODY', 'SEVERE']),
  rule('pregnancy-emergency', 40, 'PREGNANT', 'VISION_BLUR', 'SWOLLEN_BODY'),
  // "I'm 35 weeks" told as a bare week count: pre-eclampsia signs from 20 weeks
  rule('pregnancy-emergency', 40, LATE_PREGNANCY_WEEKS, 'HEADACHE', ['VISION_BLUR', 'SWOLLEN_BODY']),
  rule('pregnancy-emergency', 40, LATE_PREGNANCY_WEEKS, 'VISION_BLUR', 'SWOLLEN_BODY'),
  rule('pregnancy-emergency', 40, 'CORD', ['PREGNANT', 'WATERS']),
  // waters breaking before 37 weeks (premature rupture): the maternity unit now
  rule('pregnancy-emergency', 40, 'WATERS', valued(['PREGNANT', 'AGE_WEEKS'], (v) => v >= 16 && v < 37)),
  // before 24 weeks, not feeling the baby move yet is ordinary
  unless(rule('pregnancy-emergency', 0, 'FETAL_MOVES'), EARLY_PREGNANCY),
  unless(rule('pregnancy-emergency', 100, 'BABY_STILL', 'PREGNANT'), EARLY_PREGNANCY),
  rule('pregnancy-emergency', 40, 'PREGNANT', 'SEIZURE'),

  rule('heat-or-cold-emergency', 0, 'HEATSTROKE'),
  rule('heat-or-cold-emergency', 30, 'HOT_ENV', ['CONFUSED', 'COLLAPSE', 'UNRESPONSIVE', 'NOT_SWEATING', 'SEIZURE', 'SPEECH_PROBLEM']),
  // hot to the touch and limp after a hot car, a run or the sun
  rule('heat-or-cold-emergency', 30, 'HOT_ENV', 'FEVER', ['FLOPPY', 'HARD_TO_WAKE']),
  // burning hot, dry and confused: heatstroke even when no hot place was named
  rule('heat-or-cold-emergency', 30, 'NOT_SWEATING', valued(['FEVER', 'TEMP'], (v) => Number.isNaN(v) || (v >= 40 && v <= 43.5) || (v >= 104 && v <= 110)), ['CONFUSED', 'COLLAPSE', 'UNRESPONSIVE', 'SEIZURE', 'SPEECH_PROBLEM', 'DROWSY']),
  rule('heat-or-cold-emergency', 0, 'HYPOTHERMIA'),
  rule('heat-or-cold-emergency', 30, 'COLD_ENV', ['CONFUSED', 'DROWSY', 'STOPPED_SHIVERING', 'SPEECH_PROBLEM', 'UNRESPONSIVE', 'COLLAPSE']),

  rule('cauda-equina', 0, 'CAUDA'),
  rule('cauda-equina', 40, 'SADDLE', ['BACK', 'BLADDER_LOSS', 'BOTH_LEGS', 'LEG']),
  rule('cauda-equina', 40, 'BACK', ['BLADDER_LOSS', 'BOTH_LEGS']),
  // the saddle's parts listed, then the numbness ("my buttocks and inner thighs have gone numb"), with a back or bladder told near
  rule('cauda-equina', 40, 'SADDLE_AREA', near(6, 'NUMB'), ['BACK', 'BLADDER_LOSS', 'BOTH_LEGS']),

  rule('sudden-vision-loss', 0, 'VISION_LOSS'),
  rule('sudden-vision-loss', 8, 'CANT_SEE', ['SUDDEN', 'EYE', 'ONE_SIDE']),
  rule('sudden-vision-loss', 6, 'CURTAIN', 'EYE'),
  rule('sudden-vision-loss', 0, 'CHEMICAL_EYE'),
  rule('sudden-vision-loss', 6, 'CHEMICAL', 'EYE'),
  // a splash that reached the eye further on in the telling, and the eye burns
  rule('sudden-vision-loss', 20, 'CHEMICAL', 'EYE', near(20, 'PAIN', 'BURN', 'SEVERE', 'CANT_SEE', 'VISION_BLUR')),
  rule('sudden-vision-loss', 20, 'EYE_INJURY', ['VISION_LOSS', 'CANT_SEE', 'VISION_BLUR', 'BLEED']),
];
