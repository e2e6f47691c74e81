"""Messages for alarm understanding v3 (issue 20, item 2 and the concept half of item 4): ABCD by what
the patient cannot do, by signs and by measured values, and the clinical words, each concept in Dutch
and in English, and look-alikes that must not alarm.

Every sentence here was written for this test suite, in the styles of patients, relatives and
clinically trained relatives; none is from an evaluation set. Each row: text, level, and a concept
that must be among the result's concepts (None: only the level is checked).
"""

from __future__ import annotations

from bot.triage.levels import Level

EMERGENCY, SEH, URGENT, NONE = Level.EMERGENCY, Level.SEH, Level.URGENT, Level.NONE

# The examples of issue 20's "Why" that are about concepts and numbers, with the level each must get.
WHY = [
    (
        "Sinds het ontbijt wil mijn linkerhand niet meer meewerken, mijn lepel valt steeds en mijn man zegt dat "
        "ik zo gek klink. Verder voel ik me prima hoor.",
        EMERGENCY,
    ),
    ("het pleister is helemaal doorgebloed en ook de theedoek eronder is rood, het blijft maar komen", EMERGENCY),
    ("I have collected all my pills and I am going to take them all tonight", EMERGENCY),
    ("my dad just threw up a big bowl of bright red blood", EMERGENCY),
    ("opeens is alles zwart aan mijn rechteroog, als een gordijn dat dichtgaat", EMERGENCY),
    ("haar tong en lippen zwellen op sinds de nieuwe tabletten en ze krijgt moeilijk lucht", EMERGENCY),
    ("de thermometer geeft negen en dertig komma vier aan", SEH),
    ("pols 135, bloeddruk 80/45, hij is grauw en zweet", EMERGENCY),
]

# D: an arm, hand or leg that does not do what the patient wants; a face that droops.
LIMB = [
    ("mijn rechterarm doet niet meer wat ik wil", EMERGENCY, "limb_weakness"),
    ("haar linkerhand doet niet wat ze wil sinds het middageten", EMERGENCY, "limb_weakness"),
    ("zijn hand wil niet meer meewerken", EMERGENCY, "limb_weakness"),
    ("mijn arm werkt ineens niet meer mee", EMERGENCY, "limb_weakness"),
    ("mijn linkerbeen doet niet meer wat ik wil, ik sleep ermee", EMERGENCY, "limb_weakness"),
    ("ik kan mijn kopje niet meer vasthouden", EMERGENCY, "limb_weakness"),
    ("hij krijgt zijn vork niet meer naar zijn mond", EMERGENCY, "limb_weakness"),
    ("de lepel valt steeds uit haar hand", EMERGENCY, "limb_weakness"),
    ("het glas viel zomaar uit mijn hand en ik voel mijn vingers slecht", EMERGENCY, "limb_weakness"),
    ("ze laat alles uit haar hand vallen sinds vanmiddag", EMERGENCY, "limb_weakness"),
    ("ik krijg mijn arm niet meer omhoog", EMERGENCY, "limb_weakness"),
    ("ik kan mijn been niet meer bewegen", EMERGENCY, "limb_weakness"),
    ("hij heeft geen kracht meer in zijn rechterhand", EMERGENCY, "limb_weakness"),
    ("mijn arm hangt er slap bij en voelt als lood", EMERGENCY, "limb_weakness"),
    ("My left hand won't do what I want it to", EMERGENCY, "limb_weakness"),
    ("his arm just isn't working properly since lunch", EMERGENCY, "limb_weakness"),
    ("she can't hold her cup anymore, it keeps slipping out of her hand", EMERGENCY, "limb_weakness"),
    ("I keep dropping things from my right hand", EMERGENCY, "limb_weakness"),
    ("dad can't lift his left arm", EMERGENCY, "stroke"),
    ("my leg suddenly gave way and I can't move it", EMERGENCY, "limb_weakness"),
    ("de ene kant van zijn gezicht hangt naar beneden", EMERGENCY, "stroke"),
    ("haar mondhoek zakt ineens weg", EMERGENCY, "stroke"),
    ("hij lacht scheef sinds vanochtend", EMERGENCY, "stroke"),
    ("one side of her face is drooping", EMERGENCY, "stroke"),
    ("his smile looks lopsided all of a sudden", EMERGENCY, "stroke"),
    ("Vader acuut een facialisparese links", EMERGENCY, "stroke"),
    ("hemiparese rechts sinds een half uur", EMERGENCY, "stroke"),
]

