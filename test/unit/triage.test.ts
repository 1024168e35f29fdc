/**
 * The deterministic triage on development examples written for it (not the evaluation set): per
 * category and language, emergencies as lay people type them, and hard negatives (past, resolved,
 * hypothetical, negated, metaphors). A positive case passes when its category is among those
 * raised; a negative when nothing is raised.
 */
import { describe, expect, it } from 'vitest';
import {
  adviceFor,
  detectLanguage,
  TRIAGE_CATEGORIES,
  TRIAGE_LANGUAGES,
  type TriageCategory,
  type TriageLanguage,
  triage,
} from '../../shared/triage/index.js';

type Case = [text: string, category: TriageCategory | null];

const EN: Case[] = [
  // cardiac
  ['I have crushing chest pain spreading to my left arm', 'cardiac'],
  ['Chest pain and I am short of breath', 'cardiac'],
  ['my chest feels tight and im sweating a lot', 'cardiac'],
  ['Severe chest pressure, clammy and nauseous', 'cardiac'],
  ['I think I am having a heart attack', 'cardiac'],
  ['no fever but crushing chest pain and sweating', 'cardiac'],
  ['Pain in my chest going down to my jaw', 'cardiac'],
  ['feels like someone is standing on my chest, cold sweat', 'cardiac'],
  ['dad says theres a heavy weight on his chest and his left arm is tingling', 'cardiac'],
  ['CHEST PAIN AND SHORT OF BREATH!!!', 'cardiac'],
  ['No chest pain, just a runny nose', null],
  ["I don't have chest pain or shortness of breath, only a cough", null],
  ['How can I prevent heart attacks?', null],
  ['What are the warning signs of a heart attack?', null],
  ['My dad had a heart attack years ago, should I get checked?', null],
  ['I get out of breath when I run', null],
  ['I nearly had a heart attack when I saw the bill', null],
  ['my heart skipped a beat when I saw her', null],
  ['had chest pain and sweating last week, fine now', null],
  ['can anxiety cause chest pain?', null],
  // stroke
  ["My mum's face is drooping on one side and her speech is slurred", 'stroke'],
  ['Sudden weakness in my left arm', 'stroke'],
  ['he suddenly cant speak properly and his arm is numb', 'stroke'],
  ['I think my husband is having a stroke', 'stroke'],
  ['my mums mouth looks crooked and her words are coming out wrong', 'stroke'],
  ['she suddenly dropped her cup and cant lift her arm', 'stroke'],
  ['What is a stroke?', null],
  ['My grandfather had a stroke years ago', null],
  ['How do I lower my risk of stroke?', null],
  ['My arm is sore after the gym', null],
  ['what a stroke of luck, I found my keys', null],
  // suicide or self-harm
  ['I want to kill myself', 'suicide-or-self-harm'],
  ["I've been having suicidal thoughts", 'suicide-or-self-harm'],
  ["I don't want to live anymore", 'suicide-or-self-harm'],
  ['I keep cutting myself when I am stressed', 'suicide-or-self-harm'],
  ['Everyone would be better off dead without me', 'suicide-or-self-harm'],
  ['Thinking about ending things', 'suicide-or-self-harm'],
  ['I wrote goodbye letters to my family and I have the pills lined up', 'suicide-or-self-harm'],
  ['my friend texted me she is going to jump off the bridge tonight', 'suicide-or-self-harm'],
  ['I am not suicidal, just tired all the time', null],
  ['I have never had thoughts of killing myself', null],
  ['What are the warning signs of suicide in teenagers?', null],
  ['this job is killing me', null],
  ["I'm dying to know if the clinic opens on Sunday", null],
  // anaphylaxis
  ['My throat is swelling after a bee sting', 'anaphylaxis'],
  ['I ate peanuts and my tongue is swelling and I can\u2019t breathe', 'anaphylaxis'],
  ['my lips are swollen after taking penicillin', 'anaphylaxis'],
  ['Should I use my EpiPen? I ate shellfish', 'anaphylaxis'],
  ['No throat swelling, just an itchy rash after the bee sting', null],
  ['What is anaphylaxis and how do I prevent it?', null],
  // severe bleeding
  ['Bleeding that won\u2019t stop after a fall', 'severe-bleeding'],
  ["The cut on my hand won't stop bleeding", 'severe-bleeding'],
  ['Blood is spurting from the wound', 'severe-bleeding'],
  ['blood is spurting from his leg, how do I stop it', 'severe-bleeding'],
  ['The bandage is soaked through with blood', 'severe-bleeding'],
  ['I am vomiting blood', 'severe-bleeding'],
  ['My leg is bleeding and it will not stop', 'severe-bleeding'],
  ['A small cut, bleeding stopped after a minute', null],
  ['a little blood when I brush my teeth', null],
  // overdose or poisoning
  ['I took too many paracetamol tablets', 'overdose-or-poisoning'],
  ['My toddler swallowed a button battery', 'overdose-or-poisoning'],
  ['My son drank bleach', 'overdose-or-poisoning'],
  ['I think I overdosed on my sleeping pills', 'overdose-or-poisoning'],
  ['Took a whole bottle of ibuprofen', 'overdose-or-poisoning'],
  ['I took about 30 paracetamol an hour ago', 'overdose-or-poisoning'],
  ['my 2 year old got into my pills', 'overdose-or-poisoning'],
  ['What is the maximum dose of ibuprofen?', null],
  ['I did not take too many pills, I took the normal dose', null],
  ['I took 2 paracetamol for my headache', null],
  ['I took one 500mg tablet this morning', null],
  // unresponsive
  ["My baby won't wake up and is floppy", 'unresponsive'],
  ['My child is unresponsive', 'unresponsive'],
  ['My husband is unconscious on the floor', 'unresponsive'],
  ["he isn't breathing, how do I do CPR", 'unresponsive'],
  ['My baby sleeps a lot, is that normal?', null],
  ['How do you do CPR on an adult?', null],
  // severe breathing difficulty
  ["I can't breathe", 'severe-breathing-difficulty'],
  ['cant breath', 'severe-breathing-difficulty'],
  ['My child is gasping for air', 'severe-breathing-difficulty'],
  ['His lips are turning blue', 'severe-breathing-difficulty'],
  ['asthma attack and her blue inhaler is not helping', 'severe-breathing-difficulty'],
  ['my son is choking on a grape', 'severe-breathing-difficulty'],
  ['I can breathe fine, no problems at all', null],
  // seizure
  ['my son has been fitting for 10 minutes', 'seizure'],
  ['she had a seizure and has never had one before', 'seizure'],
  ['he is having seizures one after another', 'seizure'],
  ['my daughter has epilepsy and had a 1 minute seizure last week, she is fine now', null],
  // meningitis or sepsis
  ['rash that doesnt fade under a glass and fever', 'meningitis-or-sepsis'],
  ['high fever, stiff neck and the light hurts his eyes', 'meningitis-or-sepsis'],
  ['grandma has a UTI and is suddenly very confused and her skin is mottled', 'meningitis-or-sepsis'],
  ['what are the symptoms of meningitis?', null],
  // sudden severe headache
  ['worst headache of my life came on suddenly like being hit with a bat', 'sudden-severe-headache'],
  ['sudden severe headache out of nowhere', 'sudden-severe-headache'],
  ['I get tension headaches when I am stressed', null],
  // infant danger signs
  ['my 6 week old has a temperature of 38.5', 'infant-danger-signs'],
  ['newborn is grunting with every breath', 'infant-danger-signs'],
  ['baby is floppy and hard to wake', 'infant-danger-signs'],
  ['my 2 year old has a fever of 38.5 but is playing happily', null],
  // drowning
  ['my son was pulled out of the pool and is coughing a lot', 'drowning'],
  ['he nearly drowned in the lake an hour ago', 'drowning'],
  ['I am drowning in work this week', null],
  // major trauma
  ['my friend has been stabbed', 'major-trauma'],
  ['fell off a ladder onto his back and cant move his legs', 'major-trauma'],
  ['broke my arm and the bone is sticking out', 'major-trauma'],
  ['I have a stabbing pain in my side when I laugh', null],
  ['got my flu shot today, arm is sore', null],
  // severe burn
  ['spilled boiling water on my toddlers face and hands', 'severe-burn'],
  ['the burn is white and leathery and does not hurt', 'severe-burn'],
  ['small burn from the oven on my finger, it is red', null],
  ['I feel burnt out at work', null],
  // aortic dissection
  ['sudden tearing pain in my chest going through to my back', 'aortic-dissection'],
  // pulmonary embolism
  ['my calf has been swollen and painful and now I am suddenly short of breath', 'pulmonary-embolism'],
  ['after a long flight I suddenly cant breathe properly', 'pulmonary-embolism'],
  // testicular torsion
  ['my 14 year old has sudden severe pain in his testicle and is vomiting', 'testicular-torsion'],
  ['I twisted my ankle playing football', null],
  // acute abdomen
  ['severe stomach pain and my belly is hard as a board', 'acute-abdomen'],
  ['mild stomach ache after eating too much', null],
  // diabetic emergency
  ['my diabetic husband is confused and sweaty and not making sense', 'diabetic-emergency'],
  ['type 1 daughter vomiting, breathing fast and her breath smells fruity', 'diabetic-emergency'],
  ['what should my blood sugar be after eating?', null],
  // pregnancy emergency
  ["I'm 30 weeks pregnant and haven't felt the baby move today", 'pregnancy-emergency'],
  ['pregnant and bleeding heavily', 'pregnancy-emergency'],
  ['34 weeks pregnant with a severe headache and blurred vision', 'pregnancy-emergency'],
  ['is it safe to eat cheese while pregnant?', null],
  // heat or cold
  ['my dad collapsed in the heat and is confused and not sweating', 'heat-or-cold-emergency'],
  ['found him outside in the snow, he stopped shivering and is very drowsy', 'heat-or-cold-emergency'],
  ['how do I prevent heatstroke when running?', null],
  // cauda equina
  ['bad back pain and now I cant feel my bum and cant pee', 'cauda-equina'],
  ['lower back pain after lifting boxes', null],
  // sudden vision loss
  ['suddenly lost the vision in my left eye', 'sudden-vision-loss'],
  ['like a curtain coming down over my eye', 'sudden-vision-loss'],
  ['splashed bleach in my eye', 'sudden-vision-loss'],
  ['my eyes are a bit blurry when I read, do I need glasses?', null],
  // ordinary questions
  ['What helps against a tension headache?', null],
  ['Is it safe to take ibuprofen with a cold?', null],
  ['How much water should I drink a day?', null],
  ['I have a mild fever and a sore throat', null],
  ['Is it normal to have side effects from ibuprofen?', null],
];

