/**
 * The language-independent concepts the lexicons map words to and the rules combine. Cues shape
 * how findings are read (negation, time, hypotheticals); findings are what a person describes.
 */
export const CUE_CONCEPTS = [
  'NEG', // no, not, never, without
  'HEDGE', // "not sure", "don't know": consumes the negation inside it
  'CLAUSE_BREAK', // but, and, although: a negation does not reach past it
  'PAST', // last week, years ago, used to
  'RECENT', // yesterday, last night: past, yet near enough that a head injury or an age told then still stands
  'PAST_VERB', // was, had: keeps an earlier sentence's past frame going
  'NOW', // now, still, right now, since, an hour ago
  'RESOLVED', // fine now, went away, back to normal: over, and so is what came before it
  'FINE', // she is fine, he seems ok: only its own clause (people say it of emergencies too)
  'PET', // my dog, the cat: an animal's trouble is for a vet
  'HABIT', // always, every time, whenever
  'HYPO_IF', // if, in case, signs of, prevent: what follows is not happening
  'HYPO_HOW', // how to, how do you: a how-to, unless it is about someone now
  'HYPO_SENT', // side effects, is it normal, can X cause: the whole sentence asks about, not tells
  'KIN', // my husband, mi hijo, ma mère: someone real in the writer's life (ends a frame's reach)
  'FRAME', // a film, novel, game, dream, the news, a course: what follows, to the end, is not happening to anyone real
  'FIGURATIVE', // nearly had a heart attack, drowning in work
  'JOKE', // lol, haha, jajaja, kkkk, mdr: a name or a "dying" in its sentence is a joke (unless help is asked for)
  'URGENT_NEED', // help, hurry, emergency
  'PERSONAL', // my, his, he, she: a real person is concerned
  'PRESENT_SUBJ', // he is, my dad has, i cant: someone real, now (ends a hypothetical's reach)
  'PRESENT_VERB', // "... ten days ago and is gasping": a verb told in the present ends a past frame's reach (not a hypothetical's)
  'NONE', // phrases that only stop their words being read otherwise ("stroke of luck")
  'POSS', // my, his, her, the (phrase class)
  'REFL', // myself, himself (phrase class)
  'SUBJ', // i, he, she, someone (phrase class)
  'WORKLOAD', // work, debt, emails (phrase class, for idioms)
  'THING', // a laptop, the car, the market, our team (phrase class): what a borrowed body word is told of, not a person
  'DEBT_IDIOM', // up to the neck in debt/work: the sentence's drowning and choking are figurative
  'BLOCKED_NOSE', // a blocked or stuffy nose: the sentence's "can't breathe" is through the nose
] as const;

