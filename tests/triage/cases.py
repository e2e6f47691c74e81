"""The messages of the concepts beyond the folder (triage v2), each with its level and concept.

Shared by tests/triage/test_abcd.py (each message raises its concept) and test_matcher.py (every
concept has a test). Every sentence here was written for this test suite, in the style of patients
and relatives; none is from an evaluation set.
"""

from __future__ import annotations

from bot.triage.levels import Level

EMERGENCY, SEH, URGENT = Level.EMERGENCY, Level.SEH, Level.URGENT

NEW_CASES = [
    # A/B: choking, not breathing, gasping, blue lips, sudden severe breathlessness
    ("mijn moeder heeft zich verslikt in een snoepje en loopt rood aan", EMERGENCY, "not_breathing"),
    ("er zit een stuk vlees vast in zijn keel", EMERGENCY, "not_breathing"),
    ("hij hapt naar lucht en reageert amper", EMERGENCY, "not_breathing"),
    ("haar lippen zijn helemaal blauw", EMERGENCY, "not_breathing"),
    ("hij ademt bijna niet meer", EMERGENCY, "not_breathing"),
    ("ik kan nie ademe", EMERGENCY, "not_breathing"),
    ("ineens zo benauwd, ik kan bijna niet praten", EMERGENCY, "sudden_breathless"),
    ("plotseling heel erg benauwd geworden na het douchen", EMERGENCY, "sudden_breathless"),
    ("my dad is gasping and his lips look blue", EMERGENCY, "not_breathing"),
    # C: collapse, chest pain radiating, bleeding, blood, black stools with fainting, clammy
    ("het drukt op mijn borst en het trekt naar mijn linkerarm", EMERGENCY, "chest_pain"),
    ("zware druk op mijn borst sinds een kwartier", EMERGENCY, "chest_pain"),
    ("pain in my chest spreading to my jaw", EMERGENCY, "chest_pain"),
    ("ik bloed hevig", EMERGENCY, "heavy_bleeding"),
    ("het bloed uit mijn neus houdt niet op", EMERGENCY, "bleeding_not_stopping"),
    ("her wound is bleeding and it won't stop", EMERGENCY, "bleeding_not_stopping"),
    ("ik krijg haast niks naar binnen, drinken lukt nauwelijks", URGENT, "intake_fails"),
    ("ik bloed heel erg uit de wond", EMERGENCY, "heavy_bleeding"),
    ("mijn man bloedde enorm uit zijn drain", EMERGENCY, "heavy_bleeding"),
    ("het bloed stroomt uit de wond, drie theedoeken vol", EMERGENCY, "heavy_bleeding"),
    ("hij braakte bloed, een hele emmer", EMERGENCY, "heavy_bleeding"),
    ("ze hoestte bloed op vanochtend", EMERGENCY, "heavy_bleeding"),
    ("de pleister is doorweekt van bloed", EMERGENCY, "heavy_bleeding"),
    ("mijn poep is pikzwart en ik word duizelig als ik opsta", EMERGENCY, "black_stool_faint"),
    ("zwarte ontlasting sinds gisteren", SEH, "black_stool"),
    ("ze ziet lijkbleek en voelt klam aan", EMERGENCY, "shock"),
    ("he is cold and clammy and very pale", EMERGENCY, "shock"),
    # D: unconscious, seizure, confusion, stroke
    ("mijn broer is van zijn stokje gegaan", EMERGENCY, "unconscious"),
    ("hij zakte weg in zijn stoel en zegt niets", EMERGENCY, "unconscious"),
    ("ze heeft een insult, ze schokt over haar hele lichaam", EMERGENCY, "seizure"),
    ("mijn vrouw lag te schokken op de bank en reageerde niet", EMERGENCY, "seizure"),
    ("hij kreeg een toeval", EMERGENCY, "seizure"),
    ("my husband is having a fit", EMERGENCY, "seizure"),
    ("mijn moeder is opeens helemaal in de war en praat wartaal", EMERGENCY, "confusion"),
    ("pa herkent ons niet meer sinds vanmiddag", EMERGENCY, "confusion"),
    ("she is suddenly very confused", EMERGENCY, "confusion"),
    ("ik ben zo in de war, weet niet waar ik ben", EMERGENCY, "confusion"),
    ("mijn vader is erg in de war sinds vanochtend", EMERGENCY, "confusion"),
    ("zijn gezicht hangt scheef aan de linkerkant", EMERGENCY, "stroke"),
    ("ze praat met een dubbele tong en haar linkerarm is slap", EMERGENCY, "stroke"),
    ("hij kan zijn arm niet meer optillen", EMERGENCY, "stroke"),
    ("mijn vader lalt en zijn mondhoek hangt", EMERGENCY, "stroke"),
    ("I think she is having a stroke, her speech is slurred", EMERGENCY, "stroke"),
    ("ik zie ineens dubbel", EMERGENCY, "stroke"),
    ("I feel like I'm going to pass out", EMERGENCY, "unconscious"),
    # suicidal intent or plans
    ("ik wil niet meer verder, ik maak er vanavond een eind aan", EMERGENCY, "suicidal"),
    ("ik heb al mijn slaappillen ingenomen", EMERGENCY, "suicidal"),
    ("ik denk aan zelfmoord", EMERGENCY, "suicidal"),
    ("mijn vrouw wil dood, ze heeft een afscheidsbrief geschreven", EMERGENCY, "suicidal"),
    ("I want to kill myself", EMERGENCY, "suicidal"),
    # urgent beyond the folder: jaundice, wound or drain
    ("mijn huid ziet ineens geel", URGENT, "jaundice"),
    ("het oogwit is geel geworden", URGENT, "jaundice"),
    ("mijn urine is zo donker als cola", URGENT, "jaundice"),
    ("ik heb witte ontlasting", URGENT, "jaundice"),
    ("my skin is turning yellow", URGENT, "jaundice"),
    ("de wond voelt warm en is rood", URGENT, "wound_infection"),
    ("het litteken is opgezwollen", URGENT, "wound_infection"),
    ("er komt troebel vocht langs de drain", URGENT, "wound_infection"),
    ("er komt pus uit de snee", URGENT, "wound_pus"),
    ("my wound is swollen and hot", URGENT, "wound_infection"),
    # urgent beyond the folder: a swollen, hard belly
    ("mijn buik is opgezet en hard als een plank", URGENT, "swollen_belly"),
    ("my belly is hard and swollen", URGENT, "swollen_belly"),
    # urgent beyond the folder: cannot pass urine
    ("ik kan niet meer plassen", URGENT, "cannot_urinate"),
    ("sinds vanochtend lukt plassen niet meer", URGENT, "cannot_urinate"),
    ("I can't pee since this morning", URGENT, "cannot_urinate"),
    # other languages: the commonest words
    ("Ateşim var", URGENT, "other_language_fever"),
    ("bardzo boli", URGENT, "other_language_pain"),
    ("nefes alamıyor", EMERGENCY, "other_language_emergency"),
    ("mam duszność", URGENT, "other_language_breathless"),
    ("ciągle wymioty", URGENT, "other_language_vomiting_diarrhoea"),
    ("وجع في بطني", URGENT, "other_language_pain"),
    # A stoma: its output stopping, far too much, or its colour turning dark
    ("er komt al de hele dag niks meer uit mijn stoma", URGENT, "stoma_stopped"),
    ("my colostomy bag has stayed empty since Saturday", URGENT, "stoma_stopped"),
    ("zijn ileostoma loopt maar door, waterdun, elk uur legen", URGENT, "stoma_high_output"),
    ("het stoma van mijn vrouw is donkerpaars geworden", SEH, "stoma_colour"),
    # Wound signs at a port-a-cath or chemo pump
    ("de huid boven mijn port-a-cath is rood en warm", URGENT, "wound_infection"),
    # Combinations of signs, in any words and order
    ("hij zweet en ziet er heel bleek uit", EMERGENCY, "shock_signs"),
    ("mijn tong en lippen worden steeds dikker", URGENT, "mouth_swelling"),
    ("her lips and tongue are swelling and she is short of breath", EMERGENCY, "mouth_swelling_breathless"),
    ("het knijpt zo in mijn borst", EMERGENCY, "chest_pressure"),
    ("zijn huid is een beetje gelig", URGENT, "yellow_seen"),
    ("ik heb geelzucht en koude rillingen", SEH, "jaundice_fever"),
    ("mijn buik wordt elke dag boller", URGENT, "belly_growing"),
    ("I have stockpiled my painkillers", EMERGENCY, "medicine_hoarded"),
    ("bij het plassen komt er niks", URGENT, "urine_not_coming"),
    ("de ontlasting is vloeibaar", URGENT, "loose_stool"),
    ("mijn rug doet zeer en het wordt erger", URGENT, "trouble_worse"),
    ("er zat bloed bij het poepen", URGENT, "stool_blood"),
    ("hij poept bloed en wordt duizelig", EMERGENCY, "stool_blood_faint"),
    ("opeens is haar rechterarm helemaal slap", EMERGENCY, "one_side_limp"),
    ("hij is sinds vanmiddag een beetje in de war", URGENT, "confused"),
    ("er zit veel bloed in de pot en ik ben duizelig", EMERGENCY, "blood_in_stool_faint"),
    ("blood in the toilet and she looks grey", EMERGENCY, "blood_in_stool_pale"),
    ("mijn buik voelt alsof er messen in zitten", URGENT, "pain_image"),
    ("hij zit op de wc en er komt bloed uit, hij ziet lijkbleek", EMERGENCY, "stool_blood_pale"),
    ("ze klappertandt en gloeit helemaal", SEH, "rigors_hot"),
    ("ik poep alleen maar bloed", EMERGENCY, "stool_blood_heavy"),
]