const ES: Case[] = [
  ['Me duele mucho el pecho y estoy sudando', 'cardiac'],
  ['mi padre dice que siente como un elefante encima del pecho', 'cardiac'],
  ['creo que le está dando un infarto a mi abuelo', 'cardiac'],
  ['mi madre tiene la boca torcida y habla raro', 'stroke'],
  ['de repente no puede mover el brazo derecho', 'stroke'],
  ['quiero matarme', 'suicide-or-self-harm'],
  ['ya escribí las cartas de despedida', 'suicide-or-self-harm'],
  ['se me cierra la garganta después de comer cacahuetes', 'anaphylaxis'],
  ['sangra a chorros y no para', 'severe-bleeding'],
  ['mi hijo se tomó 20 pastillas de paracetamol', 'overdose-or-poisoning'],
  ['mi niña de 2 años bebió lejía', 'overdose-or-poisoning'],
  ['no respira, como hago la rcp', 'unresponsive'],
  ['mi abuela no responde y no se despierta', 'unresponsive'],
  ['no puedo respirar', 'severe-breathing-difficulty'],
  ['mi hijo lleva 10 minutos convulsionando', 'seizure'],
  ['fiebre alta y manchas que no desaparecen al presionar con un vaso', 'meningitis-or-sepsis'],
  ['mi bebé de 6 semanas tiene fiebre de 38,5', 'infant-danger-signs'],
  ['el peor dolor de cabeza de mi vida, empezó de golpe', 'sudden-severe-headache'],
  ['casi se ahoga en la piscina, lo sacamos y tose mucho', 'drowning'],
  ['le dieron una puñalada en el abdomen', 'major-trauma'],
  ['estoy embarazada de 32 semanas y no siento al bebé moverse', 'pregnancy-emergency'],
  ['dolor de barriga muy fuerte y la tripa dura como una tabla', 'acute-abdomen'],
  ['el año pasado tuve dolor de pecho, ahora estoy bien', null],
  ['¿cuáles son los síntomas de un infarto?', null],
  ['este trabajo me está matando', null],
  ['no tengo dolor de pecho, solo tos', null],
  ['¿es normal tener efectos secundarios con el ibuprofeno?', null],
  ['me muero de ganas de verte', null],
  ['¿qué hago si mi hijo se traga una pila?', null],
  ['tengo un poco de fiebre y dolor de garganta', null],
];

const FR: Case[] = [
  ["j'ai une douleur dans la poitrine qui descend dans le bras gauche et je transpire", 'cardiac'],
  ["comme un poids énorme sur la poitrine, j'ai des sueurs froides", 'cardiac'],
  ['mon père a la bouche de travers et il parle bizarrement', 'stroke'],
  ["elle n'arrive plus à lever le bras, c'est arrivé d'un coup", 'stroke'],
  ['je veux mourir', 'suicide-or-self-harm'],
  ["j'ai écrit une lettre d'adieu", 'suicide-or-self-harm'],
  ['piqûre de guêpe et sa gorge gonfle, il respire mal', 'anaphylaxis'],
  ["ça saigne beaucoup et ça ne s'arrête pas", 'severe-bleeding'],
  ['ma fille a avalé une pile bouton', 'overdose-or-poisoning'],
  ["j'ai pris 25 comprimés de doliprane", 'overdose-or-poisoning'],
  ['il ne respire plus, comment faire un massage cardiaque', 'unresponsive'],
  ['mon mari est inconscient et ne répond pas', 'unresponsive'],
  ["je n'arrive pas à respirer", 'severe-breathing-difficulty'],
  ['il convulse depuis 8 minutes', 'seizure'],
  ['fièvre, nuque raide et la lumière lui fait mal', 'meningitis-or-sepsis'],
  ['mon bébé de 5 semaines a 38,2 de fièvre', 'infant-danger-signs'],
  ['mal de tête brutal, le pire de ma vie', 'sudden-severe-headache'],
  ['il a été poignardé', 'major-trauma'],
  ["brûlure avec de l'eau bouillante sur tout le bras, la peau est blanche", 'severe-burn'],
  ['douleur brutale et violente au testicule chez mon fils de 13 ans', 'testicular-torsion'],
  ["quels sont les signes d'un AVC ?", null],
  ['ce boulot me tue', null],
  ["j'ai eu mal à la poitrine la semaine dernière, ça va mieux maintenant", null],
  ["je n'ai pas de douleur dans la poitrine, juste un rhume", null],
  ["est-ce normal d'avoir des effets secondaires avec ce vaccin ?", null],
  ['je suis mort de rire', null],
  ["que faire si quelqu'un fait un malaise cardiaque ?", null],
  ["j'ai un peu mal au dos depuis hier", null],
];

