"""Messages in the languages the bot does not read, written for this test suite (none is from an
evaluation set), as people type them: lower case, no accents, Moroccan Arabic in Latin letters with
digits, Dutch mixed in. Each alarm has the level the Dutch concepts give the same complaint.

Used by tests/triage/test_other_languages.py (triage and replies) and test_matcher.py (every concept
has a test).
"""

from __future__ import annotations

from bot.triage.levels import Level

EMERGENCY, SEH, URGENT, NONE = Level.EMERGENCY, Level.SEH, Level.URGENT, Level.NONE
EMERG, HIGH_FEVER, FEVER = "other_language_emergency", "other_language_high_fever", "other_language_fever"
PAIN, BREATH, VOMIT = "other_language_pain", "other_language_breathless", "other_language_vomiting_diarrhoea"
BLEED, JAUNDICE = "other_language_bleeding", "other_language_jaundice"

# (language, message, level, a concept that must be found)
OTHER_LANGUAGE_ALARMS: list[tuple[str, str, Level, str]] = [
    # Turkish
    ("tr", "annem bayildi uyanmiyor", EMERGENCY, EMERG),
    ("tr", "babam nefes alamiyor lutfen yardim edin", EMERGENCY, EMERG),
    ("tr", "esim yere dustu ve tepki vermiyor", EMERGENCY, EMERG),
    ("tr", "babam kan kusuyor", EMERGENCY, EMERG),
    ("tr", "cok yuksek ates var annemde", SEH, HIGH_FEVER),
    ("tr", "atesim 39.6", SEH, FEVER),
    ("tr", "dunden beri atesim var", URGENT, FEVER),
    ("tr", "karnim cok agriyor", URGENT, PAIN),
    ("tr", "ameliyat yerinde sanci var", URGENT, PAIN),
    ("tr", "sabahtan beri kusuyorum", URGENT, VOMIT),
    ("tr", "3 gundur ishalim", URGENT, VOMIT),
    ("tr", "nefesim daraliyor", URGENT, BREATH),
    ("tr", "yaradan kanama var", URGENT, BLEED),
    ("tr", "babamin gozleri sari oldu", URGENT, JAUNDICE),
    # Moroccan Arabic in Latin letters (Arabizi)
    ("ary", "bba t7 f l7mam w makayfi9ch", EMERGENCY, EMERG),
    ("ary", "khti sekhfat f lkouzina", EMERGENCY, EMERG),
    ("ary", "ma n9derch ntnfs mn lbar7", EMERGENCY, EMERG),
    ("ary", "mama makatjawebch 3liya", EMERGENCY, EMERG),
    ("ary", "rajli kaytle3 lih dem bzaf mn jr7", EMERGENCY, EMERG),
    ("ary", "kerchi katdorni bzaf mn lbar7", URGENT, PAIN),
    ("ary", "rasi fih sda3 khayb", URGENT, PAIN),
    ("ary", "3ndi s5ana w kanrejja3", URGENT, FEVER),
    ("ary", "sskhana tal3a 39.5", SEH, FEVER),
    ("ary", "kan7ess b di9a f sdri", URGENT, BREATH),
    ("ary", "kerchi jarya mn lbar7", URGENT, VOMIT),
    ("ary", "jr7 kaynzef", URGENT, BLEED),
    ("ary", "3inih sfer bzaf", URGENT, JAUNDICE),
    # Moroccan Arabic and Arabic in Arabic letters
    ("ar", "امي مغمى عليها", EMERGENCY, EMERG),
    ("ar", "ابي لا يتنفس", EMERGENCY, EMERG),
    ("ary", "ماكتفيقش", EMERGENCY, EMERG),
    ("ar", "عندي حرارة مرتفعة", SEH, HIGH_FEVER),
    ("ary", "عندي السخانة", URGENT, FEVER),
    ("ar", "عندي ألم شديد في بطني", URGENT, PAIN),
    ("ary", "كرشي كتوجعني بزاف", URGENT, PAIN),
    ("ar", "عندي ضيق في التنفس", URGENT, BREATH),
    ("ar", "عندي اسهال من البارح", URGENT, VOMIT),
    ("ar", "الجرح ينزف", URGENT, BLEED),
    ("ar", "عيونه صفراء", URGENT, JAUNDICE),
    # Polish
    ("pl", "mama zemdlala i nie mozna jej obudzic", EMERGENCY, EMERG),
    ("pl", "tata nie oddycha", EMERGENCY, EMERG),
    ("pl", "mam goraczke 39,4", SEH, FEVER),
    ("pl", "bardzo boli mnie brzuch po operacji", URGENT, PAIN),
    ("pl", "ciagle wymiotuje od rana", URGENT, VOMIT),
    ("pl", "mam biegunke od wczoraj", URGENT, VOMIT),
    ("pl", "ciezko mi oddychac", URGENT, BREATH),
    ("pl", "rana krwawi", URGENT, BLEED),
    ("pl", "mam zolte oczy", URGENT, JAUNDICE),
    # German
    ("de", "meine mutter ist bewusstlos", EMERGENCY, EMERG),
    ("de", "mein mann atmet nicht mehr", EMERGENCY, EMERG),
    ("de", "ich habe hohes fieber", SEH, HIGH_FEVER),
    ("de", "ich habe starke bauchschmerzen", URGENT, PAIN),
    ("de", "ich muss mich standig ubergeben", URGENT, VOMIT),
    ("de", "seit gestern durchfall", URGENT, VOMIT),
    ("de", "ich bekomme schlecht luft, atemnot", URGENT, BREATH),
    ("de", "die wunde blutet", URGENT, BLEED),
    ("de", "meine augen sind gelb", URGENT, JAUNDICE),
    # French
    ("fr", "ma mere est tombee et ne se reveille pas", EMERGENCY, EMERG),
    ("fr", "mon mari a perdu connaissance", EMERGENCY, EMERG),
    ("fr", "il respire plus vite venez", EMERGENCY, EMERG),
    ("fr", "j'ai de la fievre", URGENT, FEVER),
    ("fr", "j'ai 39 de fievre", SEH, FEVER),
    ("fr", "j'ai tres mal au ventre depuis l'operation", URGENT, PAIN),
    ("fr", "je vomis tout ce que je mange", URGENT, VOMIT),
    ("fr", "je suis essoufflee au moindre effort", URGENT, BREATH),
    ("fr", "la cicatrice saigne", URGENT, BLEED),
    ("fr", "ses yeux sont jaunes", URGENT, JAUNDICE),
    # Spanish
    ("es", "mi madre se desmayo y no despierta", EMERGENCY, EMERG),
    ("es", "no puede respirar", EMERGENCY, EMERG),
    ("es", "tengo fiebre alta", SEH, HIGH_FEVER),
    ("es", "me duele mucho la barriga", URGENT, PAIN),
    ("es", "estoy vomitando desde anoche", URGENT, VOMIT),
    ("es", "me falta el aire", URGENT, BREATH),
    ("es", "la herida esta sangrando", URGENT, BLEED),
    ("es", "tiene los ojos amarillos", URGENT, JAUNDICE),
    # Portuguese
    ("pt", "minha mae desmaiou e nao acorda", EMERGENCY, EMERG),
    ("pt", "ele nao consegue respirar", EMERGENCY, EMERG),
    ("pt", "estou com febre", URGENT, FEVER),
    ("pt", "estou com muita dor de barriga", URGENT, PAIN),
    ("pt", "tenho diarreia e vomitos", URGENT, VOMIT),
    ("pt", "falta de ar desde ontem", URGENT, BREATH),
    ("pt", "os olhos amarelos", URGENT, JAUNDICE),
    # Papiamento
    ("pap", "mi mama a desmaya", EMERGENCY, EMERG),
    ("pap", "e no por hala rosea", EMERGENCY, EMERG),
    ("pap", "mi tin keintura", URGENT, FEVER),
    ("pap", "mi tin hopi dolo na mi barika", URGENT, PAIN),
    ("pap", "mi ta gumita henter dia", URGENT, VOMIT),
    # Sranan Tongo
    ("srn", "mi e firi korsu", URGENT, FEVER),
    ("srn", "mi bere e hati mi", URGENT, PAIN),
    ("srn", "a wondu e brudu", URGENT, BLEED),
    # Tarifit
    ("rif", "ghari tawla", URGENT, FEVER),
    # Russian
    ("ru", "мама потеряла сознание", EMERGENCY, EMERG),
    ("ru", "он не дышит", EMERGENCY, EMERG),
    ("ru", "у меня температура 39,5", SEH, FEVER),
    ("ru", "у меня температура", URGENT, FEVER),
    ("ru", "сильно болит живот", URGENT, PAIN),
    ("ru", "рвота с утра", URGENT, VOMIT),
    ("ru", "тяжело дышать", URGENT, BREATH),
    ("ru", "рана кровоточит", URGENT, BLEED),
    ("ru", "жёлтые глаза", URGENT, JAUNDICE),
    # Ukrainian
    ("uk", "мама знепритомніла", EMERGENCY, EMERG),
    ("uk", "не можу дихати", EMERGENCY, EMERG),
    ("uk", "у мене температура", URGENT, FEVER),
    ("uk", "болить живіт після операції", URGENT, PAIN),
    ("uk", "пронос другий день", URGENT, VOMIT),
    ("uk", "жовті очі", URGENT, JAUNDICE),
    # Dutch mixed in
    ("nl+ary", "mijn moeder heeft s5ana en kerchi katdorni", URGENT, FEVER),
    ("nl+ary", "mama is tay7at en makatfi9ch", EMERGENCY, EMERG),
    ("nl+tr", "ik heb atesim 39", SEH, FEVER),
    ("nl+fr", "hij is gevallen, ne respire pas", EMERGENCY, EMERG),
]

