/** French: detection words, lexicon and advice. */
import type { LanguageData } from '../language-data.js';

export const fr: LanguageData = {
  id: 'fr',
  stopwords: [
    'le',
    'la',
    'les',
    'et',
    'est',
    'je',
    'j',
    'il',
    'elle',
    'mon',
    'ma',
    'mes',
    'de',
    'des',
    'du',
    'un',
    'une',
    'que',
    'qui',
    'pas',
    'ne',
    'n',
    'ai',
    'a',
    'au',
    'aux',
    'avec',
    'pour',
    'dans',
    'sur',
    'mais',
    'tres',
    'fait',
    'depuis',
    'plus',
    'ce',
    'cette',
    'se',
    's',
    'son',
    'sa',
    'ses',
    'nous',
    'vous',
    'suis',
    'c',
    'qu',
    'l',
    'd',
    'quoi',
    'faire',
    'comment',
    'mal',
    'peux',
    'peut',
    'oui',
    'non',
    'fils',
    'fille',
    'aide',
    'ca',
    'sont',
  ],
  letters: 'èêëàâùûîïœç',
  compounds: false,
  advice: {
    callNow:
      "Appelez maintenant le numéro d'urgence (112 dans toute l'UE, le 15 en France, 144 en Suisse, 911 au Canada) ou demandez à quelqu'un d'appeler.",
    categories: {
      cardiac:
        "Cela pourrait être une crise cardiaque. Arrêtez-vous, asseyez-vous et restez au repos ; ne conduisez pas. Si le régulateur vous le conseille et que vous n'êtes pas allergique, croquez un comprimé d'aspirine adulte (300 mg).",
      stroke:
        "Ce peuvent être des signes d'AVC (visage qui tombe, faiblesse d'un bras, trouble de la parole). Notez l'heure du début des symptômes : chaque minute compte. Ne donnez ni à manger, ni à boire, ni médicament par la bouche.",
      'suicide-or-self-harm':
        "Si vous pourriez passer à l'acte, mettre fin à vos jours ou vous faire du mal, vous n'avez pas à affronter cela seul : appelez les urgences si vous êtes en danger maintenant, ou une ligne d'écoute (3114 en France, 24 h/24 ; 0800 32 123 en Belgique ; 143 en Suisse ; 988 au Canada). Restez avec une personne de confiance et éloignez-vous de ce qui pourrait vous blesser.",
      anaphylaxis:
        "Cela pourrait être une réaction allergique grave (anaphylaxie). Utilisez maintenant un stylo d'adrénaline s'il y en a un, dans la face externe de la cuisse ; un second après 5 minutes s'il n'y a pas d'amélioration. Allongez-vous jambes surélevées, ou asseyez-vous si respirer est difficile ; ne vous levez pas et ne marchez pas, même si vous allez mieux.",
      'severe-bleeding':
        "Appuyez fort sur la plaie avec un linge propre ou la main et ne relâchez pas jusqu'à l'arrivée des secours ; si le sang traverse, ajoutez un linge par-dessus sans retirer le premier. Allongez la personne et couvrez-la. Si elle vomit ou crache du sang, mettez-la sur le côté ou penchée en avant et ne lui donnez ni à manger ni à boire.",
      'overdose-or-poisoning':
        "Ne faites pas vomir la personne et ne lui donnez rien à manger ni à boire sauf avis médical. Gardez l'emballage pour le montrer aux secours ou au centre antipoison. Si elle est inconsciente mais respire, mettez-la en position latérale de sécurité. Une pile bouton ou des aimants avalés imposent l'hôpital maintenant, même si l'enfant semble aller bien. En cas de monoxyde de carbone, sortez tout le monde à l'air libre.",
      unresponsive:
        'Si la personne ne réagit pas et ne respire pas normalement, commencez le massage cardiaque maintenant : appuyez fort et vite au centre de la poitrine, 100 à 120 fois par minute, et faites chercher un défibrillateur (DAE) ; le régulateur vous guidera. Si elle respire, mettez-la en position latérale de sécurité et surveillez sa respiration.',
      'severe-breathing-difficulty':
        "Asseyez la personne bien droite et rassurez-la ; desserrez les vêtements. Si elle a un inhalateur de secours (souvent bleu), qu'elle l'utilise. Si elle s'étouffe et ne peut ni tousser, ni parler, ni respirer, donnez jusqu'à 5 claques fermes dans le dos entre les omoplates, puis jusqu'à 5 compressions abdominales (thoraciques chez un bébé de moins d'un an). Si elle ne réagit plus, commencez le massage cardiaque.",
      seizure:
        "Ne maintenez pas la personne et ne mettez rien dans sa bouche. Écartez les objets durs, protégez sa tête et chronométrez la crise. Quand les secousses s'arrêtent, mettez-la sur le côté. Une crise de plus de 5 minutes, des crises qui s'enchaînent, une première crise, ou une crise avec blessure ou dans l'eau nécessitent les secours.",
      'meningitis-or-sepsis':
        "Des taches qui ne s'effacent pas quand on appuie un verre dessus, une fièvre avec raideur de la nuque ou gêne à la lumière, ou des signes de sepsis (confusion, peau marbrée ou bleutée, respiration très rapide, pas d'urine de la journée, sensation d'être très mal) imposent des soins urgents maintenant. N'attendez pas l'apparition de taches.",
      'sudden-severe-headache':
        "Un mal de tête brutal et très violent, « le pire de sa vie », ou un mal de tête après un choc à la tête avec vomissements, somnolence ou confusion, peut signaler un saignement dans le cerveau. Allongez-vous, ne conduisez pas et ne prenez pas d'aspirine.",
      'infant-danger-signs':
        "Ce sont des signes de danger chez un bébé. Un bébé de moins de 3 mois avec 38 °C ou plus, ou un bébé mou, difficile à réveiller, qui geint en respirant, dont la peau se creuse sous les côtes, bleuté, pâle ou marbré, qui ne boit pas, avec la fontanelle bombée ou un cri aigu, doit être vu en urgence maintenant. N'attendez pas que cela passe.",
      drowning:
        "Sortez la personne de l'eau seulement si c'est sans danger pour vous. Si elle ne respire pas normalement, faites 5 insufflations puis le massage cardiaque (30 compressions, 2 insufflations). Toute personne sortie de l'eau qui a perdu connaissance, tousse beaucoup ou respire vite doit être vue à l'hôpital même si elle semble aller bien. Gardez-la au chaud.",
      'major-trauma':
        "Ne déplacez pas la personne si le cou ou le dos peut être touché, sauf danger sur place. Appuyez fort sur tout saignement ; ne retirez pas un objet planté dans une plaie. Gardez-la immobile et au chaud, sans rien à manger ni à boire. Après une électrocution, ne la touchez pas avant d'avoir coupé le courant.",
      'severe-burn':
        "Refroidissez la brûlure sous l'eau courante fraîche ou tiède pendant 20 minutes (pas de glace) et retirez vêtements et bijoux autour, sauf s'ils collent à la peau. Couvrez sans serrer avec du film alimentaire ou un sac plastique propre. Ne mettez ni crème, ni beurre, ni dentifrice. Pour une brûlure chimique, rincez abondamment ; pour une brûlure électrique, coupez d'abord le courant. Gardez la personne au chaud.",
      'aortic-dissection':
        "Une douleur brutale, comme un déchirement, dans la poitrine ou qui traverse vers le dos peut être une déchirure de l'aorte (dissection aortique). Restez allongé sans bouger, ne conduisez pas et ne prenez aucun médicament sauf sur avis du régulateur ou d'un médecin.",
      'pulmonary-embolism':
        'Un essoufflement brutal ou une douleur dans la poitrine en respirant, ou du sang en toussant, surtout après un mollet gonflé et douloureux, un long voyage, une opération ou une grossesse, peut être un caillot dans les poumons. Restez assis bien droit, sans bouger, et ne conduisez pas.',
      'testicular-torsion':
        'Une douleur brutale et intense dans un testicule peut être une torsion du testicule, à traiter dans les heures qui suivent pour le sauver. Allez aux urgences maintenant et ne mangez ni ne buvez rien au cas où il faudrait opérer.',
      'acute-abdomen':
        'Une douleur au ventre brutale et intense, un ventre dur comme du bois, des vomissements de sang ou des selles noires comme du goudron imposent des soins urgents maintenant. Ne mangez ni ne buvez rien au cas où il faudrait opérer, et ne conduisez pas.',
      'diabetic-emergency':
        'Si la personne est éveillée, peut avaler et que son sucre est peut-être bas, donnez une boisson sucrée, des comprimés de glucose ou des bonbons et contrôlez à nouveau après 15 minutes. Si elle est somnolente, confuse ou inconsciente, ne donnez rien par la bouche et mettez-la sur le côté. Un sucre très élevé avec vomissements, respiration profonde et rapide ou haleine fruitée (acidocétose) impose des soins urgents maintenant.',
      'pregnancy-emergency':
        "Un saignement abondant, une douleur forte d'un côté, un mal de tête intense avec vision trouble ou un gonflement brutal, le cordon qui sort, ou un bébé qui bouge moins ou plus du tout imposent d'appeler les secours ou la maternité maintenant ; n'attendez pas le lendemain. Allongez-vous sur le côté gauche en attendant. Si le cordon sort, mettez-vous à genoux, les fesses surélevées, et ne le repoussez pas.",
      'heat-or-cold-emergency':
        "En cas de coup de chaleur, mettez la personne au frais, mouillez sa peau d'eau fraîche et éventez-la ; donnez de petites gorgées d'eau seulement si elle est bien réveillée. En cas de froid intense (hypothermie), mettez-la au chaud, retirez les vêtements mouillés et enveloppez-la de couvertures en réchauffant d'abord le tronc ; ne frottez pas ses membres et ne la mettez pas dans un bain chaud.",
      'cauda-equina':
        'Un mal de dos avec un engourdissement autour des parties génitales ou des fesses, des difficultés nouvelles à uriner ou à retenir urines ou selles, ou une faiblesse des deux jambes peuvent être un syndrome de la queue de cheval, qui demande une opération urgente. Allez aux urgences maintenant.',
      'sudden-vision-loss':
        "Une perte brutale de la vue ou une ombre, un rideau devant les yeux imposent des soins ophtalmologiques urgents maintenant. Pour un produit chimique dans l'œil, rincez abondamment à l'eau courante propre pendant au moins 20 minutes en maintenant la paupière ouverte. Ne frottez pas l'œil et n'appuyez pas sur un œil blessé.",
    },
  },
  numbers: {},
  expansions: {},
  notTypos: [],
  lexicon: {},
};