const DE: Case[] = [
  ['Ich habe starke Brustschmerzen, die in den linken Arm ausstrahlen und ich schwitze', 'cardiac'],
  ['Druck auf der Brust wie ein Elefant, kalter Schweiß', 'cardiac'],
  ['Mein Vater spricht plötzlich ganz verwaschen und sein Mundwinkel hängt', 'stroke'],
  ['Ich will nicht mehr leben', 'suicide-or-self-harm'],
  ['Ich habe schon einen Abschiedsbrief geschrieben', 'suicide-or-self-harm'],
  ['Nach dem Wespenstich schwillt ihre Zunge an und sie bekommt schlecht Luft', 'anaphylaxis'],
  ['Die Wunde blutet sehr stark und hört nicht auf', 'severe-bleeding'],
  ['Mein Sohn hat eine Knopfzelle verschluckt', 'overdose-or-poisoning'],
  ['Ich habe 30 Tabletten Paracetamol genommen', 'overdose-or-poisoning'],
  ['Er atmet nicht mehr, wie mache ich eine Herzdruckmassage', 'unresponsive'],
  ['Meine Oma ist bewusstlos und reagiert nicht', 'unresponsive'],
  ['ich bekomme keine Luft', 'severe-breathing-difficulty'],
  ['Mein Kind krampft seit 10 Minuten', 'seizure'],
  ['Fieber und Flecken, die sich mit einem Glas nicht wegdrücken lassen', 'meningitis-or-sepsis'],
  ['Mein 6 Wochen altes Baby hat 38,5 Fieber', 'infant-danger-signs'],
  ['plötzlich die schlimmsten Kopfschmerzen meines Lebens', 'sudden-severe-headache'],
  ['Er ist vom Dach gefallen und kann die Beine nicht bewegen', 'major-trauma'],
  ['Ich bin in der 30. SSW und spüre das Baby nicht mehr', 'pregnancy-emergency'],
  ['Rückenschmerzen und jetzt taub im Intimbereich und kann nicht pinkeln', 'cauda-equina'],
  ['Was sind die Anzeichen eines Schlaganfalls?', null],
  ['Letzte Woche hatte ich Brustschmerzen, jetzt geht es wieder gut', null],
  ['Ich habe keine Brustschmerzen, nur Husten', null],
  ['Ist es normal, dass Ibuprofen Nebenwirkungen hat?', null],
  ['Die Arbeit bringt mich um', null],
  ['Was tun, wenn jemand einen Herzinfarkt hat?', null],
  ['Ich habe leichte Kopfschmerzen seit heute Morgen', null],
];

const PT: Case[] = [
  ['estou com uma dor no peito que vai para o braço esquerdo e estou suando frio', 'cardiac'],
  ['sinto um aperto muito forte no peito e falta de ar', 'cardiac'],
  ['minha mãe está com a boca torta e a fala enrolada', 'stroke'],
  ['quero morrer', 'suicide-or-self-harm'],
  ['já deixei as cartas de despedida', 'suicide-or-self-harm'],
  ['comeu camarão e a garganta está fechando', 'anaphylaxis'],
  ['está sangrando muito e não para', 'severe-bleeding'],
  ['meu filho engoliu uma pilha de botão', 'overdose-or-poisoning'],
  ['tomei 20 comprimidos de rivotril', 'overdose-or-poisoning'],
  ['ele não respira, como faço a massagem cardíaca', 'unresponsive'],
  ['meu avô está desacordado e não responde', 'unresponsive'],
  ['n consigo respirar', 'severe-breathing-difficulty'],
  ['minha filha está convulsionando há 7 minutos', 'seizure'],
  ['febre alta e manchas roxas que não somem com o teste do copo', 'meningitis-or-sepsis'],
  ['meu bebê de 7 semanas está com febre de 38,3', 'infant-danger-signs'],
  ['a pior dor de cabeça da minha vida, veio de repente', 'sudden-severe-headache'],
  ['levou um tiro na perna', 'major-trauma'],
  ['estou grávida de 30 semanas e o bebê parou de mexer', 'pregnancy-emergency'],
  ['meu pai diabético está confuso e muito sonolento', 'diabetic-emergency'],
  ['quais são os sintomas de um AVC?', null],
  ['esse trabalho está me matando', null],
  ['semana passada tive dor no peito, agora estou bem', null],
  ['não tenho dor no peito, só tosse', null],
  ['é normal ter efeitos colaterais com a vacina?', null],
  ['morrendo de rir com esse vídeo', null],
  ['o que fazer se alguém tiver um derrame?', null],
  ['estou com um pouco de dor de garganta', null],
];