# A fall on its own is no alarm, as in Dutch ("mijn moeder is gevallen en kan niet opstaan"): these get
# the safety net (spoed lines and 112), not an alarm reply.
FALLS: list[tuple[str, str]] = [
    ("tr", "annem dustu kalkamiyor"),
    ("ary", "mama tay7at w ma 9adrach tno9ad"),
    ("pl", "tata upadl i nie moze wstac"),
    ("de", "mein vater ist gesturzt und kommt nicht hoch"),
    ("fr", "mon pere est tombe, il n'arrive pas a se relever"),
]

# Ordinary messages in those languages: no alarm.
OTHER_LANGUAGE_BENIGN: list[tuple[str, str]] = [
    ("fr", "j'ai une question sur l'operation"),
    ("fr", "merci beaucoup"),
    ("fr", "bonjour, a quelle heure est mon rendez-vous?"),
    ("fr", "je voudrais parler a l'infirmiere"),
    ("fr", "la temperature est normale"),
    ("tr", "tesekkur ederim"),
    ("tr", "merhaba, randevum ne zaman?"),
    ("ary", "shukran"),
    ("ary", "salam, wach kayn chi rendez-vous ghda?"),
    ("ary", "lah y7fdek, shokran bzaf"),
    ("ary", "ghda 3ndi rendez-vous m3a tbib"),
    ("pl", "dziekuje bardzo"),
    ("pl", "dzien dobry, kiedy mam wizyte?"),
    ("de", "danke schon"),
    ("de", "wann ist mein termin?"),
    ("es", "gracias por la informacion"),
    ("es", "muchas gracias doctor"),
    ("pt", "obrigado pela ajuda"),
    ("pap", "bon dia, kon ta bai?"),
    ("pap", "masha danki"),
    ("srn", "grantangi"),
    ("srn", "fa waka?"),
    ("rif", "azul, tanemmirt"),
    ("ru", "спасибо большое"),
    ("uk", "дякую"),
    ("ar", "شكرا جزيلا"),
    ("ar", "متى موعدي؟"),
]

