/** English: detection words, lexicon and advice. */
import type { LanguageData } from '../language-data.js';

export const en: LanguageData = {
  id: 'en',
  stopwords: [
    'the',
    'and',
    'is',
    'it',
    'my',
    'i',
    'im',
    'he',
    'she',
    'his',
    'her',
    'have',
    'has',
    'was',
    'with',
    'of',
    'to',
    'in',
    'on',
    'what',
    'do',
    'does',
    'this',
    'that',
    'can',
    'cant',
    'dont',
    'not',
    'a',
    'an',
    'for',
    'be',
    'been',
    'after',
    'from',
    'just',
    'now',
    'should',
    'how',
    'are',
    'and',
    'but',
    'feel',
    'feels',
    'like',
    'really',
    'very',
    'since',
    'got',
    'its',
    'me',
    'you',
    'they',
    'will',
    'wont',
    'isnt',
    'when',
    'there',
    'about',
    'at',
  ],
  letters: '',
  compounds: false,
  advice: {
    callNow:
      'Call your local emergency number now (112 across the EU, 999 in the UK, 911 in the US and Canada) or get someone to call for you.',
    categories: {
      cardiac:
        'This could be a heart attack. Stop, sit down and rest; do not drive yourself. If the call handler advises it and you are not allergic, chew one adult aspirin (300 mg).',
      stroke:
        'These can be signs of a stroke (face drooping, arm weakness, speech problems). Note the time the symptoms started; every minute counts. Do not give food, drink or medicine by mouth.',
      'suicide-or-self-harm':
        'If you might act on thoughts of ending your life or harming yourself, you do not have to face this alone: call your emergency number if you are in danger now, or a crisis line (988 in the US and Canada, call or text; Samaritans 116 123 in the UK and Ireland). Stay with someone you trust and move away from anything you could use to hurt yourself.',
      anaphylaxis:
        'This could be a severe allergic reaction (anaphylaxis). Use an adrenaline auto-injector (EpiPen) now if there is one, into the outer thigh; use a second one after 5 minutes if there is no improvement. Lie down with legs raised, or sit up if breathing is hard; do not stand or walk, even if you feel better.',
      'severe-bleeding':
        'Press firmly on the wound with a clean cloth or your hand and keep pressing without letting go until help arrives; if blood soaks through, add more cloth on top instead of removing it. Lie the person down and keep them warm. If someone is vomiting or coughing up blood, keep them on their side or leaning forward and give nothing to eat or drink.',
      'overdose-or-poisoning':
        'Do not try to make the person vomit and do not give anything to eat or drink unless told to. Keep the packet or bottle to show the paramedics. If they are unconscious but breathing, lay them on their side (recovery position). A swallowed button battery or magnets needs hospital now even if the child seems well. For carbon monoxide, get everyone into fresh air. In the US, Poison Control: 1-800-222-1222.',
      unresponsive:
        'If the person does not respond and is not breathing normally, start CPR now: push hard and fast in the centre of the chest, 100 to 120 times a minute, and send someone for a defibrillator (AED); the call handler will guide you. If they are breathing, lay them on their side (recovery position) and keep checking their breathing.',
      'severe-breathing-difficulty':
        'Sit the person upright and keep them calm; loosen tight clothing. If they have a reliever inhaler (usually blue), use it. If someone is choking and cannot cough, speak or breathe, give up to 5 firm back blows between the shoulder blades, then up to 5 abdominal thrusts (chest thrusts for a baby under 1). If they stop responding, start CPR.',
      seizure:
        'Do not hold the person down and put nothing in their mouth. Move hard objects away, cushion their head and time the seizure. When the jerking stops, turn them on their side (recovery position). A seizure lasting over 5 minutes, seizures one after another, a first seizure, or one with an injury or in water needs emergency help.',
      'meningitis-or-sepsis':
        'A rash that does not fade when you press a glass on it, fever with a stiff neck or dislike of light, or signs of sepsis (confused, mottled or bluish skin, very fast breathing, no urine all day, feeling very unwell) need emergency care now. Do not wait for a rash to appear.',
      'sudden-severe-headache':
        'A sudden, severe "worst ever" headache, or a headache after a head injury with vomiting, drowsiness or confusion, can mean bleeding in or around the brain. Lie down, do not drive yourself and do not take aspirin.',
      'infant-danger-signs':
        'These are danger signs in a baby. A baby under 3 months with a temperature of 38 °C (100.4 °F) or more, or a baby who is floppy, hard to wake, grunting, sucking in under the ribs, blue, pale or blotchy, not feeding, with a bulging soft spot or a high-pitched cry, needs emergency care now. Do not wait to see if it passes.',
      drowning:
        'Get the person out of the water only if it is safe for you. If they are not breathing normally, give 5 rescue breaths, then CPR (30 chest compressions, 2 breaths). Anyone pulled from the water who was unconscious, keeps coughing or breathes fast must be checked in hospital even if they seem fine. Keep them warm.',
      'major-trauma':
        'Do not move the person if the neck or back may be injured, unless they are in danger where they are. Press firmly on any bleeding; do not pull out anything stuck in a wound. Keep them still and warm and give nothing to eat or drink. After an electric shock, do not touch them until the power is off.',
      'severe-burn':
        'Cool the burn under cool or lukewarm running water for 20 minutes (no ice), and take off clothing and jewellery near it unless stuck to the skin. Cover it loosely with cling film or a clean plastic bag. Do not put creams, butter or toothpaste on it. For a chemical burn, rinse with plenty of water; for an electrical burn, switch off the power first. Keep the person warm.',
      'aortic-dissection':
        'A sudden tearing or ripping pain in the chest or going through to the back can be a tear in the main artery (aortic dissection). Lie still, do not drive yourself, and take no medicines unless the call handler or a doctor tells you to.',
      'pulmonary-embolism':
        'Sudden breathlessness or chest pain when breathing in, or coughing up blood, especially after a swollen painful calf, a long journey, surgery or pregnancy, can be a blood clot in the lungs. Sit upright, stay still and do not drive yourself.',
      'testicular-torsion':
        'Sudden severe pain in a testicle can be testicular torsion, which must be treated within hours to save the testicle. Go to the emergency department now and do not eat or drink in case an operation is needed.',
      'acute-abdomen':
        'Sudden severe belly pain, a hard rigid belly, vomiting blood or black tarry stools need emergency care now. Do not eat or drink anything in case an operation is needed, and do not drive yourself.',
      'diabetic-emergency':
        'If the person is awake, can swallow and their sugar may be low, give a sugary drink, glucose tablets or sweets and check again after 15 minutes. If they are drowsy, confused or unconscious, give nothing by mouth and lay them on their side. Very high sugar with vomiting, deep fast breathing or fruity breath (ketoacidosis) needs emergency care now.',
      'pregnancy-emergency':
        'Heavy bleeding, severe pain on one side, a severe headache with blurred vision or sudden swelling, the cord coming out, or a baby moving less or not at all need emergency care or your maternity unit now; do not wait until tomorrow. Lie on your left side while you wait. If the cord is coming out, kneel with your bottom raised and do not push it back.',
      'heat-or-cold-emergency':
        'For heatstroke, move the person somewhere cool, wet their skin with cool water and fan them; give sips of water only if they are fully awake. For severe cold (hypothermia), move them somewhere warm, remove wet clothes and wrap them in blankets, warming the body first; do not rub their arms and legs or put them in a hot bath.',
      'cauda-equina':
        'Back pain with numbness around the genitals or buttocks, new trouble passing or controlling urine or stools, or weakness in both legs can be cauda equina syndrome, which needs an emergency operation. Go to the emergency department now.',
      'sudden-vision-loss':
        'Sudden loss of sight or a shadow or curtain over your vision needs emergency eye care now. For a chemical in the eye, rinse it with plenty of clean running water for at least 20 minutes, holding the eyelid open. Do not rub the eye or press on an injured eye.',
    },
  },
  lexicon: {},
};