/** More examples written after the first evaluation run, to check that fixes generalise: urgent or not. */
const MORE: Array<[text: string, urgent: boolean]> = [
  ['grandpa is slumped in his chair, eyes half open, wont answer when i shake him', true],
  ['my wife says it feels like her heart is being squeezed and she is throwing up', true],
  ['heavy feeling in the middle of my chest for the last hour, I feel clammy', true],
  ['my sons lips have gone a purplish colour and hes struggling to get air in', true],
  ['sister swallowed half a bottle of her antidepressants about 20 mins ago', true],
  ['I cut my leg on glass and the blood is shooting out', true],
  ['the left side of dads face has dropped and he cant smile properly', true],
  ['she keeps slurring and mixing up her words since lunch', true],
  ['i have a plan to end my life this weekend', true],
  ['my throat feels like its closing after eating cashews', true],
  ['toddler ate some dishwasher tablets', true],
  ['my 7 week old is burning up, 38.9 on the thermometer', true],
  ['she has been fitting for about 8 minutes and is still jerking', true],
  ['worst headache ive ever had, came on like a thunderclap 10 minutes ago', true],
  ['our boy fell through the ice and was in the water, now he is very cold and sleepy', true],
  ['hubby came off his motorbike, his leg is bent badly and bone is showing', true],
  [
    'my calf is swollen and red and now i get short of breath climbing one stair, i flew back from thailand 3 days ago',
    true,
  ],
  ['sudden unbearable pain in my testicle, woke me up, feel like vomiting', true],
  ['my stomach is rock hard and the pain is excruciating', true],
  ['my sugar is 1.9 and i am shaking and confused and the juice isnt helping', true],
  ['im 32 weeks and have a pounding headache, my vision is blurry and my feet have swollen suddenly', true],
  ['found my neighbour confused and hot, she stopped sweating and was sitting in the sun all day', true],
  ['cant control my bladder and have numbness around my bottom after back pain', true],
  ['a dark curtain came down over my right eye this morning', true],
  ['mi abuelo se ha desmayado y no reacciona', true],
  ['me aprieta el pecho como una losa y me sudan las manos', true],
  ['mi hijo de 4 años se ha tragado unas pastillas de mi bolso', true],
  ['ma mère a du mal à parler et son bras droit ne répond plus', true],
  ['mon ami a pris une boîte entière de somnifères', true],
  ['mein baby atmet ganz komisch und die lippen werden blau', true],
  ['mein opa ist umgekippt und atmet nicht', true],
  ['meu pai está com dor no peito que irradia para o braço e está suando muito', true],
  ['minha filha bebeu água sanitária', true],
  ['ela não acorda e está toda mole', true],
  // not urgent
  ['had a heart attack in 2018, can I take up running again', false],
  ['my chest hurts a bit when I cough because of my cold', false],
  ['what does a stroke look like in young people', false],
  ['took 2 ibuprofen for period pain, is it ok to take more later', false],
  ['my nose bled for a minute this morning and stopped', false],
  ['i nearly died of embarrassment at work today', false],
  ['she used to have seizures as a child but has been fine for 10 years', false],
  ['how long should you press on a cut to stop it bleeding', false],
  ['is it normal for a newborn to sneeze a lot', false],
  ['our cat is breathing fast and wont eat, what should we do', false],
  ['I dont have any chest pain or shortness of breath, just a bit of heartburn', false],
  ['my friend told me her dad had a stroke last year, how can I support her', false],
  ['mild headache after staring at screens all day', false],
  ['el año pasado tuve un ictus, ahora estoy bien, puedo conducir?', false],
  ['mi perro se comió un calcetín', false],
  ["je me suis coupé en cuisinant, ça a saigné un peu mais c'est arrêté", false],
  ['quels sont les effets secondaires du doliprane ?', false],
  ['ich hatte vor 5 jahren eine lungenembolie, darf ich fliegen?', false],
  ['mein kopf explodiert gleich vor lauter arbeit', false],
  ['meu filho teve febre ontem mas hoje já está bem', false],
  ['quais são os sinais de um ataque cardíaco?', false],

  ['mi marido tiene un dolor muy fuerte en el pecho que le llega hasta la mandíbula', true],
  ['mi hija no puede respirar bien y se le hunden las costillas', true],
  ['se ha cortado con un cuchillo y sale mucha sangre, no para', true],
  ['mi padre habla raro y no puede levantar el brazo izquierdo', true],
  ['quiero desaparecer, tengo todas las pastillas preparadas', true],
  ['a mi bebé de 1 mes le ha subido la fiebre a 38,4', true],
  ['mi madre diabética está muy confusa y sudando, el azúcar está en 2,5', true],
  ['estoy embarazada de 8 semanas y tengo un dolor muy fuerte en un lado y sangrado', true],
  ["mon père s'est effondré dans le jardin et il ne respire plus", true],
  ["j'ai une douleur thoracique très forte et je transpire beaucoup", true],
  ["ma fille de 2 ans a bu de l'eau de javel", true],
  ['il convulse depuis plus de 5 minutes et ne se réveille pas', true],
  ['mon ado parle de se tuer et il a une corde dans sa chambre', true],
  ['ma femme a la moitié du visage paralysée depuis ce matin', true],
  ['mein Mann hat plötzlich ganz starke Kopfschmerzen, die schlimmsten seines Lebens, und erbricht', true],
  ['meine Tochter hat Erdnüsse gegessen und jetzt schwillt ihr Gesicht an und sie bekommt schlecht Luft', true],
  ['mein Vater ist die Treppe runtergefallen und ist bewusstlos', true],
  ['ich habe 25 Schlaftabletten genommen', true],
  ['mein Baby ist 5 Wochen alt und hat 38,6 Fieber', true],
  ['meu filho está com febre alta e manchas roxas que não somem', true],
  ['minha avó caiu, bateu a cabeça e agora está vomitando e muito confusa', true],
  ['meu marido não consegue falar direito e a boca está torta', true],
  ['tomei uma caixa inteira de remédio para dormir', true],
  ['o bebê está gemendo e muito molinho, tem 2 meses', true],
  // not urgent
  ['tuve un infarto hace 5 años y ahora hago deporte, es seguro?', false],
  ['me duele un poco la cabeza por el estrés', false],
  ['¿cuánto ibuprofeno puedo tomar al día?', false],
  ["j'ai eu une crise d'asthme hier, ça va mieux aujourd'hui", false],
  ['est-ce que le stress peut donner des douleurs dans la poitrine ?', false],
  ['mon chien a mangé du chocolat, est-ce grave ?', false],
  ['ich habe seit drei Tagen Schnupfen und leichtes Fieber', false],
  ['Was sind die Symptome einer Blinddarmentzündung?', false],
  ['meine Oma hatte früher Krampfanfälle, jetzt nicht mehr', false],
  ['tenho dor de cabeça leve desde ontem', false],
  ['minha mãe teve um AVC há dois anos, ela pode viajar de avião?', false],
  ['o que fazer se alguém desmaiar?', false],

  // frames: a film, a game, a dream, a course, the news (to the end of the message, until someone real)
  ['in the show i binged last night the nurse finds a man not breathing and does cpr, would that work', false],
  ['my character in the video game got poisoned, which item cures it', false],
  ['had a nightmare that i was choking on a fish bone, woke up scared', false],
  ['en la serie que veo un chico se ahoga en la piscina, eso pasa de verdad?', false],
  ['dans un documentaire un homme fait un arrêt cardiaque au marathon, c’est fréquent ?', false],
  ['watched a documentary about strokes. now my dad cant lift his arm and his face is drooping', true],
  // background facts count however framed; danger that outlasts feeling fine
  [
    'could you look at whether our gas heater is faulty, all four of us have had headaches and been vomiting since lunch',
    true,
  ],
  ['swallowed about 25 paracetamol a few hours ago but i feel totally fine now', true],
  ['dad got a big electric shock from the fuse box, says hes fine but his hand has a black mark', true],
  // suicide without the word: intent with means or hopelessness
  ['i cant cope anymore, ive saved up enough of my pills and tonight is the night', true],
  ['ya no puedo más, tengo las pastillas en fila sobre la mesa', true],
  // accidents are not self-harm; a rash that fades under glass is not meningitis
  ['me corté el dedo cocinando, salió un poco de sangre', false],
  ['rote pünktchen am bein, sie verschwinden unter dem glas, kein fieber', false],
  // allergy with voice change; under the water
  ['my son ate a cookie with nuts and now his voice is hoarse and hes scratching at his throat', true],
  ['a minha filha afundou na piscina uns segundos, tiraram ela e está tossindo sem parar', true],
  // a name of a condition told of no one is a topic; "is it true / realistic" asks about, not tells
  ['heart attack survival rates by age group', false],
  ['bei Schlaganfall soll man Zitronensaft trinken, stimmt das?', false],
  ['en cas d’infarctus il faut tousser fort, c’est vrai ?', false],
  ['a nadadora da novela teve uma parada cardíaca na piscina, isso é realista?', false],
  // a clause told in the present is not pulled into another clause's past
  ['she had her baby eight days ago, all of a sudden she is very short of breath and her calf is swollen', true],
  [
    'mi padre se operó de la rodilla hace dos semanas, de repente le falta el aire y le duele el pecho al respirar',
    true,
  ],
  // a past event with a residual, and a count taken without the drug named beside it
  ['my aunt had a stroke in june and her speech is still a bit slow, any tips for talking with her', false],
  ['is there a limit on how much ibuprofen per day? i swallowed 24 of them this evening', true],
  // a frame after the finding in its sentence; a real person after the frame ends its reach
  [
    'the lifeguard pulls a girl from the pool who isnt breathing in the film i watched, how long can you survive',
    false,
  ],
  ["i'm a paramedic student, my flatmate just collapsed and isn't breathing, what do i do", true],
  // "and" carries a present subject to the next finding; lay metaphors for chest pressure
  ['ma mère a été opérée du genou il y a une semaine, là elle a du mal à respirer et mal au mollet', true],
  ['my wife says her chest feels like a lorry is parked on it and shes pale and sweaty', true],
  ['saw the bus crash on the news, awful, how do people survive that', false],
  // words that only look like a frame word with a typo are not frames
  ['mi padre no puede mover el brazo derecho y habla raro, en serio es grave?', true],
  // inflected forms of lexicon words (German adjective endings, Romance plurals)
  ['mein Opa hat einen schiefen Mund und spricht verwaschen', true],
  ['a mi tía se le ve la cara caída de un lado y no puede hablar bien', true],
  // future worries and prescriptions are not emergencies now
  ['scared my mum could have a stroke while she lives alone next year', false],
  ['tengo miedo de que mi hijo tenga una crisis de asma en el campamento del mes que viene', false],
  ['can my gp renew the prescription for my adrenaline pens', false],
  // a relapse after a recovery; a cue that is the start of a longer finding
  ['her fit stopped after a minute but then another one started and she still hasnt come round', true],
  ['found my uncle in his cold garage, hes mumbling and has stopped shivering', true],
  ['la crise de mon fils dure depuis 7 minutes', true],
  ['plötzlich ist auf dem rechten Auge alles schwarz, ich sehe nichts mehr', true],
  ['she had a small nosebleed, it stopped after five minutes and she is playing again', false],
  // a count spread over days is a habit, not an overdose
  ['ive had about 14 flu capsules over the last few days, is that too much', false],
  // an age told of the past was then ("when she was 3 weeks old"), not now
  ['when my son was 5 weeks old he had a fever of 38, now hes 3 and has 38.4 with a cold', false],
  // a deformed limb, an object still in the wound; "a bit numb" after lying on an arm
  ['my lad came off his skateboard and his wrist is pointing the wrong way', true],
  ['there is a piece of glass still lodged in her thigh', true],
  ['woke up with my right hand a bit numb, i slept on it', false],
  ['meine Kleine glüht vor Fieber und hat rote Pünktchen, die unter dem Glas nicht weggehen', true],
  // a present subject inside a longer finding still tells the present; "has gone" + a finding is "became"
  ['ma voisine a été opérée il y a une semaine, elle a du mal à respirer et mal au mollet', true],
  ['my grandad says his left leg has gone numb and his face looks lopsided', true],
  ['the rash has gone, he is eating again', false],
  // ordinals are numbers ("the 3rd floor", "du 2e étage"); blood from an ear after a fall
  ['my nephew fell from a 3rd floor window and there is blood coming from his ear', true],
  ['mi sobrino se cayó de un 2º piso y no se mueve', true],
  // someone of the writer's own named after a frame is real; a dream's content is not
  ['we were watching a series with my wife when she suddenly could not lift her arm and her mouth drooped', true],
  ['saw a report on tv about knife crime, then my brother came home stabbed in the side', true],
  ['had a nightmare my mum was having a stroke, should i tell her', false],
  ['had a horrible dream, woke up with a crushing weight on my chest and cold sweat', true],
];