# D: speech that comes out wrong.
SPEECH = [
    ("mijn man praat ineens zo vreemd", EMERGENCY, "speech_trouble"),
    ("haar woorden komen er krom uit", EMERGENCY, "speech_trouble"),
    ("zijn woorden komen er helemaal verkeerd uit", EMERGENCY, "speech_trouble"),
    ("mijn vrouw zegt dat ik zo gek klink", EMERGENCY, "speech_trouble"),
    ("hij klinkt heel raar aan de telefoon", EMERGENCY, "speech_trouble"),
    ("ze praat alsof ze dronken is maar ze drinkt niet", EMERGENCY, "speech_trouble"),
    ("ik kan niet uit mijn woorden komen", EMERGENCY, "stroke"),
    ("zijn spraak is onduidelijk sinds het ontbijt", EMERGENCY, "speech_trouble"),
    ("ze haalt woorden door elkaar", EMERGENCY, "speech_trouble"),
    ("ze zegt steeds de verkeerde woorden", EMERGENCY, "speech_trouble"),
    ("patient heeft sinds 30 min een afasie", EMERGENCY, "speech_trouble"),
    ("nieuwe dysartrie bij mijn vader", EMERGENCY, "speech_trouble"),
    ("my husband is talking funny and his words are all jumbled", EMERGENCY, "speech_trouble"),
    ("she sounds drunk but she hasn't had anything to drink", EMERGENCY, "speech_trouble"),
    ("his speech sounds strange since this morning", EMERGENCY, "speech_trouble"),
    ("I can't get my words out properly", EMERGENCY, "speech_trouble"),
    ("mum keeps mixing up her words", EMERGENCY, "speech_trouble"),
]

# D: one eye suddenly sees nothing, sudden double vision.
EYES = [
    ("ik zie ineens niks meer met mijn linkeroog", EMERGENCY, "vision_loss"),
    ("opeens is alles zwart aan mijn rechteroog", EMERGENCY, "vision_loss"),
    ("het is alsof er een gordijn voor mijn oog valt", EMERGENCY, "vision_loss"),
    ("mijn rechteroog ziet niets meer sinds een kwartier", EMERGENCY, "vision_loss"),
    ("ik ben plotseling blind aan één oog", EMERGENCY, "vision_loss"),
    ("ik zie opeens alles dubbel", EMERGENCY, "stroke"),
    ("I suddenly can't see out of my right eye", EMERGENCY, "vision_loss"),
    ("it was like a curtain coming down over my eye", EMERGENCY, "vision_loss"),
    ("lost the sight in my left eye all of a sudden", EMERGENCY, "vision_loss"),
    ("I'm seeing double since an hour", EMERGENCY, "stroke"),
    ("het licht ging uit in mijn rechteroog, ik zie er niks meer mee", EMERGENCY, "vision_loss_sentence"),
    ("my right eye has just gone dark", EMERGENCY, "vision_loss"),
    ("ik zie niks meer met mijn linkeroog, alles is donker geworden", EMERGENCY, "vision_loss"),
]

