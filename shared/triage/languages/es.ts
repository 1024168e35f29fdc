/** Spanish: detection words, lexicon and advice. */
import type { LanguageData } from '../language-data.js';

export const es: LanguageData = {
  id: 'es',
  stopwords: [
    'el',
    'la',
    'los',
    'las',
    'es',
    'y',
    'de',
    'del',
    'que',
    'en',
    'mi',
    'mis',
    'tengo',
    'tiene',
    'esta',
    'estoy',
    'con',
    'por',
    'para',
    'pero',
    'muy',
    'una',
    'un',
    'se',
    'le',
    'lo',
    'me',
    'hace',
    'como',
    'hay',
    'puedo',
    'puede',
    'desde',
    'ya',
    'sin',
    'mucho',
    'mucha',
    'hijo',
    'hija',
    'ahora',
    'cuando',
    'porque',
    'despues',
    'su',
    'sus',
    'ha',
    'al',
    'yo',
    'ella',
    'el',
    'nos',
    'pecho',
    'dolor',
    'ayuda',
    'mientras',
    'eso',
    'esto',
  ],
  letters: 'ñ¿¡',
  compounds: false,
  advice: {
    callNow:
      'Llame ahora al número de emergencias (112 en España y en toda la UE, 911 en México, EE. UU. y gran parte de Latinoamérica) o pida a alguien que llame.',
    categories: {
      cardiac:
        'Podría ser un infarto. Pare, siéntese y descanse; no conduzca. Si quien atiende la llamada se lo indica y no es alérgico, mastique una aspirina de adulto (300 mg).',
      stroke:
        'Pueden ser signos de un ictus (cara caída, debilidad en un brazo, dificultad para hablar). Anote la hora en que empezaron los síntomas: cada minuto cuenta. No le dé comida, bebida ni medicamentos por boca.',
      'suicide-or-self-harm':
        'Si cree que podría actuar sobre pensamientos de quitarse la vida o hacerse daño, no tiene que pasar por esto a solas: llame a emergencias si corre peligro ahora, o a una línea de crisis (024 en España; 988 en EE. UU., también en español). Quédese con alguien de confianza y aléjese de lo que podría usar para hacerse daño.',
      anaphylaxis:
        'Podría ser una reacción alérgica grave (anafilaxia). Use ahora un autoinyector de adrenalina si lo hay, en la parte externa del muslo; use un segundo a los 5 minutos si no mejora. Túmbese con las piernas en alto, o siéntese si le cuesta respirar; no se ponga de pie ni camine aunque se sienta mejor.',
      'severe-bleeding':
        'Presione con firmeza la herida con un paño limpio o con la mano y no deje de presionar hasta que llegue la ayuda; si la sangre empapa el paño, ponga otro encima sin quitar el primero. Tumbe a la persona y manténgala abrigada. Si vomita o tose sangre, póngala de lado o inclinada hacia delante y no le dé comida ni bebida.',
      'overdose-or-poisoning':
        'No intente provocar el vómito y no le dé comida ni bebida salvo que se lo indiquen. Guarde el envase para mostrarlo a los sanitarios. Si está inconsciente pero respira, póngala de lado (posición lateral de seguridad). Una pila de botón o imanes tragados requieren ir al hospital ahora aunque el niño parezca estar bien. Si sospecha monóxido de carbono, salgan todos al aire libre.',
      unresponsive:
        'Si la persona no responde y no respira con normalidad, empiece ya la RCP: presione fuerte y rápido en el centro del pecho, de 100 a 120 veces por minuto, y pida un desfibrilador (DEA); quien atiende la llamada le guiará. Si respira, póngala de lado (posición lateral de seguridad) y vigile su respiración.',
      'severe-breathing-difficulty':
        'Siente a la persona erguida y manténgala tranquila; afloje la ropa ajustada. Si tiene un inhalador de rescate (normalmente azul), úselo. Si se atraganta y no puede toser, hablar ni respirar, dé hasta 5 golpes firmes en la espalda entre los omóplatos y luego hasta 5 compresiones abdominales (en el pecho si es un bebé de menos de 1 año). Si deja de responder, empiece la RCP.',
      seizure:
        'No sujete a la persona ni le ponga nada en la boca. Aparte objetos duros, protéjale la cabeza y controle cuánto dura la crisis. Cuando paren las sacudidas, póngala de lado. Una crisis de más de 5 minutos, crisis seguidas, una primera crisis, o una con lesiones o en el agua necesitan ayuda urgente.',
      'meningitis-or-sepsis':
        'Una mancha en la piel que no desaparece al presionar un vaso encima, fiebre con rigidez de nuca o molestia con la luz, o signos de sepsis (confusión, piel moteada o azulada, respiración muy rápida, no orinar en todo el día, sentirse muy mal) necesitan atención urgente ahora. No espere a que aparezcan manchas.',
      'sudden-severe-headache':
        'Un dolor de cabeza repentino y muy intenso, «el peor de su vida», o un dolor de cabeza tras un golpe en la cabeza con vómitos, somnolencia o confusión, puede indicar un sangrado en el cerebro. Túmbese, no conduzca y no tome aspirina.',
      'infant-danger-signs':
        'Son signos de alarma en un bebé. Un bebé de menos de 3 meses con 38 °C o más, o un bebé flácido, difícil de despertar, que gime al respirar, que hunde la piel bajo las costillas, azulado, pálido o con manchas, que no come, con la fontanela abombada o con un llanto agudo necesita atención urgente ahora. No espere a ver si se le pasa.',
      drowning:
        'Saque a la persona del agua solo si es seguro para usted. Si no respira con normalidad, dé 5 respiraciones de rescate y después RCP (30 compresiones, 2 respiraciones). Quien haya sido sacado del agua inconsciente, con tos persistente o respiración rápida debe ser valorado en el hospital aunque parezca estar bien. Manténgalo abrigado.',
      'major-trauma':
        'No mueva a la persona si puede tener lesionado el cuello o la espalda, salvo que corra peligro donde está. Presione con firmeza cualquier sangrado; no saque objetos clavados en una herida. Manténgala quieta y abrigada y no le dé comida ni bebida. Tras una descarga eléctrica, no la toque hasta cortar la corriente.',
      'severe-burn':
        'Enfríe la quemadura con agua corriente fresca o templada durante 20 minutos (sin hielo) y quite la ropa y las joyas de la zona salvo que estén pegadas a la piel. Cúbrala sin apretar con film transparente o una bolsa de plástico limpia. No ponga cremas, mantequilla ni pasta de dientes. Si es química, aclare con mucha agua; si es eléctrica, corte antes la corriente. Mantenga a la persona abrigada.',
      'aortic-dissection':
        'Un dolor repentino, desgarrador, en el pecho o que atraviesa hacia la espalda puede ser una rotura de la arteria principal (disección aórtica). Quédese quieto y tumbado, no conduzca y no tome medicamentos salvo que se lo indique quien atiende la llamada o un médico.',
      'pulmonary-embolism':
        'Una falta de aire repentina o un dolor en el pecho al respirar, o toser sangre, sobre todo tras una pantorrilla hinchada y dolorosa, un viaje largo, una operación o un embarazo, puede ser un coágulo en los pulmones. Siéntese erguido, no se mueva y no conduzca.',
      'testicular-torsion':
        'Un dolor repentino e intenso en un testículo puede ser una torsión testicular, que debe tratarse en pocas horas para salvar el testículo. Vaya a urgencias ahora y no coma ni beba por si hace falta operar.',
      'acute-abdomen':
        'Un dolor de barriga repentino e intenso, el abdomen duro como una tabla, vomitar sangre o heces negras como alquitrán necesitan atención urgente ahora. No coma ni beba nada por si hace falta operar y no conduzca.',
      'diabetic-emergency':
        'Si la persona está despierta, puede tragar y puede tener el azúcar bajo, dele una bebida azucarada, tabletas de glucosa o caramelos y vuelva a medir a los 15 minutos. Si está adormilada, confusa o inconsciente, no le dé nada por boca y póngala de lado. Un azúcar muy alto con vómitos, respiración profunda y rápida o aliento afrutado (cetoacidosis) necesita atención urgente ahora.',
      'pregnancy-emergency':
        'Un sangrado abundante, un dolor fuerte en un lado, un dolor de cabeza intenso con visión borrosa o hinchazón repentina, el cordón que sale, o un bebé que se mueve menos o nada necesitan atención urgente o su maternidad ahora; no espere a mañana. Túmbese sobre el lado izquierdo mientras espera. Si sale el cordón, póngase de rodillas con las nalgas elevadas y no lo empuje hacia dentro.',
      'heat-or-cold-emergency':
        'Ante un golpe de calor, lleve a la persona a un lugar fresco, mójele la piel con agua fresca y abaníquela; dele sorbos de agua solo si está bien despierta. Ante un frío intenso (hipotermia), llévela a un lugar cálido, quítele la ropa mojada y envuélvala en mantas, calentando primero el tronco; no le frote brazos ni piernas ni la meta en un baño caliente.',
      'cauda-equina':
        'Un dolor de espalda con adormecimiento alrededor de los genitales o las nalgas, problemas nuevos para orinar o controlar la orina o las heces, o debilidad en ambas piernas pueden ser un síndrome de cola de caballo, que necesita una operación urgente. Vaya a urgencias ahora.',
      'sudden-vision-loss':
        'Una pérdida repentina de la vista o una sombra o cortina sobre la visión necesita atención oftalmológica urgente ahora. Si ha entrado un producto químico en el ojo, aclárelo con abundante agua limpia corriente durante al menos 20 minutos manteniendo el párpado abierto. No se frote el ojo ni presione un ojo herido.',
    },
  },
  numbers: {},
  expansions: {},
  notTypos: [],
  lexicon: {},
};