const BY_LANGUAGE: Record<TriageLanguage, Case[]> = { en: EN, es: ES, fr: FR, de: DE, pt: PT };

const label = (c: TriageCategory | null) => c ?? 'not urgent';

describe('triage: development examples', () => {
  for (const language of TRIAGE_LANGUAGES) {
    const cases = BY_LANGUAGE[language];
    it.each(cases)(`${language}: %s → %s`, (text, category) => {
      const result = triage(text);
      if (category) expect(result.categories, label(category)).toContain(category);
      else expect(result.categories).toEqual([]);
    });
  }
});

describe('triage: more examples, urgent or not', () => {
  it.each(MORE)('%s → urgent %s', (text, urgent) => {
    expect(triage(text).urgent).toBe(urgent);
  });
});

describe('triage: result shape', () => {
  it('answers in the language of the question', () => {
    for (const language of TRIAGE_LANGUAGES) {
      const wrong = BY_LANGUAGE[language].filter(([text]) => triage(text).language !== language && triage(text).urgent);
      expect(wrong.map(([text]) => text)).toEqual([]);
    }
  });

  it('gives advice exactly when urgent, in the question language, with the emergency number', () => {
    for (const language of TRIAGE_LANGUAGES) {
      for (const [text] of BY_LANGUAGE[language]) {
        const result = triage(text);
        expect(result.urgent).toBe(result.categories.length > 0);
        if (result.urgent) {
          expect(result.advice).toBe(adviceFor(result.categories, result.language));
          expect(result.advice).toMatch(/112/);
        } else {
          expect(result.advice).toBeUndefined();
        }
      }
    }
  });

  it('has vetted advice for every category in every language, and suicide advice names crisis lines', () => {
    for (const language of TRIAGE_LANGUAGES) {
      for (const category of TRIAGE_CATEGORIES) {
        const advice = adviceFor([category], language);
        expect(advice.length, `${language} ${category}`).toBeGreaterThan(120);
      }
      expect(adviceFor(['suicide-or-self-harm'], language)).toMatch(/\d{3}/);
    }
  });

  it('answers in English when there is nothing to tell the language by', () => {
    expect(detectLanguage('')).toBe('en');
    expect(detectLanguage('???')).toBe('en');
    expect(triage('!!!').language).toBe('en');
  });
});

/** Rule gaps closed after review: each urgent case has a near miss that must stay calm. */
const RULE_GAPS: Case[] = [
  // a trigger, then even mild breathlessness with faintness or hives all over
  ['got stung by a wasp and now im a little short of breath and feel dizzy', 'anaphylaxis'],
  ['cené marisco y ahora me falta un poco el aire y tengo ronchas por todo el cuerpo', 'anaphylaxis'],
  ['started a new medication this morning, a bit breathless and lightheaded now', 'anaphylaxis'],
  ['stung by a bee on my hand, it is itchy and a bit swollen but breathing is fine', null],
  ['I ate a big dinner and now I am a bit out of breath and dizzy', null],
  // stimulants with chest pain or a racing heart
  ['did a couple of lines of coke an hour ago and now my chest is hurting', 'cardiac'],
  ['ha tomado anfetaminas en la fiesta y tiene taquicardia', 'cardiac'],
  ['Kokain genommen und jetzt Herzrasen', 'cardiac'],
  ['i used cocaine years ago, is my heart at risk long term?', null],
  // blood sugar in g/l
  ['sa glycémie est à 0,3 g/l et il est tout confus', 'diabetic-emergency'],
  ['glycémie à 4,5 g/L ce matin et elle vomit sans arrêt', 'diabetic-emergency'],
  ['glicemia de 0,4 g/l e ele está confuso', 'diabetic-emergency'],
  ['ma glycémie est à 1,1 g/l, elle vomit depuis une gastro', null],
  // a baby with dry nappies for hours and vomiting, not feeding or very sleepy
  ['our 6 month old has had no wet nappies for 10 hours and keeps vomiting', 'infant-danger-signs'],
  ['mon bébé de 4 mois a les couches sèches depuis 12 heures et il est très endormi', 'infant-danger-signs'],
  ['my 9 month old had a dry nappy this morning but is feeding well and happy', null],
  // past three months, limp with a mild fever alone is not a danger sign; limp and hard to wake is
  ['my baby is 5 months old, a bit floppy with a temperature of 38.1', null],
  ['mon bébé de 7 mois est tout mou avec 38,2 de fièvre', null],
  ['my 5 month old is floppy and very sleepy with 38.1', 'infant-danger-signs'],
  ['my 2 month old is floppy with 37.9', 'infant-danger-signs'],
  ["I'm 6 months pregnant and feel floppy and tired", null],
  // a tantrum is not a seizure
  ['mon fils fait une crise de colère depuis 10 minutes', null],
  ['mi hijo tiene una rabieta desde hace 10 minutos y no para', null],
  ['mein Sohn hat seit 10 Minuten einen Wutanfall, zum ersten Mal so schlimm', null],
  ['mon fils fait une crise depuis 10 minutes, il tremble et ne répond pas', 'seizure'],
  // up to the neck in debts or work: drowning and choking are figurative there
  ['estoy hasta el cuello de deudas, me ahogo', null],
  ['estou até o pescoço de dívidas, estou sufocando', null],
  ['estoy hasta el cuello de deudas. Mi hijo se ahoga, no puede respirar', 'severe-breathing-difficulty'],
];

describe('triage: rule gaps closed (anaphylaxis, stimulants, g/l sugar, infant dehydration, false alarms)', () => {
  it.each(RULE_GAPS)('%s → %s', (text, category) => {
    const result = triage(text);
    if (category) expect(result.categories, label(category)).toContain(category);
    else expect(result.categories).toEqual([]);
  });
});