# Dutch and English messages with words that look like the other languages' alarm words, or with a
# digit inside a word: no alarm.
LOOKALIKES: list[str] = [
    "ik kan morgen niet komen",
    "mijn moeder wacht op de uitslag",
    "mijn nicht brengt me naar het ziekenhuis",
    "ik heb een bol wol gekocht voor mijn kleindochter",
    "wat een malle vraag, sorry",
    "ik ben blut na al die parkeerkosten",
    "mijn dochter Sara komt mee naar de afspraak",
    "mijn buurvrouw Dolores rijdt me naar de poli",
    "ze draagt een sari op de bruiloft",
    "ik ga pas volgende week naar de poli",
    "ma komt morgen langs",
    "de kat slaapt de hele dag",
    "Mijn afspraak is om 10.30 op de 2de verdieping",
    "ik heb 3x gebeld maar niemand nam op",
    "moet ik een covid19 test doen voor de operatie?",
    "ik w8 op de uitslag",
    "is de MRI in zaal b6?",
    "kost parkeren 5euro per uur?",
    "I read about agriculture in the paper",
    "Tell dem I'm coming tomorrow",
    "de tafel staat in de gang",
    "mijn kleinzoon speelt met zijn bal",
    "kan mijn man mee naar de uitslag?",
    "we hadden gisteren een gezellige avond",
    "de fiets van mijn zoon staat in de gang",
]