export const FINDING_CONCEPTS = [
  // heart, aorta, lungs
  'HEART_ATTACK',
  'CHEST',
  'PAIN',
  'PRESSURE',
  'TIGHT',
  'SWEAT',
  'NAUSEA',
  'VOMIT',
  'BREATHLESS',
  'SEVERE_BREATHING',
  'RADIATE',
  'ARM',
  'JAW',
  'NECK',
  'BACK',
  'SHOULDER_BLADES',
  'LIMB',
  'LEG',
  'NUMB',
  'WEAK',
  'PALE',
  'FAINT',
  'SEVERE',
  'SUDDEN',
  'TEARING',
  'THROUGH_BACK',
  'AORTA',
  'PE',
  'CALF',
  'DVT',
  'CLOT_RISK',
  'PLEURITIC',
  'COUGH_BLOOD',
  'PALPITATIONS',
  'STIMULANT',
  // brain, nerves, eyes
  'STROKE',
  'FACE',
  'DROOP',
  'SPEECH',
  'SPEECH_ODD',
  'SPEECH_PROBLEM',
  'ONE_SIDE',
  'DROP',
  'CONFUSED',
  'VISION_LOSS',
  'CANT_SEE',
  'CURTAIN',
  'EYE',
  'BALANCE_LOSS',
  'HEADACHE',
  'THUNDERCLAP',
  'HEAD_INJURY',
  'DROWSY',
  'SEIZURE',
  'SEIZURE_NOW',
  'REPEAT',
  'FIRST_TIME',
  'CHEMICAL_EYE',
  'EYE_INJURY',
  'VISION_BLUR',
  // mind
  'SUICIDE',
  'SELF_HARM',
  'PLAN',
  'MEANS',
  // allergy, breathing
  'ANAPHYLAXIS',
  'MOUTH_THROAT',
  'SWELL',
  'THROAT_CLOSING',
  'ALLERGEN',
  'MEAL',
  'ALLERGIC',
  'WHEEZE',
  'HIVES',
  'ASTHMA',
  'INHALER',
  'NOT_HELPING',
  'CANT_SPEAK',
  'CHOKING',
  'RETRACTIONS',
  'GRUNT',
  'BLUE',
  'LIPS_SKIN',
  'FAST_BREATH',
  'CANT_SWALLOW',
  // bleeding, poisoning, collapse
  'BLEED',
  'HEAVY_FLOW',
  'WONT_STOP',
  'VOMIT_BLOOD',
  'MILD',
  'BLACK_STOOL',
  'OVERDOSE',
  'SWALLOWED',
  'POISON',
  'DRUG',
  'BULK',
  'CHILD',
  'BABY',
  'CO_GAS',
  'ALCOHOL',
  'UNRESPONSIVE',
  'NOT_BREATHING',
  'COLLAPSE',
  'PILLS_COUNT',
  'NOT_IMPROVING',
  // infection, fever, infants
  'RASH',
  'NON_BLANCH',
  'FEVER',
  'TEMP',
  'STIFF_NECK',
  'LIGHT_HURTS',
  'MOTTLED',
  'SEPSIS',
  'NO_URINE',
  'VERY_UNWELL',
  'SHIVER',
  'INFECTION',
  'MENINGITIS',
  'AGE_DAYS',
  'AGE_WEEKS',
  'AGE_MONTHS',
  'NEWBORN',
  'FLOPPY',
  'NOT_FEEDING',
  'FONTANELLE',
  'HIGH_CRY',
  'HARD_TO_WAKE',
  // injuries, burns, water
  'DROWN',
  'WATER',
  'PULLED_OUT',
  'CRASH',
  'FALL',
  'HEIGHT',
  'STAB',
  'GUNSHOT',
  'BONE_OUT',
  'CRUSHED',
  'ELECTRIC',
  'AMPUTATION',
  'SERIOUS_INJURY',
  'KNOCKED_OUT',
  'FLUID_EAR',
  'CANT_MOVE',
  'BURN',
  'BURN_DEEP',
  'BURN_LARGE',
  'BURN_SITE',
  'CHEMICAL',
  'SMOKE',
  'MINUTES',
  'HOURS',
  'INJURY',
  // belly, groin, back, diabetes, pregnancy, heat and cold
  'TESTICLE',
  'TORSION',
  'ABDOMEN',
  'RIGID',
  'APPENDICITIS',
  'CANT_PASS',
  'DIABETES',
  'LOW_SUGAR',
  'HIGH_SUGAR',
  'SUGAR',
  'SUGAR_GL',
  'DKA',
  'FRUITY_BREATH',
  'PREGNANT',
  'CORD',
  'WATERS',
  'FETAL_MOVES',
  'SWOLLEN_BODY',
  'BABY_STILL',
  'HEATSTROKE',
  'HOT_ENV',
  'NOT_SWEATING',
  'HYPOTHERMIA',
  'COLD_ENV',
  'STOPPED_SHIVERING',
  'SADDLE',
  'BLADDER_LOSS',
  'BOTH_LEGS',
  'CAUDA',
  'TOOK',
  'OXYGEN',
  'ANTICOAG',
  'GOODBYE',
  'FAREWELL_NOTE',
  'DOSE',
  'HOPELESS',
  'HOARSE',
  'SUBMERGED',
  'BLANCHES',
  'ACCIDENT',
  'INTENT',
  'UNREACHABLE', // not answering the phone, phone off: after a farewell, a warning sign
  'STROKE_HISTORY', // had a stroke (before): a weak arm or slurred speech since is its lasting trace, unless it came on suddenly
  'LOCAL_ANAESTHETIC', // the dentist, a numbing injection: a numb, drooping face beside it is the anaesthetic
  'NEW_ONSET', // today, this morning, an hour ago, just now: a sign that began now is new, whatever came before
  'DOUBLE_VISION', // seeing double: with unsteadiness, slurring or weakness, a stroke at the back of the brain
  'INDIGESTION', // indigestion, heartburn: how a heart attack is often played down; going down the arm, or grey and sweating, it is the heart
  'NAVEL', // around the belly button: where an appendix pain starts
  'RIGHT_ILIAC', // low down on the right of the belly: where it moves to
  'SADDLE_AREA', // buttocks, inner thighs, between the legs, genitals: numb there, the nerves of the cauda equina
  'ABSORBED', // since kick off, since his new console, only reacts to pizza: "unresponsive" told of someone lost in a screen or a match
  'RAILWAY', // a platform, the tracks, a train coming: the place, beside a thought of stepping or throwing oneself off
] as const;

export const CONCEPTS = [...CUE_CONCEPTS, ...FINDING_CONCEPTS] as const;
export type Concept = (typeof CONCEPTS)[number];
export type CueConcept = (typeof CUE_CONCEPTS)[number];