/** Families of false alarms, each with the emergency that uses the same words about a person now. */
const BORROWED_AND_FRAMED: Array<[text: string, urgent: boolean]> = [
  // a body word borrowed for a thing
  ['my car had a heart attack on the motorway, engine just cut out', false],
  ['mi portatil tuvo un paro cardiaco en medio de la clase jaja', false],
  ['unser verein hatte in der zweiten halbzeit einen totalen herzstillstand', false],
  ['la impresora esta convulsionando otra vez jaja', false],
  ['en el coche tuvo un infarto mi padre, no respira', true],
  ['im auto hatte mein vater einen herzinfarkt, er atmet nicht', true],
  // idioms of work and exams
  ['this exam is killing me i cant breathe with all this revision', false],
  ['essa prova ta me matando nao consigo respirar', false],
  ['this exam is killing me and my chest is tight and i cant breathe, lips going blue', true],
  ['je veux me tuer mdr ce soir', true],
  // first-aid and CPR courses
  ['for my cpr course exam, how many compressions before rescue breaths', false],
  ['pregunta de deberes: que hacer si una persona se desmaya y no tiene pulso', false],
  ['after the cpr class my brother collapsed for real and isnt breathing', true],
  ['im erste hilfe kurs ist mein kollege zusammengebrochen und atmet nicht', true],
  ['in first aid class my instructor said if someone isnt breathing you start cpr straight away, is that right', false],
  // games and stories
  ['in my video game my character keeps drowning in the lake level', false],
  ['ich schreibe einen krimi, das opfer wird erstochen, wie schnell verblutet man', false],
  ['watching a film now i have crushing chest pain and sweating', true],
  // animals
  ['minha cachorra comeu veneno de rato e ta vomitando sangue', false],
  ['my dog ate rat poison and so did my toddler, shes vomiting blood', true],
  // a drink down the wrong way
  ['me atragante con el cafe al leer tu mensaje jajaja', false],
  ['i choked on my water and now i cant breathe and my lips are blue', true],
];

describe('triage: borrowed words, idioms, courses, stories and animals, against the same words told of a person now', () => {
  it.each(BORROWED_AND_FRAMED)('%s → urgent %s', (text, urgent) => {
    expect(triage(text).urgent).toBe(urgent);
  });
});

/** Families of phrasing closed in every language (written for these tests, not taken from any evaluation set). */
const FAMILIES: Case[] = [
  // a patient's reported reassurance does not resolve the signs told before it
  ['o rosto da minha avó caiu de um lado, ela não levanta o braço, ela diz que se sente bem', 'stroke'],
  [
    'Papas Gesicht hängt auf einer Seite und er kann den Arm nicht heben, er sagt immer wieder, es geht ihm gut',
    'stroke',
  ],
  // approximate-number nouns of tablets
  ['minha irmã tomou uma quarentena de comprimidos de paracetamol', 'overdose-or-poisoning'],
  ['on est en quarantaine depuis 5 jours avec le covid, j’ai pris du doliprane', null],
  // vomiting blood with an amount or colour between verb and blood
  ['ich habe viel hellrotes Blut erbrochen', 'severe-bleeding'],
  ["j'ai vomi pendant ma prise de sang", null],
  // a further seizure without coming round between
  ['meine Frau hatte einen Krampfanfall und dann gleich noch einen, ohne dazwischen aufzuwachen', 'seizure'],
  ['minha mulher teve uma convulsão e veio outra logo a seguir sem acordar entre elas', 'seizure'],
  // can't wake him, pronoun around the modal
  ['meu amigo desmaiou na festa, não conseguimos acordá-lo', 'unresponsive'],
  ['mein Freund ist auf der Party umgekippt und lässt sich nicht wecken', 'unresponsive'],
  // indigestion played down
  ['Opa ist grau und verschwitzt, sagt es sei nur Sodbrennen, das in den linken Arm zieht', 'cardiac'],
  ['i get heartburn after spicy food, is gaviscon ok in pregnancy', null],
  // appendix pain migrating
  ['Bauchschmerzen erst um den Nabel, jetzt rechts unten, Fieber', 'acute-abdomen'],
  ['my baby has a red rash around the belly button and lower right', null],
  // saddle parts listed, numbness further on
  ['seit Wochen Rückenschmerzen, seit heute früh sind Po und Innenseite der Oberschenkel taub', 'cauda-equina'],
  ['desde hoje as nádegas e a parte de dentro das coxas estão dormentes, e dor nas costas', 'cauda-equina'],
  // the straw simile
  ['é como respirar por um canudinho, não consigo falar', 'severe-breathing-difficulty'],
  ['es ist als würde ich durch einen Strohhalm atmen, ich kann kaum reden', 'severe-breathing-difficulty'],
  // thoughts of stepping off at the railway
  [
    'ich stehe am Bahnsteig und denke die ganze Zeit daran, mich vor den nächsten Zug zu werfen',
    'suicide-or-self-harm',
  ],
  ['my son was thinking about jumping off the diving board but got scared, then we took the train home', null],
  // eating normally is not an ingestion; inverted-pronoun and acronym questions are asked
  ['my 2 year old has a cold, eating and playing normally, can i give him calpol', null],
  ['what does FAST stand for with strokes, want to teach my kids', null],
];

describe('triage: phrasing families (reported reassurance, approximate counts, similes, migration, saddle lists)', () => {
  it.each(FAMILIES)('%s → %s', (text, category) => {
    const result = triage(text);
    if (category) expect(result.categories, label(category)).toContain(category);
    else expect(result.categories).toEqual([]);
  });
});

/**
 * Look-alike families (written for these tests, not taken from any evaluation set), each beside an
 * emergency in the same words: a device that "does not respond", someone "unresponsive" since kick
 * off or a new console, skipping a dose ("je saute la prochaine prise"), "is it contagious?", a
 * childhood history, a rash that fades straight away under a glass, a share price that "bleeds", a
 * class reading's protagonist.
 */
