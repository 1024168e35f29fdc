/** Portuguese: detection words, lexicon and advice. */
import type { LanguageData } from '../language-data.js';

export const pt: LanguageData = {
  id: 'pt',
  stopwords: [
    'o',
    'a',
    'os',
    'as',
    'e',
    'de',
    'do',
    'da',
    'dos',
    'das',
    'que',
    'em',
    'no',
    'na',
    'nos',
    'nas',
    'meu',
    'minha',
    'meus',
    'um',
    'uma',
    'com',
    'por',
    'para',
    'mas',
    'muito',
    'muita',
    'nao',
    'sim',
    'ele',
    'ela',
    'eu',
    'tenho',
    'tem',
    'esta',
    'estou',
    'ja',
    'agora',
    'desde',
    'isso',
    'isto',
    'sem',
    'filho',
    'filha',
    'voce',
    'pode',
    'posso',
    'fazer',
    'dor',
    'peito',
    'quando',
    'depois',
    'ao',
    'pra',
    'seu',
    'sua',
    'foi',
  ],
  letters: 'ãõ',
  compounds: false,
  advice: {
    callNow:
      'Ligue agora para o número de emergência (112 em Portugal e em toda a UE, 192 para o SAMU no Brasil) ou peça a alguém que ligue.',
    categories: {
      cardiac:
        'Pode ser um ataque cardíaco (enfarte). Pare, sente-se e descanse; não conduza. Se quem atende a chamada o aconselhar e não for alérgico, mastigue um comprimido de aspirina de adulto (300 mg).',
      stroke:
        'Podem ser sinais de AVC (boca ao lado, fraqueza num braço, dificuldade em falar). Anote a hora em que os sintomas começaram: cada minuto conta. Não dê comida, bebida nem medicamentos pela boca.',
      'suicide-or-self-harm':
        'Se sente que pode agir sobre pensamentos de acabar com a vida ou de se magoar, não precisa de passar por isto sozinho: ligue para a emergência se estiver em perigo agora, ou para uma linha de apoio (CVV 188 no Brasil, 24 horas; SNS 24 808 24 24 24 em Portugal). Fique com alguém de confiança e afaste-se do que possa usar para se magoar.',
      anaphylaxis:
        'Pode ser uma reação alérgica grave (anafilaxia). Use agora uma caneta de adrenalina, se houver, na parte de fora da coxa; uma segunda após 5 minutos se não melhorar. Deite-se com as pernas elevadas, ou sente-se se respirar for difícil; não se levante nem ande, mesmo que se sinta melhor.',
      'severe-bleeding':
        'Pressione com força a ferida com um pano limpo ou com a mão e não pare de pressionar até chegar ajuda; se o sangue atravessar, ponha mais pano por cima sem tirar o primeiro. Deite a pessoa e mantenha-a aquecida. Se estiver a vomitar ou tossir sangue, ponha-a de lado ou inclinada para a frente e não dê comida nem bebida.',
      'overdose-or-poisoning':
        'Não tente fazer a pessoa vomitar e não dê nada de comer ou beber, a não ser que lhe digam. Guarde a embalagem para mostrar à equipa de emergência ou ao centro antivenenos. Se estiver inconsciente mas a respirar, coloque-a de lado (posição lateral de segurança). Uma pilha de botão ou ímanes engolidos exigem hospital agora, mesmo que a criança pareça bem. Se suspeitar de monóxido de carbono, levem todos para o ar livre.',
      unresponsive:
        'Se a pessoa não responde e não respira normalmente, comece já a reanimação (RCP): empurre com força e depressa no centro do peito, 100 a 120 vezes por minuto, e peça um desfibrilhador (DAE); quem atende a chamada vai orientá-lo. Se respira, coloque-a de lado (posição lateral de segurança) e continue a vigiar a respiração.',
      'severe-breathing-difficulty':
        'Sente a pessoa direita e mantenha-a calma; alargue a roupa apertada. Se tiver uma bomba de alívio (normalmente azul), que a use. Se estiver engasgada e não conseguir tossir, falar nem respirar, dê até 5 pancadas firmes nas costas entre as omoplatas e depois até 5 compressões abdominais (no peito, num bebé com menos de 1 ano). Se deixar de responder, comece a reanimação.',
      seizure:
        'Não segure a pessoa e não ponha nada na boca dela. Afaste objetos duros, proteja a cabeça e cronometre a crise. Quando os movimentos pararem, coloque-a de lado. Uma crise com mais de 5 minutos, crises seguidas, uma primeira crise, ou uma com ferimentos ou dentro de água precisam de ajuda de emergência.',
      'meningitis-or-sepsis':
        'Manchas que não desaparecem quando se pressiona um copo por cima, febre com rigidez do pescoço ou incómodo com a luz, ou sinais de sépsis (confusão, pele marmoreada ou azulada, respiração muito rápida, sem urinar o dia todo, sentir-se muito mal) precisam de cuidados urgentes agora. Não espere que apareçam manchas.',
      'sudden-severe-headache':
        'Uma dor de cabeça súbita e muito forte, «a pior da vida», ou uma dor de cabeça depois de uma pancada na cabeça com vómitos, sonolência ou confusão, pode ser uma hemorragia no cérebro. Deite-se, não conduza e não tome aspirina.',
      'infant-danger-signs':
        'São sinais de perigo num bebé. Um bebé com menos de 3 meses com 38 °C ou mais, ou um bebé mole, difícil de acordar, a gemer ao respirar, com a pele a afundar por baixo das costelas, azulado, pálido ou com manchas, que não mama, com a moleira abaulada ou um choro agudo, precisa de cuidados urgentes agora. Não espere para ver se passa.',
      drowning:
        'Tire a pessoa da água só se for seguro para si. Se não respira normalmente, faça 5 insuflações e depois a reanimação (30 compressões, 2 insuflações). Quem foi retirado da água inconsciente, tosse muito ou respira depressa deve ser visto no hospital, mesmo que pareça bem. Mantenha-o aquecido.',
      'major-trauma':
        'Não mexa na pessoa se o pescoço ou as costas puderem estar feridos, a não ser que esteja em perigo onde está. Pressione com força qualquer hemorragia; não retire objetos cravados numa ferida. Mantenha-a quieta e aquecida, sem comer nem beber. Depois de um choque elétrico, não lhe toque antes de desligar a corrente.',
      'severe-burn':
        'Arrefeça a queimadura com água corrente fresca ou morna durante 20 minutos (sem gelo) e tire roupa e joias à volta, a não ser que estejam coladas à pele. Cubra sem apertar com película aderente ou um saco de plástico limpo. Não ponha cremes, manteiga nem pasta de dentes. Numa queimadura química, lave com muita água; numa elétrica, desligue primeiro a corrente. Mantenha a pessoa aquecida.',
      'aortic-dissection':
        'Uma dor súbita, como se algo rasgasse, no peito ou a atravessar para as costas pode ser uma rutura da artéria principal (dissecção da aorta). Fique deitado e quieto, não conduza e não tome medicamentos a não ser que quem atende a chamada ou um médico o diga.',
      'pulmonary-embolism':
        'Falta de ar súbita ou dor no peito ao respirar, ou tossir sangue, sobretudo depois de uma barriga da perna inchada e dorida, uma viagem longa, uma cirurgia ou na gravidez, pode ser um coágulo nos pulmões. Sente-se direito, fique quieto e não conduza.',
      'testicular-torsion':
        'Uma dor súbita e forte num testículo pode ser uma torção do testículo, que tem de ser tratada em poucas horas para o salvar. Vá já às urgências e não coma nem beba, caso seja preciso operar.',
      'acute-abdomen':
        'Uma dor de barriga súbita e muito forte, a barriga dura como uma tábua, vomitar sangue ou fezes negras como alcatrão precisam de cuidados urgentes agora. Não coma nem beba nada, caso seja preciso operar, e não conduza.',
      'diabetic-emergency':
        'Se a pessoa está acordada, consegue engolir e o açúcar pode estar baixo, dê uma bebida açucarada, pastilhas de glicose ou rebuçados e volte a medir após 15 minutos. Se está sonolenta, confusa ou inconsciente, não dê nada pela boca e coloque-a de lado. Açúcar muito alto com vómitos, respiração funda e rápida ou hálito a fruta (cetoacidose) precisa de cuidados urgentes agora.',
      'pregnancy-emergency':
        'Uma hemorragia abundante, dor forte de um lado, dor de cabeça forte com visão turva ou inchaço súbito, o cordão a sair, ou um bebé que se mexe menos ou nada precisam de emergência ou da sua maternidade agora; não espere pelo dia seguinte. Deite-se sobre o lado esquerdo enquanto espera. Se o cordão estiver a sair, ponha-se de joelhos com o rabo elevado e não o empurre para dentro.',
      'heat-or-cold-emergency':
        'Num golpe de calor, leve a pessoa para um sítio fresco, molhe-lhe a pele com água fresca e abane-a; dê goles de água só se estiver bem acordada. No frio intenso (hipotermia), leve-a para um sítio quente, tire a roupa molhada e envolva-a em cobertores, aquecendo primeiro o tronco; não esfregue braços e pernas nem a ponha num banho quente.',
      'cauda-equina':
        'Dor nas costas com dormência à volta dos genitais ou das nádegas, dificuldade nova em urinar ou em controlar a urina ou as fezes, ou fraqueza nas duas pernas podem ser uma síndrome da cauda equina, que precisa de cirurgia urgente. Vá já às urgências.',
      'sudden-vision-loss':
        'Uma perda súbita da visão ou uma sombra ou cortina sobre a vista precisa de cuidados oftalmológicos urgentes agora. Com um químico no olho, lave-o com muita água corrente limpa durante pelo menos 20 minutos, mantendo a pálpebra aberta. Não esfregue o olho nem pressione um olho ferido.',
    },
  },
  numbers: {},
  expansions: {},
  notTypos: [],
  lexicon: {},
};