# D: cannot be woken, reacts only to pain, suddenly does not know where or who; new drowsiness.
CONSCIOUSNESS = [
    ("hij reageert alleen nog op pijn", EMERGENCY, "unconscious"),
    ("ze reageert alleen als ik in haar arm knijp", EMERGENCY, "unconscious"),
    ("moeder is slecht wekbaar en snurkt raar", EMERGENCY, "unconscious"),
    ("GCS 7 bij mijn vader", EMERGENCY, "low_consciousness_score"),
    ("EMV 9, reageert op pijnprikkel", EMERGENCY, None),
    ("ik krijg haar met geen mogelijkheid wakker", EMERGENCY, "unconscious"),
    ("he only responds to pain", EMERGENCY, "unconscious"),
    ("I can't wake my husband up properly, he just groans", EMERGENCY, "unconscious"),
    ("mum is really hard to wake this morning", EMERGENCY, "unconscious"),
    ("snurkende ademhaling en hij reageert niet", EMERGENCY, None),
    ("mijn vrouw weet ineens niet meer wie ik ben", EMERGENCY, "confusion"),
    ("hij weet opeens niet waar hij is", EMERGENCY, "confusion"),
    ("my dad suddenly doesn't know where he is", EMERGENCY, "confusion"),
    ("she doesn't know who I am anymore, since this afternoon", EMERGENCY, "confusion"),
    ("hij is heel suf en slaapt de hele dag", URGENT, "drowsy"),
    ("mijn moeder is zo suf vandaag, ze valt steeds in slaap", URGENT, "drowsy"),
    ("ze is erg sloom en slaperig sinds de nieuwe pijnstillers", URGENT, "drowsy"),
    ("my husband is very drowsy and sleeping all day", URGENT, "drowsy"),
    ("she keeps nodding off mid-sentence", URGENT, "drowsy"),
    ("vader is somnolent sinds gisteren", URGENT, "drowsy"),
]

# C: shock by signs; B and C by measured values (the thresholds are in alarms.yaml).
SHOCK_AND_VALUES = [
    ("pols 135, bloeddruk 80/45, hij is grauw en zweet", EMERGENCY, None),
    ("hartslag 128 in rust", EMERGENCY, "fast_pulse"),
    ("zijn pols is 140 en voelt zwak", EMERGENCY, "fast_pulse"),
    ("HR 125, BP 100/60", EMERGENCY, "fast_pulse"),
    ("heart rate of 130 while sitting on the sofa", EMERGENCY, "fast_pulse"),
    ("RR 85/50 bij mijn moeder", EMERGENCY, "low_blood_pressure"),
    ("bloeddruk 85 over 50", EMERGENCY, "low_blood_pressure"),
    ("de bloeddruk is gezakt naar 78/40", EMERGENCY, "low_blood_pressure"),
    ("blood pressure is 82/48 on the home monitor", EMERGENCY, "low_blood_pressure"),
    ("bovendruk 85", EMERGENCY, "low_blood_pressure"),
    ("sat 86", EMERGENCY, "low_saturation"),
    ("saturatie 88% met de meter van de apotheek", EMERGENCY, "low_saturation"),
    ("zuurstof is 87 procent", EMERGENCY, "low_saturation"),
    ("her oxygen is 85%", EMERGENCY, "low_saturation"),
    ("sats 84 on room air", EMERGENCY, "low_saturation"),
    ("SpO2 89", EMERGENCY, "low_saturation"),
    ("O2 88", EMERGENCY, "low_saturation"),
    ("AH 34/min", EMERGENCY, "fast_breathing"),
    ("ademfrequentie 32", EMERGENCY, "fast_breathing"),
    ("breathing rate is 35 a minute", EMERGENCY, "fast_breathing"),
    ("RR 32/min en hulpademhalingsspieren", EMERGENCY, "fast_breathing"),
    ("hij is grauw en zweet heel erg", EMERGENCY, "shock"),
    ("ze ziet grauw en is klam", EMERGENCY, "shock"),
    ("he's grey and sweaty", EMERGENCY, "shock"),
    ("her pulse is really fast and weak", EMERGENCY, "fast_pulse"),
    ("zijn pols is snel en zwak", EMERGENCY, "fast_pulse"),
    ("hypotensief en tachycard na de operatie", EMERGENCY, None),
]