const LOOK_ALIKES: Case[] = [
  ['my kindle is completely unresponsive, screen just frozen, any tricks before i bin it', null],
  ['my dad is completely unresponsive next to his kindle and not breathing', 'unresponsive'],
  ['la compu no responde, la pantalla se queda en negro', null],
  ['mi padre no responde, está tirado en el suelo junto a la compu', 'unresponsive'],
  ['mon téléphone répond plus du tout, écran noir', null],
  ['mon père répond plus du tout, il est par terre à côté du téléphone', 'unresponsive'],
  ['o meu telemóvel não responde, ecrã preto', null],
  ['o meu pai não responde, caiu ao lado do telemóvel', 'unresponsive'],
  ['mein handy reagiert nicht mehr, bildschirm schwarz', null],
  ['mein vater reagiert nicht mehr, er liegt neben dem handy', 'unresponsive'],
  ['husband has been completely unresponsive on the sofa since kick off, only reacts to the word pint', null],
  [
    'husband has been completely unresponsive on the sofa since kick off, slumped over and his lips are blue',
    'unresponsive',
  ],
  ['mein freund ist seit dem neuen zelda nicht mehr ansprechbar, reagiert nur noch auf pizza haha', null],
  ['mein freund ist seit dem neuen zelda nicht mehr ansprechbar, er ist zusammengebrochen', 'unresponsive'],
  ['meu marido não responde desde que começou a copa kkk', null],
  ['meu marido não responde desde que começou a copa, desmaiou no sofá e está pálido', 'unresponsive'],
  ['mi hijo no responde desde que tiene la nueva consola jaja', null],
  ['mi hijo no responde desde que tiene la nueva consola, se desmayó y está azul', 'unresponsive'],
  ["mon ado ne répond plus depuis qu'il a sa nouvelle console 😂", null],
  ["mon ado ne répond plus depuis qu'il a sa nouvelle console, il s'est effondré et respire plus", 'unresponsive'],
  ['he is unresponsive, only responds to pain', 'unresponsive'],
  ["j'ai pris mon antibiotique 2 fois par erreur, je saute la prochaine prise ?", null],
  ['je saute du pont ce soir, adieu', 'suicide-or-self-harm'],
  ['tomé dos veces la pastilla, ¿me salto la siguiente dosis?', null],
  ['la sepsis se contagia? mi tía estuvo internada por eso el año pasado', null],
  ['mi tía tiene sepsis, está confusa y con fiebre', 'meningitis-or-sepsis'],
  ['a sepse é contagiosa? minha avó teve ano passado', null],
  ['i had febrile seizures as a toddler, will my kids get them? pregnant with my first', null],
  ['im 30 weeks pregnant and just had a seizure', 'pregnancy-emergency'],
  ['did the glass test on my boys rash and it fades straight away, hes running round fine', null],
  ['did the glass test on my boys rash and it doesnt fade, hes floppy with a fever', 'meningitis-or-sepsis'],
  ['fiz o teste do copo e as manchas somem na hora, ele está brincando', null],
  ['fiz o teste do copo e as manchas não somem, ele tem febre', 'meningitis-or-sepsis'],
  ['die aktie blutet seit wochen aus, verkaufen oder halten?', null],
  ['die wunde blutet seit zehn minuten stark und hört nicht auf', 'severe-bleeding'],
  ['my shares are bleeding out, sell or hold?', null],
  ['my leg is bleeding out, it wont stop', 'severe-bleeding'],
  ['in der lektüre bringt sich die hauptfigur um, wie rede ich mit der klasse darüber?', null],
  ['en el libro la protagonista se suicida, cómo lo hablo con mis alumnos', null],
  ['mi hermana dice que se va a suicidar esta noche', 'suicide-or-self-harm'],
  ['meine tochter will sich heute umbringen', 'suicide-or-self-harm'],
  ["se fait le test du verre et les taches s'effacent tout de suite, il joue", null],
  ['las manchas desaparecen al instante con el vaso, está jugando', null],
  ['is meningitis catching? my friend had it last year', null],
  ['my friend has meningitis, stiff neck and fever', 'meningitis-or-sepsis'],
];

describe('triage: look-alikes (devices, absorbed in a screen, skipped doses, contagion, childhood, fading rashes, bleeding shares, class readings)', () => {
  it.each(LOOK_ALIKES)('%s → %s', (text, category) => {
    const result = triage(text);
    if (category) expect(result.categories, label(category)).toContain(category);
    else expect(result.categories).toEqual([]);
  });
});

/**
 * Recall families (written for these tests, not taken from any evaluation set), each beside a
 * look-alike in the same words: "was still fine 15 minutes ago" dates the onset, "we won't see each
 * other again" and silence behind a locked door are warning signs, how a child gets at a poison
 * (chewed on it, drank from the bottle, some missing), a baby's fall from a changing table,
 * "vomiting constantly" is now, a belly "hard as a board", a kettle pulled onto a child, stridor
 * with drooling, a measured fever or low blood pressure with signs of sepsis, "not sure if it's
 * normal" after telling one's own symptoms, "all her antidepressants".
 */
const RECALL_FAMILIES: Case[] = [
  ['oma redet plötzlich verwaschen, der mundwinkel hängt links, vor 15 min war noch alles gut', 'stroke'],
  ['oma hatte gestern kurz einen hängenden mundwinkel, heute ist wieder alles gut', null],
  ["my dad's face is drooping on one side and his speech is slurred, he was still fine at lunch", 'stroke'],
  ["my dad's face drooped for a minute last week, he's fine now", null],
  ['mi abuela no puede hablar bien y tiene la boca torcida, hace 20 minutos estaba bien', 'stroke'],
  ['ma mère a la bouche de travers et parle bizarrement, il y a 20 minutes elle allait bien', 'stroke'],
  ['minha avó está com a boca torta e fala enrolado, há 20 minutos estava bem', 'stroke'],
  ['mein kumpel hat geschrieben dass wir uns nicht mehr sehen werden, geht nicht ans handy', 'suicide-or-self-harm'],
  ['wir sehen uns nicht mehr so oft seit dem umzug, geht nicht ans handy', null],
  ['my friend texted that we will never see each other again and now his phone is off', 'suicide-or-self-harm'],
  [
    "ma coloc s'est enfermée dans la salle de bain, elle m'a dit qu'elle voulait en finir et j'entends plus rien",
    'suicide-or-self-harm',
  ],
  ['mi hermana se encerró en el baño, se despidió de todos y ya no se oye nada', 'suicide-or-self-harm'],
  ['found my 2 yr old with grandads blood pressure tablets, packet open and 4 missing', 'overdose-or-poisoning'],
  ['my 2 yr old found an empty packet of grandads tablets, none missing, i counted', null],
  ['mi nene de 3 tomó del frasco de lejía, tose y babea', 'overdose-or-poisoning'],
  ['mi nene de 3 tomó del vaso de agua y se atragantó un poco, ya está bien', null],
  ['mein 18 monate alter sohn hat auf einem spülmaschinentab rumgekaut, schaum vorm mund', 'overdose-or-poisoning'],
  ['mein 18 monate alter sohn hat auf seinem beißring rumgekaut, zahnt wohl', null],
  ['meu filho de 2 anos mordeu uma cápsula de detergente e está babando', 'overdose-or-poisoning'],
  ['unser baby 6 monate ist vom wickeltisch gefallen, seitdem ganz schläfrig und hat 3 mal erbrochen', 'major-trauma'],
  ['unser baby 6 monate liegt gern auf dem wickeltisch und lacht', null],
  ['my 8 month old fell off the changing table, now very sleepy and has vomited twice', 'major-trauma'],
  ['frau krümmt sich vor schmerzen, bauch bretthart, erbricht dauernd, hatte früher gallensteine', 'acute-abdomen'],
  ['hatte früher gallensteine, jetzt ab und zu blähungen', null],
  ['mums tummy is hard as a board and she screams if you touch it', 'acute-abdomen'],
  ['my abs are hard as a board since i started the gym lol', null],
  ['mon mari a le ventre dur comme du bois, plié en deux', 'acute-abdomen'],
  ['la barriga de mi marido está dura como una tabla y no deja que se la toque', 'acute-abdomen'],
  ['toddler pulled the kettle onto himself, the skin is coming off in sheets', 'severe-burn'],
  ['toddler pulled the kettle onto the floor, it was cold, no harm done', null],
  ['mon fils fait un bruit aigu quand il inspire, il bave et veut plus avaler', 'severe-breathing-difficulty'],
  ['my son has a high pitched noise when breathing in, drooling and cant swallow', 'severe-breathing-difficulty'],
  ['ma mère a 39,8, la peau marbrée et elle est confuse', 'meningitis-or-sepsis'],
  ['ma mère a 39 ans et elle est un peu confuse avec les nouveaux horaires', null],
  [
    'mama hatte letzte woche chemo, jetzt 38,9 fieber, schüttelfrost und blutdruck nur noch 85 zu 50',
    'meningitis-or-sepsis',
  ],
  ['my dad has a high fever and his blood pressure is very low', 'meningitis-or-sepsis'],
  [
    'tengo 7 semanas de embarazo, dolor punzante muy fuerte de un lado, me mareo al pararme, no sé si es normal',
    'pregnancy-emergency',
  ],
  ['tengo 7 semanas de embarazo y a veces náuseas por la mañana, no sé si es normal', null],
  ['mitbewohnerin hat ihre ganzen antidepressiva geschluckt, jetzt zittert sie', 'overdose-or-poisoning'],
  ['mitbewohnerin nimmt ihre antidepressiva jeden morgen, ist das ok mit alkohol?', null],
];

