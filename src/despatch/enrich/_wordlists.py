"""Word lists the entity matcher consults: titles, cue words, common words, family names.

Kept apart from ``entities.py`` so the rules there read without pages of data. Every list
is case-sensitive and hand-made for the FRUS genre (1860s–1980s American diplomatic
English); ``data/surname-words.txt`` adds the name words that are English words.
"""

from __future__ import annotations

import re


def _words(text: str) -> list[str]:
    return text.split()


# Titles that may stand before a name, longest first (stripped from "Surname, Title Forenames").
_NAME_TITLES = sorted(
    """General of the Army|Fleet Admiral|Brigadier General|Major General|Lieutenant General
    |Vice Admiral|Rear Admiral|Lieutenant Colonel|Air Chief Marshal|Air Marshal|Field Marshal
    |Marshal of the Soviet Union|Generalissimo|General|Admiral|Colonel|Major|Captain|Commander
    |Lieutenant|Marshal|Sir|Dr.|Ambassador|Prince|Princess|King|Queen|Emperor|Sheikh|Shaikh
    |Monsignor|Reverend|Father|Madame|Mrs.|Mr.|Senator|Premier|President|Chairman
    |Prime Minister|Foreign Minister|Secretary|Vice President|Chancellor|Mayor|Governor
    |Lord|Lady|Count|Baron|Shah|Imam|Sultan|Emir|Amir|Crown Prince|Pope|Cardinal|Bishop""".replace(
        "\n", ""
    )
    .replace("    ", "")
    .split("|"),
    key=len,
    reverse=True,
)
_SUFFIXES = {"Jr.", "Sr.", "II", "III", "IV", "Jr", "Sr"}

# Words before a name that say "a person follows"; those that are also roles are matched
# against the candidates' identifications.
_CUES = frozenset(
    _words(
        """
        Mr Mrs Miss Dr Sir Madame Mme President Premier Prime Minister Secretary Ambassador
        Admiral General Generalissimo Marshal Chairman Director Senator Congressman Governor
        Chancellor King Queen Emperor Prince Consul Counselor Colonel Captain Commander
        Deputy Assistant Under Vice Chief Foreign Defense State Generalissimo Representative
        Judge Justice Bishop Cardinal Pope Shah Sultan Sheikh Chargé Attaché Lieutenant
        Major
        """
    )
)

# Capitalised common words that are also surnames: matched only after a title.
_COMMON = frozenset(
    _words(
        """
        A About After All Also An And Any Are As At Be Bell Best Black Blue Bond Boyd Brown
        Bush But By Call Can Carter Case Chance Church Clay Cook Cross Day Dean Do Down Duke
        Each East Even Fair Far Field Fields Fish Ford Fox Free Friend French Frost Gay
        Glass Gold Good Grace Grant Gray Green Grey Hall Hand Hard Hart Heart Hill Holiday
        Hope House Howe Hunt If In Is It Jay Just Justice King Knight Lake Lamb Land Lane
        Law Lay Lee Little Long Love Low Major Man March Mark Mason May Mayo Mills Miller
        More Moore Much New Noble North Now Of Or Page Park Parker Parsons Person Pierce
        Pope Post Power Price Read Reed Rich Rice River Road Rock Rose Rush Sale Say See
        Short Small Snow So South Sound Spring Staff Stone Strong Summer Swift Temple That
        The Then This Thomas Those Tower Trade Troy Turner Under Upon Very Wade Walker Wall
        Ward Warren Waters Way Well Wells West White Will Wise Wolf Wood Woods Young Acting
        Affairs Army Central Chief Commission Committee Council Defense Department Embassy
        Foreign General Government High House Mission National Navy Office Party President
        Secretary Senate State States Union United World January February April June July
        August September October November December Monday Tuesday Wednesday Thursday Friday
        Saturday Sunday The You Your Yours Our They Them Their She Her His Him Who What When
        Where Why How Which With From For Into Over Here There Not Only Such Than Yes One
        Two Three Four Five First Last Next Other Some Most Many Both Few Said Says Since
        Still Soon Though Through Until While Whom Whose Would Could Should Shall Must Might
        Again Against Among Before Between During Every Except Further However Indeed Just
        Later Like Near Never Once Perhaps Quite Rather Really Several Today Tomorrow
        Yesterday Above Below Across Along Around Behind Beyond Inside Outside Within
        Without Toward Towards Eventually Certainly Communist Communists Chinese Soviet
        American Americans British Russian Russians Mister Premier Peace War Asia Europe
        Africa America Islands Island Straits Strait Power Powers Minister Ambassador
        Admiral Chairman Director Foreign Sea Air Forces Far Middle Near Officer Officers
        Counselor Adviser Advisor Assistant Deputy Special Acting Consul Press French German
        English Dutch Italian Spanish Japanese Korean Indian Polish Swiss Swedish Turkish Greek
        Irish Scottish Welsh Canadian Mexican Cuban Australian Belgian Israeli Egyptian Arab
        Persian Thai Burmese Vietnamese Indonesian Philippine Security Pacific Atlantic
        """
    )
)