# Normal values say nothing by themselves; numbers that are not values are not read.
NORMAL_VALUES = [
    "RR 130/75, pols 80, sat 97%",
    "bloeddruk 125 over 80, hartslag 72",
    "pols 88 en saturatie 96 procent",
    "BP 118/76 and heart rate 64",
    "sats 98 on room air",
    "ademfrequentie 16",
    "mijn hartslag was 130 tijdens het fietsen",
    "mijn vader is 86 en de saturatiemeter is kapot",
    "bel me op 06 12 34 56 78",
    "GCS 15, helder",
    "de afspraak is op 12/3 om 9:30",
    "kamer 85 op afdeling 7",
]

# A: swelling of lips, tongue or throat with breathing trouble (anaphylaxis).
ANAPHYLAXIS = [
    ("haar tong en lippen zwellen op sinds de nieuwe tabletten en ze krijgt moeilijk lucht", EMERGENCY, None),
    ("mijn lippen worden dik en ik word benauwd", EMERGENCY, "anaphylaxis"),
    ("mijn tong voelt dik en mijn keel zit dicht", EMERGENCY, "throat_swelling"),
    ("zijn keel zwelt op na het antibioticum", EMERGENCY, "throat_swelling"),
    ("my lips are swelling up and I'm wheezing", EMERGENCY, "anaphylaxis"),
    ("her tongue is swollen and she can hardly breathe", EMERGENCY, None),
    ("my throat feels like it's closing up", EMERGENCY, "throat_swelling"),
    ("mijn lippen zijn opgezwollen sinds de nieuwe pillen", URGENT, "lip_swelling"),
    ("my face and lips are swollen since the new antibiotic", URGENT, "lip_swelling"),
]

# C: bleeding that soaks through, keeps coming, fills the drain; vomiting much blood.
BLEEDING = [
    ("het pleister is helemaal doorgebloed en ook de theedoek eronder is rood, het blijft maar komen", EMERGENCY, None),
    ("het verband is doorgebloed", EMERGENCY, "heavy_bleeding"),
    ("het bloed komt door het verband heen", EMERGENCY, "heavy_bleeding"),
    ("de handdoek is helemaal rood van het bloed", EMERGENCY, "heavy_bleeding"),
    ("de drainzak loopt vol met helderrood bloed", EMERGENCY, "heavy_bleeding"),
    ("het bloed drupt op de vloer", EMERGENCY, "heavy_bleeding"),
    ("the dressing is soaked through with blood", EMERGENCY, "heavy_bleeding"),
    ("blood has soaked through two towels", EMERGENCY, "heavy_bleeding"),
    ("the drain bag keeps filling up with blood", EMERGENCY, "heavy_bleeding"),
    ("my dad just threw up a big bowl of bright red blood", EMERGENCY, "vomiting_blood"),
    ("ze heeft een hele kom vol bloed overgegeven", EMERGENCY, None),
    ("hij braakte iets dat op koffiedik leek", EMERGENCY, "vomiting_blood"),
    ("vomited what looked like coffee grounds", EMERGENCY, "vomiting_blood"),
    ("hematemesis sinds een uur", EMERGENCY, "heavy_bleeding"),
    ("ik bloed uit het gaatje van de punctie", URGENT, "wound_infection"),
    ("de prikplek van de punctie bloedt een beetje", URGENT, "wound_infection"),
    ("er komt wat bloed uit de drainplek", URGENT, None),
    ("the puncture site is oozing a bit of blood", URGENT, None),
]

