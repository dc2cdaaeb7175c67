"""Which place a U.S. post or office named in a FRUS heading stands for.

FRUS headings name posts by the country they are accredited to ("the Embassy in the
Soviet Union", "the Legation in China"); this table gives the city the post sat in, so a
record can say the telegram came from Moscow.

Provenance: the country names follow the mission names of the Office of the Historian's
*Principal Officers and Chiefs of Mission* data (HistoryAtState/pocom, commit 44d2226,
``missions-countries/``; summarised in the project's authority table
``chiefs-of-mission.tsv``), written as FRUS headings write them. The seats are the capital
cities where the U.S. mission was located in the period FRUS covers (1861–1980s), a
matter of public record; where the seat moved within that period the entry names the
usual seat of the volumes of the 1940s–60s and a note says so. Public-domain facts, typed
for despatch.
"""

from __future__ import annotations

__all__ = ["OFFICE_PLACES", "POST_SEATS", "place_of_post"]

# Country (as in "Embassy in …", without a leading "the") -> seat of the U.S. mission.
POST_SEATS: dict[str, str | None] = {
    "Afghanistan": "Kabul",
    "Albania": "Tirana",
    "Algeria": "Algiers",
    "Argentina": "Buenos Aires",
    "Australia": "Canberra",
    "Austria": "Vienna",
    "Belgium": "Brussels",
    "Bolivia": "La Paz",
    "Brazil": "Rio de Janeiro",  # Brasília from 1960 onward
    "Bulgaria": "Sofia",
    "Burma": "Rangoon",
    "Cambodia": "Phnom Penh",
    "Canada": "Ottawa",
    "Ceylon": "Colombo",
    "Chile": "Santiago",
    "China": None,  # Peking, Nanking or Chungking depending on the year
    "the Republic of China": "Taipei",  # from 1950
    "the People's Republic of China": "Peking",
    "the People’s Republic of China": "Peking",
    "Colombia": "Bogotá",
    "Costa Rica": "San José",
    "Cuba": "Havana",
    "Czechoslovakia": "Prague",
    "Denmark": "Copenhagen",
    "the Dominican Republic": "Santo Domingo",
    "Ecuador": "Quito",
    "Egypt": "Cairo",
    "the United Arab Republic": "Cairo",
    "El Salvador": "San Salvador",
    "Ethiopia": "Addis Ababa",
    "Finland": "Helsinki",
    "France": "Paris",
    "Germany": "Berlin",
    "the Federal Republic of Germany": "Bonn",
    "the German Democratic Republic": "East Berlin",
    "Ghana": "Accra",
    "Great Britain": "London",
    "Greece": "Athens",
    "Guatemala": "Guatemala City",
    "Haiti": "Port-au-Prince",
    "the Holy See": "Vatican City",
    "Honduras": "Tegucigalpa",
    "Hungary": "Budapest",
    "Iceland": "Reykjavik",
    "India": "New Delhi",
    "Indonesia": "Djakarta",
    "Iran": "Tehran",
    "Persia": "Tehran",
    "Iraq": "Baghdad",
    "Ireland": "Dublin",
    "Israel": "Tel Aviv",
    "Italy": "Rome",
    "Japan": "Tokyo",
    "Jordan": "Amman",
    "Korea": "Seoul",
    "the Republic of Korea": "Seoul",
    "Laos": "Vientiane",
    "Lebanon": "Beirut",
    "Liberia": "Monrovia",
    "Libya": "Tripoli",
    "Luxembourg": "Luxembourg",
    "Mexico": "Mexico City",
    "Morocco": "Rabat",
    "the Netherlands": "The Hague",
    "New Zealand": "Wellington",
    "Nicaragua": "Managua",
    "Norway": "Oslo",
    "Pakistan": "Karachi",  # Islamabad from the late 1960s
    "Panama": "Panama City",
    "Paraguay": "Asunción",
    "Peru": "Lima",
    "the Philippines": "Manila",
    "Poland": "Warsaw",
    "Portugal": "Lisbon",
    "Romania": "Bucharest",
    "Rumania": "Bucharest",
    "Russia": "St. Petersburg",
    "Saudi Arabia": "Jidda",
    "Siam": "Bangkok",
    "Spain": "Madrid",
    "Sudan": "Khartoum",
    "the Sudan": "Khartoum",
    "Sweden": "Stockholm",
    "Switzerland": "Bern",
    "Syria": "Damascus",
    "Thailand": "Bangkok",
    "Tunisia": "Tunis",
    "Turkey": "Ankara",
    "the Soviet Union": "Moscow",
    "the Union of Soviet Socialist Republics": "Moscow",
    "the United Kingdom": "London",
    "Uruguay": "Montevideo",
    "Venezuela": "Caracas",
    "Vietnam": "Saigon",
    "Viet-Nam": "Saigon",
    "Yugoslavia": "Belgrade",
}
# Offices in the capital or at international seats.
OFFICE_PLACES: dict[str, str] = {
    "Department of State": "Washington",
    "Department": "Washington",
    "White House": "Washington",
    "the White House": "Washington",
    "Department of Defense": "Washington",
    "Joint Chiefs of Staff": "Washington",
    "Mission at the United Nations": "New York",
    "Mission to the United Nations": "New York",
    "Delegation at the United Nations": "New York",
    "USUN": "New York",
    "Mission to the North Atlantic Treaty Organization": "Paris",
    "Office in Berlin": "Berlin",
    "Mission in Berlin": "Berlin",
}


def place_of_post(name: str) -> str | None:
    """The city a post or office stands for: ``Embassy in the Soviet Union`` → ``Moscow``.

    Consulates name their city themselves (``Consulate General at Hong Kong`` → ``Hong
    Kong``); embassies and legations name a country, looked up in ``POST_SEATS``.
    """
    name = " ".join(name.split())
    if name.lower().startswith("the "):
        name = name[4:]
    if name in OFFICE_PLACES:
        return OFFICE_PLACES[name]
    for prefix in (
        "Embassy in ", "Legation in ", "Embassy to ", "Legation to ", "Mission in ",
        "Embassy at ", "Legation at ",
    ):  # fmt: skip
        if name.startswith(prefix):
            country = name[len(prefix) :]
            if country in POST_SEATS:
                return POST_SEATS[country]
            bare = country[4:] if country.lower().startswith("the ") else country
            return POST_SEATS.get(bare, POST_SEATS.get(f"the {bare}"))
    for prefix in (
        "Consulate General at ", "Consulate General in ", "Consulate at ", "Consulate in ",
        "Consulate-General at ", "Consular Section at ", "Embassy Office at ",
        "Consulate General in the ", "Mission at ",
    ):  # fmt: skip
        if name.startswith(prefix):
            return name[len(prefix) :].split(",")[0].strip() or None
    return None