describe('triage: recall families (last seen well, farewells, ingestion verbs, falls, board-like belly, stridor, sepsis signs)', () => {
  it.each(RECALL_FAMILIES)('%s → %s', (text, category) => {
    const result = triage(text);
    if (category) expect(result.categories, label(category)).toContain(category);
    else expect(result.categories).toEqual([]);
  });
});

/** "While jogging, suddenly ...": an onset during an activity is one event, not the habit "when I run" is (written for these tests). */
const ONSET_DURING_ACTIVITY: Case[] = [
  [
    'beim joggen schlagartig der heftigste kopfschmerz ever, mir ist übel und das licht tut weh',
    'sudden-severe-headache',
  ],
  ['beim joggen bekomme ich immer leichte kopfschmerzen, ist das normal?', null],
  ['while running suddenly the worst headache of my life, feel sick', 'sudden-severe-headache'],
  ['when running i always get a mild headache afterwards', null],
  ['corriendo de repente el peor dolor de cabeza de mi vida, vomité', 'sudden-severe-headache'],
  ["en courant tout d'un coup un mal de tête atroce, jamais eu ça, je vomis", 'sudden-severe-headache'],
  ['correndo de repente a pior dor de cabeça da minha vida e vomitei', 'sudden-severe-headache'],
];

describe('triage: a sudden onset during an activity, against the habit told with the same activity', () => {
  it.each(ONSET_DURING_ACTIVITY)('%s → %s', (text, category) => {
    const result = triage(text);
    if (category) expect(result.categories, label(category)).toContain(category);
    else expect(result.categories).toEqual([]);
  });
});

/** "Now I feel nothing" after a question is over; "now he feels nothing in his arm" is numbness (written for these tests). */
const FEEL_NOTHING_NOW: Case[] = [
  [
    'quase tive um infarto quando vi a nota kkkk mas sério, ansiedade pode dar aperto no peito? agora não sinto nada',
    null,
  ],
  ['minha mãe está com a boca torta e agora não sente nada no braço direito', 'stroke'],
  ['tive um aperto no peito e suor frio, agora não sinto nada no braço esquerdo', 'cardiac'],
  ['¿la ansiedad puede dar opresión en el pecho? ahora no siento nada', null],
  ['mi padre tiene la cara caída de un lado y ahora no siente nada en el brazo', 'stroke'],
  ["l'anxiété peut donner une douleur dans la poitrine ? maintenant je sens plus rien", null],
  ['can anxiety cause chest tightness? i dont feel anything now', null],
  ["my dad's face is drooping and now he cant feel anything in his left arm", 'stroke'],
];

describe('triage: "now I feel nothing" (over) against "now nothing in the arm" (numb)', () => {
  it.each(FEEL_NOTHING_NOW)('%s → %s', (text, category) => {
    const result = triage(text);
    if (category) expect(result.categories, label(category)).toContain(category);
    else expect(result.categories).toEqual([]);
  });
});

/**
 * A device told as not responding only when the message's sentence opens with it: "my son in the
 * car is unresponsive" must not read as the car (written for these tests). A baby "not responding
 * to me" is unresponsive, not a friend who does not answer texts.
 */
const DEVICE_OR_PERSON: Case[] = [
  ['my phone is not responding, any fix?', null],
  ['the baby is not responding to me', 'unresponsive'],
  ['this toddler in the car is unresponsive', 'unresponsive'],
  ['grandad is unresponsive in his chair in front of the tv, wont wake', 'unresponsive'],
  ['dad has been unresponsive since the match started and hes breathing strangely, grey', 'unresponsive'],
  ['mi hijo está en el coche y no responde', 'unresponsive'],
  ['meu filho está no carro e não responde', 'unresponsive'],
  ['mon fils est dans la voiture et ne répond pas', 'unresponsive'],
  ['mein sohn sitzt im auto und reagiert nicht', 'unresponsive'],
  ['mi abuelo no responde desde el partido, está tirado en el suelo', 'unresponsive'],
  ['my 3 year old drank from a bottle of bleach', 'overdose-or-poisoning'],
  ['my 3 year old drank from a bottle of water and coughed', null],
  ['minha filha de 2 anos tomou da garrafa de água sanitária', 'overdose-or-poisoning'],
  ['i skipped my next dose of insulin by accident, sugar fine', null],
  ['he fell off the sofa and hurt his back', null],
  ['my mum had sepsis as a child, is it hereditary', null],
  ['el niño en el coche no responde', 'unresponsive'],
  ['mon fils dans la voiture ne répond plus', 'unresponsive'],
  ['o menino dentro do carro não responde', 'unresponsive'],
  ['der junge in der karre reagiert nicht mehr', 'unresponsive'],
  ['my boyfriend isnt responding to me since our fight', null],
  ['the baby is responding well to me now, smiling', null],
  ['the baby is not responding to me, floppy', 'unresponsive'],
];

describe('triage: a device that does not respond, against a person beside a car, a tv or a match', () => {
  it.each(DEVICE_OR_PERSON)('%s → %s', (text, category) => {
    const result = triage(text);
    if (category) expect(result.categories, label(category)).toContain(category);
    else expect(result.categories).toEqual([]);
  });
});

/**
 * Absorbed in a screen is told by a selective reaction ("only reacts to pizza") or a span of weeks
 * ("since the world cup started"), never by a place or a match's two hours: someone in front of the
 * tv, or unresponsive since kick off, still alarms (written for these tests).
 */
const ABSORBED_OR_UNRESPONSIVE: Case[] = [
  ['opa sitzt vor dem fernseher und reagiert nicht mehr', 'unresponsive'],
  ['dad has been unresponsive since kick off, hes just sitting there in his chair', 'unresponsive'],
  ['my grandad is unresponsive in front of the tv', 'unresponsive'],
  ['mi abuelo está delante de la tele y no responde', 'unresponsive'],
  ['mon grand-père est devant la télé et ne répond plus', 'unresponsive'],
  ['meu avô está na frente da tv e não responde', 'unresponsive'],
  ['mi padre no responde desde que empezó el partido, está en el sofá', 'unresponsive'],
  ['mein freund ist seit dem neuen zelda nicht mehr ansprechbar, reagiert nur noch auf pizza haha', null],
  ['meu marido não responde desde que começou a copa, só grita com a tv kkk', null],
  ['husband has been completely unresponsive on the sofa since kick off, only reacts to the word pint', null],
];

describe('triage: absorbed in a screen, against someone unresponsive in front of it', () => {
  it.each(ABSORBED_OR_UNRESPONSIVE)('%s → %s', (text, category) => {
    const result = triage(text);
    if (category) expect(result.categories, label(category)).toContain(category);
    else expect(result.categories).toEqual([]);
  });
});

/** A blood pressure that is low by nature, and a teething baby a bit wheezy, against the same signs told as falling or closing (written for these tests). */
const TRAIT_OR_SIGN: Case[] = [
  ['i have low blood pressure and a mild fever from a cold, can i take paracetamol', null],
  ['my baby is teething, drooling a lot and a bit wheezy with his cold', null],
  ['my son has a high pitched noise when breathing in, drooling and cant swallow', 'severe-breathing-difficulty'],
  ['my dad has a high fever and his blood pressure is very low', 'meningitis-or-sepsis'],
];

describe('triage: low blood pressure and drooling told as a trait, against the same signs told now', () => {
  it.each(TRAIT_OR_SIGN)('%s → %s', (text, category) => {
    const result = triage(text);
    if (category) expect(result.categories, label(category)).toContain(category);
    else expect(result.categories).toEqual([]);
  });
});