# C: chest pressure into jaw or arm.
CHEST = [
    ("crushing pressure in my chest going up into my jaw", EMERGENCY, "chest_pain"),
    ("het voelt alsof er een olifant op mijn borst staat", EMERGENCY, "chest_pain"),
    ("a heavy weight on my chest and my left arm feels odd", EMERGENCY, "chest_pain"),
    ("there's a tight band around my chest", EMERGENCY, "chest_pain"),
    ("het knijpt in mijn borst en het trekt naar mijn kaak", EMERGENCY, "chest_pain"),
    ("plots thoraxpijn en dyspneu", EMERGENCY, "chest_pain"),
    ("squeezing in my chest and sweating", EMERGENCY, "chest_pain"),
    ("I think I'm having a heart attack", EMERGENCY, "chest_pain"),
    ("I have a pain in the neck and down my left arm", URGENT, "pain"),
]

# Suicidal plans.
SUICIDAL = [
    ("I have collected all my pills and I am going to take them all tonight", EMERGENCY, "suicidal"),
    ("I've been saving my painkillers", EMERGENCY, "suicidal"),
    ("ik spaar al weken mijn pijnstillers op", EMERGENCY, "suicidal"),
    ("ik heb al mijn slaappillen verzameld", EMERGENCY, "suicidal"),
    ("I'm stockpiling my tablets", EMERGENCY, "suicidal"),
    ("ik ga ze vannacht allemaal innemen", EMERGENCY, "suicidal"),
]

# SEH: black tarry stool alone; a swollen, red, warm, painful calf (DVT).
SEH_CASES = [
    ("mijn ontlasting is zwart als teer", SEH, "black_stool"),
    ("poep is pikzwart en plakt", SEH, "black_stool"),
    ("ik heb zwarte ontlasting, voel me verder prima", SEH, "black_stool"),
    ("melaena sinds vanochtend", SEH, "black_stool"),
    ("my poo has turned black like tar", SEH, "black_stool"),
    ("stools are black and sticky", SEH, "black_stool"),
    ("tarry black stool this morning", SEH, "black_stool"),
    ("sinds gisteren zwarte, plakkerige ontlasting", SEH, "black_stool_sentence"),
    ("de poep die hij vanochtend had was weer helemaal zwart", SEH, "black_stool_sentence"),
    ("his bowel movement this morning was completely black", SEH, "black_stool_sentence"),
    ("mijn kuit is dik en rood", SEH, "calf_dvt"),
    ("mijn linkerkuit is opgezet, warm en gevoelig", SEH, "calf_dvt"),
    ("de kuit van mijn vader is gezwollen en doet pijn", SEH, "calf_dvt"),
    ("DIKKE RODE KUIT", SEH, "calf_dvt"),
    ("my calf is swollen, hot and sore", SEH, "calf_dvt"),
    ("her lower leg is red and swollen since yesterday", SEH, "calf_dvt"),
    ("ik denk dat ik een stolsel in mijn been heb", SEH, "dvt"),
    ("vermoeden DVT rechterkuit", SEH, "dvt"),
    ("I think I have a blood clot in my leg", SEH, "dvt"),
    ("mijn been is dik en rood geworden", SEH, "dvt"),
]