# Family names shared by very many people: a surname alone names no one in particular.
_FAMILY = frozenset(
    _words(
        """
        Chen Ch'en Wang Li Lee Chang Zhang Liu Chou Zhou Lin Huang Wu Hsu Xu Sun Ma Hu Kuo
        Guo Ho He Kao Gao Lo Luo Cheng Yang Chao Zhao Tsai Cai Kim Park Pak Choi Nguyen Tran
        Le Pham Smith Jones Johnson Williams Brown Davis Miller Wilson Taylor Anderson Thomas
        Jackson Harris Martin Thompson Robinson Clark Lewis Walker Allen Scott Adams Baker
        Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Edwards Collins Stewart
        Morris Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Bell Kelly Howard Ward
        Cox Richardson Wood Watson Brooks Bennett Gray James Hughes Price Myers Long Foster
        Sanders Ross Powell Sullivan Russell Perry Butler Barnes Fisher Henderson Coleman
        Simmons Patterson Jordan Reynolds Hamilton Graham Wallace West Cole Hayes Gibson
        Ellis Stevens Murray Ford Marshall Owens McDonald Kennedy Wells Webb Hunt Black
        """
    )
)

# Given names that are also single-name entries in the people database ("Albert").
_GIVEN = frozenset(
    _words(
        """
        Albert Alexander Alfred Andrew Arthur Charles David Edward Francis Frederick George
        Harold Henry Hugh Isabella James John Joseph Louis Mary Michael Nicholas Paul Peter
        Philip Richard Robert Thomas Victor Victoria William
        """
    )
)

_ORG_WORDS = re.compile(
    r"\b(Department|Bureau|Office|Committee|Council|Agency|Organization|Organisation|"
    r"Commission|Mission|Nations|Command|Staff|Party|Association|Administration|Board|"
    r"Service|Force|Forces|Fleet|Army|Navy|Congress|Senate|Treaty|Pact|Union|Bank|Fund)\b"
)
_ORGS = (
    ("Department of State", "Department of State"),
    ("State Department", "Department of State"),
    ("United Nations", "United Nations"),
    ("Security Council", "United Nations Security Council"),
    ("General Assembly", "United Nations General Assembly"),
    ("Joint Chiefs of Staff", "Joint Chiefs of Staff"),
    ("National Security Council", "National Security Council"),
    ("Central Intelligence Agency", "Central Intelligence Agency"),
    ("Communist Party of the Soviet Union", "Communist Party of the Soviet Union"),
    ("Chinese Communist Party", "Chinese Communist Party"),
    ("Communist party of China", "Chinese Communist Party"),
    ("Kuomintang", "Kuomintang (Nationalist Party of China)"),
    ("Seventh Fleet", "United States Seventh Fleet"),
    ("North Atlantic Treaty Organization", "North Atlantic Treaty Organization"),
)
_TWO_LETTER_WORDS = frozenset(
    _words(
        """
        AM AN AS AT BE BY DO GO HE IF IN IS IT ME MY NO OF OH ON OR SO TO UP US WE
        """
    )
)
_TELEGRAPHESE = frozenset(
    _words(
        """
        reftel urtel ourtel mytel infotel reourtel deptel embtel septel
        """
    )
)
_TERM_STOP = frozenset(
    _words(
        """
        Committee Office Minister Foreign Relations Ser Agency Department Chief
        """
    )
)
_HONORIFICS = frozenset({"Mr", "Mrs", "Miss", "Dr", "Sir", "Madame", "Mme", "Mister"})
