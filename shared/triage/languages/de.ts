/** German: detection words, lexicon and advice. */
import type { LanguageData } from '../language-data.js';

export const de: LanguageData = {
  id: 'de',
  stopwords: [
    'der',
    'die',
    'das',
    'und',
    'ist',
    'ich',
    'er',
    'sie',
    'es',
    'mein',
    'meine',
    'meinen',
    'meiner',
    'mir',
    'mich',
    'nicht',
    'kein',
    'keine',
    'mit',
    'seit',
    'habe',
    'hat',
    'hatte',
    'was',
    'wie',
    'auf',
    'ein',
    'eine',
    'einen',
    'zu',
    'im',
    'in',
    'den',
    'dem',
    'von',
    'aber',
    'sehr',
    'auch',
    'noch',
    'jetzt',
    'kann',
    'soll',
    'wir',
    'ihr',
    'sein',
    'seine',
    'bin',
    'wird',
    'nach',
    'wenn',
    'oder',
    'tun',
    'schon',
    'bei',
    'sich',
    'doch',
    'gerade',
  ],
  letters: 'ßäöü',
  compounds: true,
  advice: {
    callNow:
      'Rufen Sie jetzt den Notruf an (112 in Deutschland, Österreich und der ganzen EU, 144 in der Schweiz) oder lassen Sie jemanden anrufen.',
    categories: {
      cardiac:
        'Das könnte ein Herzinfarkt sein. Hören Sie auf, setzen Sie sich und ruhen Sie; fahren Sie nicht selbst. Wenn die Leitstelle es rät und Sie nicht allergisch sind, zerkauen Sie eine Aspirin-Tablette für Erwachsene (300 mg).',
      stroke:
        'Das können Zeichen eines Schlaganfalls sein (hängender Mundwinkel, Armschwäche, Sprachstörung). Notieren Sie die Uhrzeit, zu der die Beschwerden begannen: Jede Minute zählt. Geben Sie nichts zu essen, zu trinken und keine Medikamente über den Mund.',
      'suicide-or-self-harm':
        'Wenn Sie fürchten, Gedanken, sich das Leben zu nehmen oder sich zu verletzen, in die Tat umzusetzen: Sie müssen das nicht allein durchstehen. Rufen Sie den Notruf an, wenn Sie jetzt in Gefahr sind, oder die Telefonseelsorge (0800 111 0 111 oder 0800 111 0 222 in Deutschland, 142 in Österreich, 143 in der Schweiz; rund um die Uhr). Bleiben Sie bei einem Menschen, dem Sie vertrauen, und entfernen Sie sich von allem, womit Sie sich verletzen könnten.',
      anaphylaxis:
        'Das könnte eine schwere allergische Reaktion (Anaphylaxie) sein. Benutzen Sie jetzt einen Adrenalin-Autoinjektor, falls vorhanden, in die Außenseite des Oberschenkels; nach 5 Minuten einen zweiten, wenn es nicht besser wird. Legen Sie sich mit erhöhten Beinen hin, oder setzen Sie sich auf, wenn das Atmen schwerfällt; nicht aufstehen oder herumlaufen, auch wenn es besser wird.',
      'severe-bleeding':
        'Drücken Sie fest mit einem sauberen Tuch oder der Hand auf die Wunde und lassen Sie nicht los, bis Hilfe da ist; wenn Blut durchsickert, legen Sie mehr Stoff darauf, statt das erste Tuch abzunehmen. Legen Sie die Person hin und halten Sie sie warm. Wenn jemand Blut erbricht oder hustet, lagern Sie ihn auf der Seite oder nach vorn gebeugt und geben nichts zu essen oder zu trinken.',
      'overdose-or-poisoning':
        'Bringen Sie die Person nicht zum Erbrechen und geben Sie nichts zu essen oder zu trinken, außer man rät es Ihnen. Bewahren Sie die Packung auf, um sie dem Rettungsdienst oder dem Giftnotruf zu zeigen. Ist die Person bewusstlos, atmet aber, bringen Sie sie in die stabile Seitenlage. Eine verschluckte Knopfzelle oder Magnete: sofort ins Krankenhaus, auch wenn es dem Kind gut zu gehen scheint. Bei Verdacht auf Kohlenmonoxid alle an die frische Luft bringen.',
      unresponsive:
        'Wenn die Person nicht reagiert und nicht normal atmet, beginnen Sie jetzt mit der Herzdruckmassage: fest und schnell in der Mitte der Brust drücken, 100- bis 120-mal pro Minute, und lassen Sie einen Defibrillator (AED) holen; die Leitstelle leitet Sie an. Atmet sie, bringen Sie sie in die stabile Seitenlage und prüfen Sie weiter die Atmung.',
      'severe-breathing-difficulty':
        'Setzen Sie die Person aufrecht hin und beruhigen Sie sie; öffnen Sie enge Kleidung. Hat sie ein Notfallspray (meist blau), soll sie es benutzen. Wenn sich jemand verschluckt hat und nicht husten, sprechen oder atmen kann: bis zu 5 kräftige Schläge zwischen die Schulterblätter, dann bis zu 5 Oberbauchkompressionen (bei Babys unter 1 Jahr Brustkompressionen). Reagiert die Person nicht mehr, beginnen Sie mit der Herzdruckmassage.',
      seizure:
        'Halten Sie die Person nicht fest und stecken Sie ihr nichts in den Mund. Räumen Sie harte Gegenstände weg, polstern Sie den Kopf und messen Sie die Dauer des Anfalls. Wenn die Zuckungen aufhören, bringen Sie sie in die stabile Seitenlage. Ein Anfall über 5 Minuten, Anfälle kurz hintereinander, ein erster Anfall oder einer mit Verletzung oder im Wasser brauchen den Notruf.',
      'meningitis-or-sepsis':
        'Flecken, die unter einem aufgedrückten Glas nicht verblassen, Fieber mit steifem Nacken oder Lichtempfindlichkeit oder Zeichen einer Sepsis (Verwirrtheit, marmorierte oder bläuliche Haut, sehr schnelle Atmung, den ganzen Tag kein Urin, sich todkrank fühlen) brauchen jetzt sofort Hilfe. Warten Sie nicht, bis Flecken auftreten.',
      'sudden-severe-headache':
        'Plötzliche, heftigste Kopfschmerzen („die schlimmsten meines Lebens“) oder Kopfschmerzen nach einem Schlag auf den Kopf mit Erbrechen, Schläfrigkeit oder Verwirrtheit können eine Blutung im Kopf bedeuten. Legen Sie sich hin, fahren Sie nicht selbst und nehmen Sie kein Aspirin.',
      'infant-danger-signs':
        'Das sind Warnzeichen bei einem Baby. Ein Baby unter 3 Monaten mit 38 °C oder mehr, oder ein Baby, das schlaff ist, kaum aufzuwecken, beim Atmen stöhnt, unter den Rippen einzieht, bläulich, blass oder fleckig ist, nicht trinkt, eine vorgewölbte Fontanelle hat oder schrill schreit, braucht jetzt sofort Hilfe. Warten Sie nicht ab, ob es vorbeigeht.',
      drowning:
        'Holen Sie die Person nur aus dem Wasser, wenn es für Sie sicher ist. Atmet sie nicht normal, geben Sie 5 Beatmungen, dann Herzdruckmassage (30 Kompressionen, 2 Beatmungen). Wer bewusstlos aus dem Wasser geholt wurde, stark hustet oder schnell atmet, muss ins Krankenhaus, auch wenn es ihm gut zu gehen scheint. Halten Sie die Person warm.',
      'major-trauma':
        'Bewegen Sie die Person nicht, wenn Hals oder Rücken verletzt sein könnten, außer sie ist dort in Gefahr. Drücken Sie fest auf jede Blutung; ziehen Sie keine Gegenstände aus einer Wunde. Halten Sie sie ruhig und warm, nichts zu essen oder zu trinken. Nach einem Stromunfall fassen Sie sie erst an, wenn der Strom abgeschaltet ist.',
      'severe-burn':
        'Kühlen Sie die Verbrennung 20 Minuten unter kühlem oder lauwarmem fließendem Wasser (kein Eis) und entfernen Sie Kleidung und Schmuck in der Nähe, außer sie kleben an der Haut. Decken Sie sie locker mit Frischhaltefolie oder einer sauberen Plastiktüte ab. Keine Cremes, Butter oder Zahnpasta. Bei Verätzungen reichlich mit Wasser spülen; bei Stromverbrennungen zuerst den Strom abschalten. Halten Sie die Person warm.',
      'aortic-dissection':
        'Ein plötzlicher, reißender Schmerz in der Brust oder durch bis in den Rücken kann ein Einriss der Hauptschlagader (Aortendissektion) sein. Liegen Sie still, fahren Sie nicht selbst und nehmen Sie keine Medikamente, außer die Leitstelle oder ein Arzt sagt es.',
      'pulmonary-embolism':
        'Plötzliche Atemnot oder Brustschmerzen beim Einatmen oder Bluthusten, besonders nach einer geschwollenen, schmerzenden Wade, einer langen Reise, einer Operation oder in der Schwangerschaft, können ein Blutgerinnsel in der Lunge sein. Sitzen Sie aufrecht, bleiben Sie ruhig und fahren Sie nicht selbst.',
      'testicular-torsion':
        'Plötzliche starke Schmerzen in einem Hoden können eine Hodentorsion sein, die innerhalb weniger Stunden behandelt werden muss, um den Hoden zu retten. Gehen Sie jetzt in die Notaufnahme und essen und trinken Sie nichts, falls operiert werden muss.',
      'acute-abdomen':
        'Plötzliche starke Bauchschmerzen, ein brettharter Bauch, Bluterbrechen oder schwarzer, teerartiger Stuhl brauchen jetzt sofort Hilfe. Essen und trinken Sie nichts, falls operiert werden muss, und fahren Sie nicht selbst.',
      'diabetic-emergency':
        'Ist die Person wach, kann schlucken und ist ihr Zucker vielleicht zu niedrig, geben Sie ein zuckerhaltiges Getränk, Traubenzucker oder Süßigkeiten und messen Sie nach 15 Minuten erneut. Ist sie schläfrig, verwirrt oder bewusstlos, geben Sie nichts über den Mund und bringen Sie sie in die Seitenlage. Sehr hoher Zucker mit Erbrechen, tiefer schneller Atmung oder fruchtigem Atem (Ketoazidose) braucht jetzt sofort Hilfe.',
      'pregnancy-emergency':
        'Starke Blutungen, heftige Schmerzen auf einer Seite, starke Kopfschmerzen mit Sehstörungen oder plötzlichen Schwellungen, eine austretende Nabelschnur oder ein Baby, das sich weniger oder gar nicht bewegt, brauchen jetzt den Notruf oder Ihren Kreißsaal; warten Sie nicht bis morgen. Legen Sie sich beim Warten auf die linke Seite. Tritt die Nabelschnur aus, knien Sie sich mit erhöhtem Becken hin und schieben Sie sie nicht zurück.',
      'heat-or-cold-emergency':
        'Bei Hitzschlag bringen Sie die Person an einen kühlen Ort, befeuchten die Haut mit kühlem Wasser und fächeln Luft zu; kleine Schlucke Wasser nur, wenn sie ganz wach ist. Bei starker Unterkühlung bringen Sie sie ins Warme, ziehen nasse Kleidung aus und wickeln sie in Decken, den Rumpf zuerst wärmen; Arme und Beine nicht reiben und nicht in ein heißes Bad setzen.',
      'cauda-equina':
        'Rückenschmerzen mit Taubheit im Genital- oder Gesäßbereich, neue Probleme beim Wasserlassen oder Halten von Urin oder Stuhl oder Schwäche in beiden Beinen können ein Cauda-equina-Syndrom sein, das eine Notoperation braucht. Gehen Sie jetzt in die Notaufnahme.',
      'sudden-vision-loss':
        'Ein plötzlicher Sehverlust oder ein Schatten oder Vorhang vor dem Auge braucht jetzt sofort augenärztliche Hilfe. Bei Chemikalien im Auge spülen Sie mindestens 20 Minuten mit viel sauberem fließendem Wasser bei geöffnetem Lid. Nicht reiben und nicht auf ein verletztes Auge drücken.',
    },
  },
  numbers: {},
  expansions: {},
  notTypos: [],
  lexicon: {},
};