# Urgent: retention, a belly that keeps swelling, diarrhoea, not even a sip, breathlessness on exertion,
# clinical words.
URGENT_CASES = [
    ("er zit bloed bij mijn ontlasting", URGENT, "blood_in_stool"),
    ("bright red blood when I poo", URGENT, "blood_in_stool"),
    ("ik moet heel nodig plassen maar er komt niks", URGENT, "cannot_urinate"),
    ("ik kan niet plassen terwijl ik wel moet", URGENT, "cannot_urinate"),
    ("urineretentie sinds vanochtend", URGENT, "cannot_urinate"),
    ("mijn blaas zit vol maar het lukt niet", URGENT, "cannot_urinate"),
    ("haven't been able to pee since this morning", URGENT, "cannot_urinate"),
    ("I need to wee but nothing comes out", URGENT, "cannot_urinate"),
    ("mijn broek gaat niet meer dicht, mijn buik wordt steeds dikker", URGENT, "swollen_belly"),
    ("mijn buik blijft maar groeien", URGENT, "swollen_belly"),
    ("ik zie eruit alsof ik zwanger ben", URGENT, "swollen_belly"),
    ("buikomvang neemt toe, vermoedelijk ascites", URGENT, "swollen_belly"),
    ("my tummy keeps swelling up", URGENT, "swollen_belly"),
    ("my trousers won't button up anymore, my belly is getting bigger", URGENT, "swollen_belly"),
    ("ik kom niet van de wc af", URGENT, "diarrhoea"),
    ("ik zit elk half uur op de pot", URGENT, "diarrhoea"),
    ("I can't get off the toilet today", URGENT, "diarrhoea"),
    ("ik krijg geen slokje water binnen", URGENT, "cannot_eat_drink"),
    ("zelfs een slok water komt er weer uit", URGENT, None),
    ("I can't even keep a sip of water down", URGENT, None),
    ("po intake nihil sinds gisteren", URGENT, "cannot_eat_drink"),
    ("ik kom de trap niet meer op zonder buiten adem te raken", URGENT, "exertion_breathless"),
    ("ik ben steeds sneller buiten adem bij het traplopen", URGENT, "breathless"),
    ("I can't walk to the shop anymore without getting out of breath", URGENT, "exertion_breathless"),
    ("toenemende dyspneu d'effort", URGENT, "breathless"),
    ("dyspnoe bij geringe inspanning", URGENT, "breathless"),
    ("persisterende emesis", URGENT, "vomiting"),
    ("icterus sinds twee dagen", URGENT, "jaundice"),
    ("obstipatie, geen defecatie sinds 5 dagen", URGENT, "constipation"),
    ("no bowel movement and no flatus since Monday", URGENT, "constipation"),
]

# Look-alikes: the same words, nothing wrong with the patient's body now.
LOOKALIKES = [
    "mijn telefoon doet niet wat ik wil",
    "de computer wil niet meewerken vandaag",
    "het weer werkt niet mee",
    "ik heb per ongeluk een kopje laten vallen, kan ik een nieuwe afspraak maken",
    "het klinkt gek, maar ik mis het ziekenhuis een beetje",
    "dit klinkt misschien raar, maar mag ik drop eten?",
    "that sounds funny but can I drink coffee before the scan",
    "ik ben slap van het lachen",
    "I have been sleeping much better lately",
    "ik zie de uitslag met vertrouwen tegemoet",
    "mijn broek zit weer lekker ruim",
    "mijn bloeddruk is altijd wat aan de hoge kant, 140/90",
    "mijn hartslag is rustig, 68",
    "ik heb een pleister op de prikplek en het is droog",
    "ik slaap de laatste tijd goed",
    "mijn kuiten zijn moe van het wandelen",
    "de lepel van het medicijn is zoek",
    "kan ik mijn pillen bewaren in de koelkast?",
    "hoeveel tabletten mag ik per dag innemen?",
    "ik heb zwarte koffie gedronken voor de scan",
    "het zwarte pak past niet meer, ik ben 5 kilo aangekomen",
    "mijn ogen zijn moe van het lezen",
    "I nearly had a heart attack when I saw the bill, when is my next appointment?",
    "the waiting is killing me, any news on the scan?",
    "this form is such a pain in the neck",
    "nearly choked on my coffee when I read the letter",
    "ik zag even zwart voor mijn ogen toen ik opstond",
    "mijn oog traant een beetje, ik zie wel alles",
]

ALARMS = (
    [(text, level, None) for text, level in WHY]
    + LIMB
    + SPEECH
    + EYES
    + CONSCIOUSNESS
    + SHOCK_AND_VALUES
    + ANAPHYLAXIS
    + BLEEDING
    + CHEST
    + SUICIDAL
)
ALARMS += SEH_CASES + URGENT_CASES
