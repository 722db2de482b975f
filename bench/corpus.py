"""Seeded generator of synthetic international-affairs articles in the press-export layout.

Owns the benchmark corpus: ``generate(count, words, seed)`` yields ``(file name, file text)`` pairs laid
out like ``examples/`` (masthead, optional date line, headline, byline, body, trailing category lines), so
that ``tidings ingest`` and bare ``nlp.pipe`` can be timed on the same realistic text at any scale.

Articles are assembled from sentence pools written for tidings: fictional people (names drawn per country
from small name pools) acting for real countries and institutions, with direct, indirect and mixed quotes,
pronoun speakers, unnamed officials, agency attributions, relative dates, datelines, historical mentions,
negation and modality. The text is for measuring speed and memory; it is not gold data for accuracy.

Reproducible: article ``i`` depends only on ``(seed, i, words)``, so the first N articles of a larger run are
the same as a run of N. Standard library only.

    python bench/corpus.py OUTDIR --count 10000 --words 400 --seed 0
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

# Each article's length is drawn around the requested word count so that documents are not all the same
# size (spaCy batching behaves differently on uniform input). ±20 % matches the spread in examples/.
LENGTH_SPREAD = 0.2
# Words the body runs past the loop's stopping point (half a paragraph on average, plus the closing
# line); measured on 2,000 generated articles at 100, 400 and 700 words so that the mean body length
# matches --words.
CLOSING_ALLOWANCE = 26
# Shares of articles that carry optional layout features; chosen to resemble the hand-written examples/
# corpus (3 of 25 with a date line, 4 of 25 with a page break, 5 of 25 with curly quotes, 1 with NBSP).
DATE_LINE_SHARE = 0.10
PAGE_BREAK_SHARE = 0.15
CURLY_QUOTES_SHARE = 0.25
NBSP_SHARE = 0.05
DATELINE_SHARE = 0.6
# Publication dates are spread over this range.
FIRST_DATE = date(2022, 1, 1)
DATE_SPAN_DAYS = 3 * 365

T = TypeVar("T")

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# --- people -------------------------------------------------------------------------------------------
# name pool: (male given names, female given names, family names, family name first?)
NAME_POOLS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]] = {
    "en": (
        ("James", "Daniel", "Thomas", "Michael", "Andrew", "Peter", "Robert", "Colin"),
        ("Sarah", "Helen", "Rachel", "Margaret", "Emily", "Fiona", "Laura", "Susan"),
        (
            "Whitfield",
            "Ashworth",
            "Hollis",
            "Bradshaw",
            "Pennington",
            "Caldwell",
            "Marlowe",
            "Finch",
            "Harrington",
            "Blake",
        ),
        False,
    ),
    "fr": (
        ("Laurent", "Olivier", "Mathieu", "Étienne", "Julien", "Bertrand"),
        ("Claire", "Sophie", "Hélène", "Camille", "Nathalie", "Agnès"),
        ("Moreau", "Gauthier", "Lefebvre", "Rousseau", "Delacroix", "Marchand", "Fabre", "Lambert"),
        False,
    ),
    "de": (
        ("Jürgen", "Matthias", "Stefan", "Tobias", "Klaus", "Florian"),
        ("Katrin", "Ulrike", "Anja", "Sabine", "Miriam", "Johanna"),
        ("Vogelsang", "Brandt", "Hoffmeister", "Keller", "Lindner", "Engel", "Reuter", "Albrecht"),
        False,
    ),
    "es": (
        ("Alejandro", "Ricardo", "Javier", "Andrés", "Mauricio", "Sergio"),
        ("Camila", "Yolanda", "Lucía", "Valentina", "Marisol", "Patricia"),
        ("Restrepo", "Castillo", "Mendoza", "Salcedo", "Quintero", "Herrera", "Ibáñez", "Ortega"),
        False,
    ),
    "pt": (
        ("Ricardo", "João", "Paulo", "Tiago", "Marcelo"),
        ("Ana", "Beatriz", "Fernanda", "Luísa", "Mariana"),
        ("Mendes", "Carvalho", "Teixeira", "Barros", "Figueiredo", "Moura", "Pacheco"),
        False,
    ),
    "ru": (
        ("Grigory", "Dmitry", "Oleg", "Nikolai", "Pavel", "Viktor"),
        ("Yelena", "Irina", "Svetlana", "Tatyana", "Natalia"),
        ("Lebedev", "Sokolov", "Vinogradov", "Belov", "Zaitsev", "Orlov", "Gusev", "Kuzmin"),
        False,
    ),
    "uk": (
        ("Oleh", "Taras", "Bohdan", "Andriy", "Yurii"),
        ("Iryna", "Oksana", "Halyna", "Olena", "Yulia"),
        ("Marchenko", "Savchuk", "Kovalenko", "Bondar", "Tkachuk", "Hnatyuk", "Melnyk"),
        False,
    ),
    "pl": (
        ("Tomasz", "Marek", "Piotr", "Krzysztof", "Paweł"),
        ("Katarzyna", "Agnieszka", "Magdalena", "Joanna", "Ewa"),
        ("Zieliński", "Wójcik", "Kaczmarek", "Nowicki", "Pawlak", "Sikora", "Dąbrowski"),
        False,
    ),
    "tr": (
        ("Kemal", "Selim", "Murat", "Emre", "Burak", "Orhan"),
        ("Leyla", "Zeynep", "Elif", "Aylin", "Derya"),
        ("Aydın", "Korkmaz", "Karaca", "Yıldırım", "Özkan", "Demirel", "Polat", "Aksoy"),
        False,
    ),
    "ar": (
        ("Haidar", "Osman", "Khaled", "Tarek", "Youssef", "Nabil", "Faisal", "Omar"),
        ("Rania", "Layla", "Nour", "Huda", "Salma", "Dina"),
        (
            "al-Mashhadani",
            "Babiker",
            "Haddad",
            "al-Qadhi",
            "Mansour",
            "el-Sayed",
            "Khalil",
            "Nasser",
            "al-Amiri",
            "Farouk",
        ),
        False,
    ),
    "fa": (
        ("Mehdi", "Reza", "Hossein", "Saeed", "Kamran"),
        ("Maryam", "Shirin", "Nasrin", "Leila"),
        ("Farahani", "Rostami", "Karimi", "Tehrani", "Ghasemi", "Mousavi-Nia"),
        False,
    ),
    "he": (
        ("Avner", "Yoav", "Eitan", "Noam", "Gilad"),
        ("Tamar", "Michal", "Noa", "Yael"),
        ("Lavi", "Ben-Ami", "Shaked", "Carmeli", "Ofer", "Peretz-Dror"),
        False,
    ),
    "ea": (
        ("David", "Joseph", "Samuel", "Peter", "Daniel", "Emmanuel"),
        ("Amina", "Grace", "Wanjiru", "Faith", "Achieng", "Neema"),
        ("Otieno", "Kamau", "Mwangi", "Okello", "Mbemba", "Kabongo", "Nsengiyumva", "Mutua"),
        False,
    ),
    "wa": (
        ("Chinedu", "Kwame", "Ibrahim", "Oluwaseun", "Abdoulaye", "Hamidou"),
        ("Ngozi", "Aisha", "Abena", "Folake", "Mariam"),
        ("Okafor", "Mensah", "Adeyemi", "Sanda", "Traoré", "Boateng", "Nwosu", "Diallo"),
        False,
    ),
    "zh": (
        ("Minghui", "Jianguo", "Wei", "Haoran", "Zhiqiang"),
        ("Xiaoling", "Meiling", "Yan", "Huifang"),
        ("Zhao", "Wang", "Liu", "Chen", "Sun", "Gao", "Lin"),
        True,
    ),
    "ja": (
        ("Hiroshi", "Kenji", "Takashi", "Daisuke", "Satoshi"),
        ("Yuko", "Akiko", "Naomi", "Mariko"),
        ("Nakamura", "Takeda", "Morimoto", "Kawaguchi", "Fujisaki", "Ishikawa"),
        False,
    ),
    "ko": (
        ("Jae-won", "Min-ho", "Sung-jin", "Dong-hyun"),
        ("Ji-yeon", "Hye-jin", "Soo-ah", "Eun-ji"),
        ("Park", "Kim", "Choi", "Yoon", "Han", "Jung"),
        True,
    ),
    "sa": (
        ("Rohan", "Arjun", "Vikram", "Imran", "Farhan", "Sanjay"),
        ("Priya", "Anjali", "Sana", "Meera", "Ayesha"),
        ("Persaud", "Sharma", "Qureshi", "Menon", "Rathore", "Chaudhry", "Iyer"),
        False,
    ),
    "sea": (
        ("Ramon", "Somsak", "Anucha", "Budi", "Tran", "Arief"),
        ("Siti", "Dewi", "Maria", "Pimchanok", "Linh", "Rosario"),
        ("Villanueva", "Vongsa", "Saengthong", "Anggraini", "Santoso", "Nguyen", "Reyes", "Rahman"),
        False,
    ),
}


# --- places and institutions -------------------------------------------------------------------------
@dataclass(frozen=True)
class Country:
    name: str  # as used mid-sentence ("the United States")
    adjective: str  # "American"
    capital: str
    city: str  # a second city for datelines and events
    names: str  # key into NAME_POOLS
    agency: str  # state or national agency that quotes its officials


COUNTRIES: tuple[Country, ...] = (
    Country("the United States", "US", "Washington", "New York", "en", "Reuters"),
    Country("Britain", "British", "London", "Manchester", "en", "PA Media"),
    Country("Canada", "Canadian", "Ottawa", "Montreal", "en", "The Canadian Press"),
    Country("Australia", "Australian", "Canberra", "Sydney", "en", "AAP"),
    Country("France", "French", "Paris", "Marseille", "fr", "AFP"),
    Country("Belgium", "Belgian", "Brussels", "Antwerp", "fr", "Belga"),
    Country("Germany", "German", "Berlin", "Munich", "de", "dpa"),
    Country("Austria", "Austrian", "Vienna", "Graz", "de", "APA"),
    Country("Spain", "Spanish", "Madrid", "Barcelona", "es", "EFE"),
    Country("Colombia", "Colombian", "Bogotá", "Cali", "es", "EFE"),
    Country("Venezuela", "Venezuelan", "Caracas", "Maracaibo", "es", "EFE"),
    Country("Mexico", "Mexican", "Mexico City", "Monterrey", "es", "EFE"),
    Country("Brazil", "Brazilian", "Brasília", "São Paulo", "pt", "Reuters"),
    Country("Russia", "Russian", "Moscow", "St Petersburg", "ru", "TASS"),
    Country("Belarus", "Belarusian", "Minsk", "Brest", "ru", "BelTA"),
    Country("Ukraine", "Ukrainian", "Kyiv", "Odesa", "uk", "Ukrinform"),
    Country("Poland", "Polish", "Warsaw", "Kraków", "pl", "PAP"),
    Country("Turkey", "Turkish", "Ankara", "Istanbul", "tr", "Anadolu news agency"),
    Country("Azerbaijan", "Azerbaijani", "Baku", "Ganja", "tr", "Reuters"),
    Country("Egypt", "Egyptian", "Cairo", "Alexandria", "ar", "MENA"),
    Country("Saudi Arabia", "Saudi", "Riyadh", "Jeddah", "ar", "SPA"),
    Country("Iraq", "Iraqi", "Baghdad", "Basra", "ar", "the Iraqi News Agency"),
    Country("Jordan", "Jordanian", "Amman", "Aqaba", "ar", "Petra"),
    Country("Sudan", "Sudanese", "Khartoum", "Port Sudan", "ar", "SUNA"),
    Country("Qatar", "Qatari", "Doha", "Al Wakrah", "ar", "QNA"),
    Country("Iran", "Iranian", "Tehran", "Isfahan", "fa", "IRNA"),
    Country("Israel", "Israeli", "Jerusalem", "Tel Aviv", "he", "Reuters"),
    Country("Kenya", "Kenyan", "Nairobi", "Mombasa", "ea", "Reuters"),
    Country("Ethiopia", "Ethiopian", "Addis Ababa", "Bahir Dar", "ea", "ENA"),
    Country("Congo", "Congolese", "Kinshasa", "Goma", "ea", "AFP"),
    Country("Nigeria", "Nigerian", "Abuja", "Lagos", "wa", "NAN"),
    Country("Ghana", "Ghanaian", "Accra", "Kumasi", "wa", "Reuters"),
    Country("Niger", "Nigerien", "Niamey", "Agadez", "wa", "AFP"),
    Country("Mali", "Malian", "Bamako", "Gao", "wa", "AFP"),
    Country("China", "Chinese", "Beijing", "Shanghai", "zh", "Xinhua"),
    Country("Japan", "Japanese", "Tokyo", "Osaka", "ja", "Kyodo"),
    Country("South Korea", "South Korean", "Seoul", "Busan", "ko", "Yonhap"),
    Country("India", "Indian", "New Delhi", "Mumbai", "sa", "PTI"),
    Country("Pakistan", "Pakistani", "Islamabad", "Karachi", "sa", "APP"),
    Country("Guyana", "Guyanese", "Georgetown", "Linden", "sa", "Reuters"),
    Country("the Philippines", "Philippine", "Manila", "Cebu", "sea", "PNA"),
    Country("Indonesia", "Indonesian", "Jakarta", "Surabaya", "sea", "Antara"),
    Country("Thailand", "Thai", "Bangkok", "Chiang Mai", "sea", "Reuters"),
    Country("Vietnam", "Vietnamese", "Hanoi", "Ho Chi Minh City", "sea", "VNA"),
)

ORGANISATIONS: tuple[tuple[str, str], ...] = (
    # (name, a place where it meets)
    ("the United Nations", "at UN headquarters in New York"),
    ("the UN Security Council", "at UN headquarters in New York"),
    ("the European Union", "in Brussels"),
    ("NATO", "in Brussels"),
    ("the African Union", "in Addis Ababa"),
    ("the Association of Southeast Asian Nations", "in Jakarta"),
    ("the Organization for Security and Co-operation in Europe", "in Vienna"),
    ("the International Atomic Energy Agency", "in Vienna"),
    ("the World Food Programme", "in Rome"),
    ("the International Committee of the Red Cross", "in Geneva"),
    ("the Arab League", "in Cairo"),
    ("the Organization of American States", "in Washington"),
)

# --- papers and bylines --------------------------------------------------------------------------------
# (masthead line, country for the "Newspapers from ..." line, slug for file names)
PAPERS: tuple[tuple[str, str, str], ...] = (
    ("The Meridian Herald - Global Edition (USA)", "United States", "meridian-herald"),
    ("The Meridian Herald - National Edition (USA)", "United States", "meridian-herald"),
    ("The Harbour Times - Asia Edition (Singapore)", "Singapore", "harbour-times"),
    ("Der Tagesbote - International (Germany)", "Germany", "der-tagesbote"),
    ("Lakeside Daily Courier (Canada)", "Canada", "lakeside-courier"),
    ("The London Daily Chronicle (United Kingdom)", "United Kingdom", "london-chronicle"),
    ("The Southern Cross Gazette (Australia)", "Australia", "southern-cross-gazette"),
    ("The Lagos Morning Ledger (Nigeria)", "Nigeria", "lagos-ledger"),
    ("The Dublin Courant (Ireland)", "Ireland", "dublin-courant"),
    ("Gulf Observer - Abu Dhabi Edition (United Arab Emirates)", "United Arab Emirates", "gulf-observer"),
    ("The Delhi Sentinel (India)", "India", "delhi-sentinel"),
    ("The Cape Lantern (South Africa)", "South Africa", "cape-lantern"),
)

# (byline as signed, agency as written in a dateline, dateline style)
AGENCY_BYLINES: tuple[tuple[str, str, str], ...] = (
    ("REUTERS", "Reuters", "paren"),
    ("Reuters", "Reuters", "paren"),
    ("Agence France-Presse", "AFP", "dated"),
    ("AFP", "AFP", "dated"),
    ("ap", "AP", "paren"),
    ("Associated Press", "AP", "paren"),
    ("ASSOCIATED PRESS", "AP", "paren"),
    ("Xinhua", "Xinhua", "xinhua"),
    ("dpa", "dpa", "plain"),
    ("EFE", "EFE", "plain"),
    ("Kyodo", "Kyodo", "plain"),
    ("TASS", "TASS", "plain"),
    ("Yonhap", "Yonhap", "plain"),
    ("ANSA", "ANSA", "plain"),
    ("PTI", "PTI", "plain"),
)

# --- roles ----------------------------------------------------------------------------------------------
# (title written before a name, or "" when the role only works as an apposition; role in running text)
ROLES: tuple[tuple[str, str], ...] = (
    ("Foreign Minister", "foreign minister"),
    ("Defence Minister", "defence minister"),
    ("Prime Minister", "prime minister"),
    ("President", "president"),
    ("Interior Minister", "interior minister"),
    ("Trade Minister", "trade minister"),
    ("Deputy Foreign Minister", "deputy foreign minister"),
    ("National Security Adviser", "national security adviser"),
    ("", "army chief of staff"),
    ("", "government spokesman"),
    ("", "ambassador to the United Nations"),
    ("opposition leader", "opposition leader"),
    ("Energy Minister", "energy minister"),
)
# Role nouns used for later, unnamed references ("the minister said").
ROLE_NOUNS: dict[str, str] = {
    "foreign minister": "the minister",
    "defence minister": "the minister",
    "prime minister": "the prime minister",
    "president": "the president",
    "interior minister": "the minister",
    "trade minister": "the minister",
    "deputy foreign minister": "the deputy minister",
    "national security adviser": "the adviser",
    "army chief of staff": "the general",
    "government spokesman": "the spokesman",
    "ambassador to the United Nations": "the ambassador",
    "opposition leader": "the opposition leader",
    "energy minister": "the minister",
}

UNNAMED_SOURCES: tuple[str, ...] = (
    "A senior {adj} official",
    "A {adj} government spokesman",
    "Officials in {capital}",
    "A senior {adj} diplomat",
    "Two officials familiar with the talks",
    "A Western diplomat in {capital}",
    "A spokeswoman for the {adj} foreign ministry",
    "Security sources",
    "Diplomats in {capital}",
)

# --- topics ---------------------------------------------------------------------------------------------
# Clauses are reported speech (past tense, "would"); quotes are said in the present. Placeholders:
# {a}/{b} country names, {a_adj}/{b_adj} adjectives, {a_cap}/{b_cap} capitals, {city}, {org}, {n}, {year},
# {issue}.
TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "talks": {
        "headlines": (
            "{a} and {b} hold talks on {issue}",
            "{a_adj} and {b_adj} envoys meet in {city} as {issue} dispute drags on",
            "No breakthrough in {a}-{b} talks on {issue}",
            "{a} says talks with {b} were 'frank'",
        ),
        "ledes": (
            "Delegations from {a} and {b} met in {city} {when} for talks on {issue}, but ended the day "
            "without agreement on the main points of dispute, officials from both sides said.",
            "{a} and {b} held a second round of talks on {issue} {when}, the first such meeting in more "
            "than a year, as pressure grew on both governments to ease tensions.",
            "Senior officials from {a} and {b} agreed {when} to keep talking about {issue} after a day of "
            "negotiations in {city} that diplomats described as tense but businesslike.",
        ),
        "issues": (
            "the disputed border",
            "fishing rights",
            "water sharing",
            "the release of detainees",
            "trade barriers",
            "the return of refugees",
            "energy supplies",
            "visa rules",
            "a maritime boundary",
        ),
        "clauses": (
            "the two sides had made progress on technical questions but that differences remained on {issue}",
            "{a} would not accept any preconditions for further talks",
            "a further round of talks could take place in {city} next month",
            "the talks had been frank and that both delegations had agreed to meet again",
            "{b} was ready to discuss {issue} but would not negotiate under pressure",
            "the two governments planned to set up a joint working group on {issue}",
            "no agreement would be signed before the end of the year",
        ),
        "quotes": (
            "We came here in good faith, and we will leave in good faith. But good faith is not enough on "
            "its own.",
            "Nobody expected a breakthrough in one day. What matters is that we are talking.",
            "We will not trade away our sovereignty at a table in {city} or anywhere else.",
            "There are still real differences between us, and it would be dishonest to pretend otherwise.",
            "The door is open. It is up to the other side to walk through it.",
        ),
        "fragments": (
            "keep the door open",
            "not negotiate under pressure",
            "respect whatever is agreed",
            "move step by step",
        ),
        "history": (
            "{a} and {b} last held formal talks in {year}, when negotiations collapsed over {issue}.",
            "The dispute over {issue} dates back to {year}, when a previous agreement expired.",
        ),
    },
    "sanctions": {
        "headlines": (
            "{a} agrees new sanctions on {b}",
            "{a} imposes sanctions on {b_adj} officials",
            "{b} vows response after {a} widens sanctions",
        ),
        "ledes": (
            "{a} imposed asset freezes and travel bans on {n} {b_adj} officials and companies {when}, "
            "accusing them of involvement in human rights abuses and the repression of protesters.",
            "Foreign ministers agreed {when} to widen sanctions against {b}, adding {n} individuals and "
            "several state-owned companies to a list of those barred from doing business in {a}.",
        ),
        "issues": (
            "human rights abuses",
            "arms transfers",
            "cyberattacks",
            "the detention of activists",
            "election fraud",
        ),
        "clauses": (
            "the sanctions were a crude interference in the internal affairs of a sovereign state",
            "{b} would respond with proportionate measures",
            "further listings were possible if the situation did not improve",
            "the measures targeted those responsible for {issue} and not ordinary {b_adj} people",
            "sanctions had never freed a single prisoner",
            "the government may consider further steps in the coming months",
        ),
        "quotes": (
            "Those responsible for these abuses must know that they cannot travel freely or hide their "
            "money in our banks.",
            "Sanctions are not a policy. They are the absence of a policy.",
            "We will respond, and we will respond in a way that hurts.",
            "Every week we lose in procedural games is another week in a cell for people whose only crime "
            "was to hold up a placard.",
        ),
        "fragments": (
            "speak with one voice",
            "keep up the pressure",
            "respond in kind",
            "not bow to blackmail",
        ),
        "history": (
            "{a} first imposed restrictive measures on {b} in {year}.",
            "Relations between {a} and {b} have deteriorated steadily since {year}.",
        ),
    },
    "protest": {
        "headlines": (
            "Thousands protest in {b_cap} over {issue}",
            "Police detain {n} as protesters march on {b_cap}",
            "{b_adj} protesters defy ban to rally against {issue}",
        ),
        "ledes": (
            "Thousands of people marched through central {b_cap} {when} to protest against {issue}, and "
            "police detained at least {n} people after clashes near government buildings, witnesses said.",
            "Police in {b_cap} used tear gas and water cannon {when} to disperse protesters demonstrating "
            "against {issue}, in the largest demonstrations the country has seen in years.",
        ),
        "issues": (
            "rising fuel prices",
            "a new security law",
            "the arrest of opposition leaders",
            "election results",
            "corruption",
            "a planned constitutional change",
        ),
        "clauses": (
            "the police had acted with maximum restraint",
            "the protesters would return to the streets on Saturday unless their demands were met",
            "at least {n} people had been taken to hospital",
            "the government would not allow roads to be blocked but respected the right to protest",
            "the detained protesters had been charged with violating public assembly laws",
            "there were no plans to withdraw the law",
        ),
        "quotes": (
            "They can arrest us one by one, but they cannot arrest an idea.",
            "We allow peaceful gatherings. We do not allow anyone to attack officers.",
            "We are tired of promises. We want change, and we want it now.",
            "Every time they lock somebody up, more people come out.",
        ),
        "fragments": ("return to the streets", "act with restraint", "restore order"),
        "history": (
            "The country has seen waves of protest since {year}, when {issue} first brought crowds onto "
            "the streets.",
        ),
    },
    "aid": {
        "headlines": (
            "{a} pledges aid as crisis deepens in {b}",
            "Aid convoy reaches {b_city} after weeks of delays",
            "UN warns of hunger in {b} as aid falls short",
        ),
        "ledes": (
            "{a} will provide ${n} million in new humanitarian aid to {b}, the government announced "
            "{when}, as aid agencies warned that food stocks in parts of the country were running out.",
            "A convoy of {n} trucks carrying food and medicine reached {b_city} {when}, the first to "
            "arrive in nearly a month, {org} said.",
        ),
        "issues": ("food shortages", "a cholera outbreak", "displacement", "drought", "flooding"),
        "clauses": (
            "the money would go to food and medical aid delivered through United Nations agencies",
            "the agency had received less than a fifth of the money it requested this year",
            "a second convoy would be sent next week if the crossing remained open",
            "aid workers needed unhindered access to all areas",
            "{a} would not send troops but plans to provide logistical support",
            "the authorities had no objection to humanitarian work",
        ),
        "quotes": (
            "We have food in the country, but we cannot move it safely.",
            "Every week that a convoy waits at the border, children die who did not need to die.",
            "This is a start, not a solution.",
            "Money alone will not fix this, and any solution has to be led by the people of the country "
            "themselves.",
        ),
        "fragments": ("not look away", "open every crossing", "act before the rainy season"),
        "history": (
            "The crisis began in {year}, and more than {n},000 people have since fled their homes, "
            "according to the United Nations.",
        ),
    },
    "military": {
        "headlines": (
            "{a} deploys troops near {b} border",
            "{a_adj} forces begin exercise as {b} warns of 'provocation'",
            "{a} moves warships towards disputed waters",
        ),
        "ledes": (
            "{a} began moving troops and armoured vehicles towards its border with {b} {when}, in what the "
            "defence ministry described as a routine exercise but neighbouring governments called a "
            "dangerous escalation.",
            "About {n},000 troops from {a} and its allies began a two-week military exercise near {city} "
            "{when}, drawing a sharp warning from {b}.",
        ),
        "issues": ("the border", "disputed waters", "the airspace", "the northern region"),
        "clauses": (
            "the exercise was defensive and threatened no one",
            "{b} would take all necessary measures to ensure its security",
            "{a} had notified its neighbours of the exercise in advance",
            "the troops would return to their bases within two weeks",
            "the deployment was a provocation aimed at {b}",
            "{a} would not cooperate militarily with {b} for now",
        ),
        "quotes": (
            "We are here to train with our allies, not to threaten anyone.",
            "Nobody should mistake our restraint for weakness.",
            "This is a provocation, and it will not remain unanswered.",
            "Our soldiers are ready, but we hope they will never be needed.",
        ),
        "fragments": (
            "take all necessary measures",
            "defend every metre of its territory",
            "avoid any escalation",
        ),
        "history": (
            "{a} and {b} last held joint military exercises in {year}.",
            "Military tension in the region has risen steadily since {year}.",
        ),
    },
    "ceasefire": {
        "headlines": (
            "Ceasefire agreed in {b} after talks in {city}",
            "Truce holds in {b_city} as mediators push for talks",
            "{b_adj} truce under strain after overnight shelling",
        ),
        "ledes": (
            "Government forces and rebels in {b} agreed to a 72-hour ceasefire starting at midnight "
            "{when}, mediators announced after two days of talks in {city}.",
            "A ceasefire in {b} largely held {when}, although both sides accused each other of violations "
            "near {b_city}, local officials said.",
        ),
        "issues": ("the ceasefire", "the truce", "humanitarian access"),
        "clauses": (
            "both sides had committed to halt all offensive operations",
            "monitors would be deployed along the front line to verify the truce",
            "the army would respond with all its force to any violation",
            "the rebels would respect the ceasefire as long as the other side did",
            "the truce had been accepted for humanitarian reasons only",
            "a further round of talks could take place next week if the truce held",
        ),
        "quotes": (
            "This is a fragile truce, and everybody in this room knows it.",
            "For the first time in months, both sides have put their signatures on the same piece of paper.",
            "We will respect the ceasefire as long as the other side does.",
            "Signing is the easy part. The difficult part begins tomorrow.",
        ),
        "fragments": ("silence the guns", "respect the truce", "give peace a chance"),
        "history": (
            "Previous ceasefires in the region have collapsed within days, including one agreed in {year}.",
        ),
    },
    "visit": {
        "headlines": (
            "{a_adj} foreign minister visits {b_cap} to mend ties",
            "{a} and {b} pledge closer cooperation during visit",
            "{a_adj} leader makes first visit to {b} in a decade",
        ),
        "ledes": (
            "{a_adj} and {b_adj} ministers agreed {when} to expand cooperation on trade, energy and "
            "security, during the first visit to {b_cap} by a senior {a_adj} official in nearly a decade.",
            "{a}'s foreign minister arrived in {b_cap} {when} for a two-day visit aimed at repairing "
            "relations that have been strained by {issue}.",
        ),
        "issues": (
            "a trade dispute",
            "a row over migration",
            "the detention of a journalist",
            "a border incident",
        ),
        "clauses": (
            "the two countries would hold annual meetings of their foreign ministers",
            "the visit marked a new chapter in relations between the two countries",
            "{a} plans to fund new projects in {b} over the next three years",
            "the two sides had signed agreements on energy and education",
            "differences over {issue} had not been resolved",
        ),
        "quotes": (
            "We will not always agree, but we will always talk.",
            "Our two countries share a long history, and we intend to share a long future.",
            "This visit is about listening as much as talking.",
        ),
        "fragments": ("turn the page", "build trust step by step", "deepen cooperation"),
        "history": ("Relations between the two countries were strained in {year} by {issue}.",),
    },
    "expulsion": {
        "headlines": (
            "{a} expels {b_adj} diplomats over alleged spying",
            "{a} orders {b_adj} ambassador to leave",
            "{b} vows to retaliate after {a} expels envoys",
        ),
        "ledes": (
            "{a} ordered {n} {b_adj} diplomats to leave the country within five days {when}, accusing them "
            "of activities incompatible with their diplomatic status.",
            "{a} expelled {b}'s ambassador {when} and recalled its own envoy from {b_cap}, in a sharp "
            "escalation of a dispute over {issue}.",
        ),
        "issues": (
            "alleged espionage",
            "interference in elections",
            "a port deal",
            "the treatment of a detained citizen",
        ),
        "clauses": (
            "the diplomats had tried to obtain confidential information about military installations",
            "{b} would respond and that the step would not remain unanswered",
            "the accusations were absurd and part of a hostile campaign",
            "allies had been informed before the expulsions were announced",
            "{a} had exhausted all diplomatic means",
        ),
        "quotes": (
            "We will not tolerate foreign interference of any kind.",
            "These accusations are absurd, and everybody knows it.",
            "Our sovereignty is not for sale and not for lease.",
        ),
        "fragments": ("respond in kind", "protect its sovereignty", "not tolerate interference"),
        "history": ("{a} and {b} last expelled each other's diplomats in {year}.",),
    },
    "arrest": {
        "headlines": (
            "{a_adj} police arrest {n} over alleged plot",
            "{b} demands release of citizens detained in {a}",
            "Opposition figure arrested in {a_cap}",
        ),
        "ledes": (
            "Police in {a} arrested {n} people {when} on suspicion of smuggling weapons across the border "
            "from {b}, prompting an angry response from {b_cap}.",
            "{a_adj} security forces arrested a prominent opposition politician at his home in {a_cap} "
            "{when}, his lawyer said, in a move that drew condemnation from abroad.",
        ),
        "issues": ("weapons smuggling", "espionage", "incitement", "corruption"),
        "clauses": (
            "the suspects would be brought before a prosecutor within 48 hours",
            "the men were innocent people and should be released immediately",
            "the arrests were the result of an investigation that had lasted several weeks",
            "the detainee had not been allowed to see his lawyer",
            "no charges had yet been filed",
        ),
        "quotes": (
            "These were not farmers. These were people bringing weapons into the country.",
            "This is a political arrest, pure and simple.",
            "The law applies to everyone, whatever their position.",
        ),
        "fragments": ("release them immediately", "respect due process", "follow the law"),
        "history": ("Tensions along the border have been high since {year}.",),
    },
    "election": {
        "headlines": (
            "Ruling party claims victory in {a_adj} election",
            "{a_adj} opposition rejects election results",
            "Observers criticise conduct of {a_adj} vote",
        ),
        "ledes": (
            "{a}'s governing party claimed victory {when} in parliamentary elections, while the main "
            "opposition party said it would challenge the results in several districts, citing "
            "irregularities.",
            "Voters in {a} went to the polls {when} in an election seen as a test for the government, with "
            "turnout of about {n}%, the election commission said.",
        ),
        "issues": ("vote counting", "access to state media", "the misuse of public resources"),
        "clauses": (
            "the party had documented hundreds of complaints about vote counting",
            "the complaints would be investigated but none so far could change the outcome",
            "the elections had been competitive and generally well administered",
            "the opposition would not take up its seats until the complaints had been examined",
            "voters had rewarded the government for its handling of the economy",
        ),
        "quotes": (
            "People voted for stability and for jobs.",
            "We respect the voters. We do not respect the people who stole their votes.",
            "It is hard to beat a government that has just raised everybody's pension.",
        ),
        "fragments": ("respect the will of the people", "count every vote", "challenge the results"),
        "history": ("{a} adopted a multi-party system in {year}.",),
    },
    "resignation": {
        "headlines": (
            "{a_adj} minister resigns over {issue}",
            "{a_adj} government shaken by resignation",
            "Minister quits in protest at {issue}",
        ),
        "ledes": (
            "{a}'s {role_lower} resigned {when} in protest at the government's handling of {issue}, "
            "becoming the first member of the cabinet to quit this year.",
            "A senior {a_adj} minister stepped down {when}, saying in a letter that she could not in good "
            "conscience defend the government's position on {issue}.",
        ),
        "issues": ("arms exports", "a corruption inquiry", "migration policy", "a leaked report"),
        "clauses": (
            "the minister had raised concerns repeatedly and at every level",
            "a replacement would be named later this week",
            "the resignation showed that the government was divided",
            "the decision had been taken after a careful and rigorous assessment",
        ),
        "quotes": (
            "A minister who cannot defend a policy in parliament should not remain a minister.",
            "I continue to support the government in almost everything it does. On this, I cannot.",
            "We are sorry to lose a talented minister.",
        ),
        "fragments": ("do the honourable thing", "publish the legal advice", "take political responsibility"),
        "history": ("The last minister to resign over a policy dispute did so in {year}.",),
    },
    "airstrike": {
        "headlines": (
            "Airstrike kills at least {n} in {b}, officials say",
            "{b} blames {a} for deadly strike on {b_city}",
            "UN calls for inquiry after strike on market in {b}",
        ),
        "ledes": (
            "An airstrike hit a crowded market near {b_city} {when}, killing at least {n} people and "
            "wounding dozens, according to health officials.",
            "At least {n} people were killed when missiles struck a residential area of {b_city} {when}, "
            "local officials said, and {b} blamed forces backed by {a}.",
        ),
        "issues": ("the strike", "civilian casualties"),
        "clauses": (
            "women and children were among the dead",
            "the death toll may rise because several of the wounded were in critical condition",
            "the reports would be referred to an investigation team",
            "the strike had targeted a weapons depot and not civilians",
            "an independent investigation was needed",
        ),
        "quotes": (
            "This was a market. There were no fighters there, only people buying vegetables.",
            "Every incident like this one makes it harder to keep people at the table.",
            "We targeted a legitimate military objective.",
        ),
        "fragments": ("hold those responsible to account", "protect civilians", "investigate without delay"),
        "history": ("The conflict began in {year}, and tens of thousands of people have been killed since.",),
    },
    "accusation": {
        "headlines": (
            "{a} accuses {b} of {issue}",
            "{b} rejects {a_adj} accusations as 'baseless'",
            "{a} summons {b_adj} envoy over {issue}",
        ),
        "ledes": (
            "{a} accused {b} {when} of {issue}, and summoned {b}'s ambassador to lodge a formal protest, "
            "in the latest in a series of disputes between the two countries.",
            "{a_adj} officials {when} accused {b} of a long campaign of {issue}, an accusation {b_cap} "
            "quickly rejected as baseless.",
        ),
        "issues": (
            "cyberattacks on government networks",
            "violating its airspace",
            "harassing its fishing boats",
            "interfering in its elections",
            "spreading disinformation",
        ),
        "clauses": (
            "the activity was unacceptable and would not be tolerated",
            "{b} was repeating baseless allegations to divert attention from its own policies",
            "there was no evidence that classified information had been taken",
            "{a} was working closely with allies on its response",
            "{b} bore full responsibility for the incident",
        ),
        "quotes": (
            "We will expose and confront those who try to undermine our democracy.",
            "These are baseless allegations, and they will not change the facts.",
            "This was a deliberate, dangerous and illegal act.",
        ),
        "fragments": ("stop its provocations", "not be intimidated", "respond in kind"),
        "history": ("{a} made similar accusations against {b} in {year}, which {b_cap} also denied.",),
    },
    "peace": {
        "headlines": (
            "{b} signs peace agreement with rebel faction",
            "Peace deal signed in {city} after months of talks",
            "Fighters to disarm under {b_adj} peace accord",
        ),
        "ledes": (
            "The government of {b} and a rebel faction signed a peace agreement in {city} {when}, "
            "committing the group's roughly {n} fighters to lay down their weapons within six months.",
            "A peace agreement between {b} and an armed group was signed {when} after eight months of "
            "talks hosted by {a}, mediators said.",
        ),
        "issues": ("disarmament", "security guarantees", "land reform"),
        "clauses": (
            "the deal showed that dialogue could still work",
            "the agreement would fail if the state did not protect former fighters",
            "the guarantor countries would remain involved during the implementation",
            "any deal negotiated outside the main table was worthless",
            "a bill would be presented to parliament in the coming weeks",
        ),
        "quotes": (
            "Today, hundreds of people have decided that they will no longer carry a rifle.",
            "Signing is the easy part. The difficult part begins on Monday.",
            "We have chosen the path of politics, and we ask the state to protect us on it.",
        ),
        "fragments": ("choose the path of politics", "protect former fighters", "keep its word"),
        "history": (
            "A previous peace agreement, signed in {year}, ended decades of war with the largest rebel "
            "group.",
        ),
    },
    "intelligence": {
        "headlines": (
            "{a} and {b} agree to restore intelligence contacts",
            "{a} rules out military cooperation with {b} for now",
            "{a_adj} and {b_adj} spy agencies to resume talks",
        ),
        "ledes": (
            "{a} and {b} agreed {when} to restore contacts between their intelligence services and to "
            "share data on {issue}, in the latest sign of warming ties between the two countries.",
            "{a} will not cooperate militarily with {b} for now, its defence minister said {when}, even as "
            "the two countries move to restore intelligence contacts.",
        ),
        "issues": ("missile launches", "weapons smuggling", "militant networks", "people smuggling"),
        "clauses": (
            "restoring intelligence contacts was in both nations' interests",
            "{a} would not cooperate militarily with {b} for now",
            "the arrangement was not directed against any third country",
            "defence contacts would be reconsidered only once the political dialogue had produced results",
            "intelligence cooperation was a matter for the security services, not for public debate",
        ),
        "quotes": (
            "There is no military cooperation on our agenda, and there will not be any for the time being.",
            "We have common enemies and common worries. Talking to each other about them is not a favour.",
            "This is not a military alliance, and it is not directed against any third country.",
        ),
        "fragments": ("keep channels open with everyone", "decide at its own pace", "protect its citizens"),
        "history": ("Intelligence contacts between {a} and {b} were suspended in {year}.",),
    },
}

GENERIC_QUOTES: tuple[str, ...] = (
    "We will judge them by what they do, not by what they say.",
    "Nobody in the region benefits from another crisis.",
    "We have been warning about this for two years.",
    "The question is not whether we act, but how quickly.",
    "Our position has not changed, and it will not change.",
    "We are not asking for favours. We are asking for the law to be respected.",
    "There is a time for statements and a time for decisions. This is a time for decisions.",
    "I have no illusions about how difficult this will be.",
    "Our people are tired, and they deserve better than this.",
    "We have made our position very clear to our partners in {a_cap} and {b_cap}.",
    "History will judge all of us by what we do in the next few weeks.",
    "Nobody wants escalation, but nobody should test our patience either.",
    "It would be a mistake to read too much into one meeting.",
    "We are ready to talk to anyone who is ready to talk seriously.",
    "The facts on the ground speak for themselves.",
    "This is not the end of the road. It is not even the middle of it.",
    "We cannot solve this problem alone, and we do not intend to try.",
    "Our patience is not unlimited.",
    "The world is watching, and so are our own citizens.",
    "I spoke to my counterpart this morning, and I told him exactly that.",
    "Words are cheap. We want to see action.",
    "We will continue to work with all our partners, in the region and beyond.",
)
# Reported clauses built from parts, so that long articles rarely repeat a sentence:
# subject + stance + action. {x}/{y} are filled with the two countries in either order. Subjects are
# singular so that "was ready to ... its" agrees.
CLAUSE_SUBJECTS: tuple[str, ...] = (
    "{x}",
    "{x}",
    "the {x_adj} government",
    "the government in {x_cap}",
    "the foreign ministry in {x_cap}",
    "the {x_adj} cabinet",
)
CLAUSE_STANCES: tuple[str, ...] = (
    "would",
    "would not",
    "may",
    "planned to",
    "was ready to",
    "was reluctant to",
    "threatened to",
    "had agreed to",
    "was considering whether to",
    "would not rule out a decision to",
    "had decided to",
)
CLAUSE_ACTIONS: tuple[str, ...] = (
    "raise the matter {org_place}",
    "recall its ambassador from {y_cap}",
    "send a delegation to {y_cap}",
    "reopen the border crossing near {y_city}",
    "review its cooperation with {y}",
    "release the detained {y_adj} nationals",
    "ask {org} to send observers",
    "increase spending on border security",
    "impose new restrictions on imports from {y}",
    "suspend flights to {y_cap}",
    "hold an emergency meeting of the security council",
    "expand aid to refugees from {y}",
    "publish the findings of its investigation",
    "call for an independent inquiry",
    "postpone the vote until next year",
    "lift the curfew in the capital",
    "resume talks in {city} next month",
    "freeze the assets of {n} companies",
    "open a new consulate in {y_city}",
    "extend the state of emergency for another {n} days",
    "seek compensation for the damage",
    "sign the agreement before the summer",
    "cut diplomatic staff in {y_cap}",
    "take the dispute to the International Court of Justice",
    "allow international monitors into the area",
    "cooperate militarily with {y} for now",
    "share intelligence with its neighbours",
    "withdraw its troops from the area",
)
# Sentences of context and colour that attribute nothing (or only to an institution).
CONTEXT: tuple[str, ...] = (
    "Trade between {a} and {b} reached about ${bn} billion last year, according to official figures.",
    "More than {k},000 people have been displaced since {month}, the United Nations said.",
    "The remarks came a day after {prev}'s meeting of the two countries' officials in {city}.",
    "The announcement followed {prev}'s resignation of {b}'s deputy foreign minister, who had led earlier "
    "negotiations.",
    "{org_cap} has said it is ready to help if both sides ask it to.",
    "Both governments have been under pressure at home to take a tougher line.",
    "Diplomats said the atmosphere at the meeting had been cooler than at previous rounds.",
    "The two countries restored full diplomatic relations in {year} after several years of tension.",
    "Opposition parties in {a_cap} have criticised the government's handling of the dispute.",
    "Analysts said the timing of the announcement was no coincidence, with elections due in {b} next year.",
    "Markets in {a_cap} fell by about {pct}% on the news before recovering later in the day.",
    "Residents of {b_city} said they had heard explosions and gunfire throughout the night.",
    "The United Nations has repeatedly called on both sides to show restraint.",
    "{a} has about {kt},000 troops stationed in the region, according to independent estimates.",
    "The issue has dominated the front pages of newspapers in {b_cap} for weeks.",
    "The talks were first proposed last week by {org}, which has offered to host further meetings.",
    "Earlier this month, officials from both countries met quietly in {city}, according to people familiar "
    "with the meeting.",
    "A poll published {prev} showed that a majority of {a_adj} voters supported the government's position.",
)
BACKGROUND_EXTRAS: tuple[str, ...] = (
    "{org_cap} said it was following the situation closely.",
    "The issue was discussed {org_place} last week.",
    "Earlier this month, {b} said it may raise the matter with {org}.",
    "{a} has said it plans to raise the issue {org_place}.",
    "Neither side has published the text of the proposals under discussion.",
    "Officials from both countries are due to meet again before the end of the month.",
)
MONTH_BACKREFS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "the start of the year",
    "last summer",
)
CLOSINGS: tuple[str, ...] = (
    "Officials said the next round of talks would be held in {city}.",
    "The matter is expected to be discussed {org_place} later this month.",
    "Neither government commented on the report on {weekday}.",
    "Diplomats said further meetings were planned before the end of the month.",
    "{org_cap} said it was following the situation closely.",
)
WHEN_FORMS = ("on {weekday}", "on {weekday}", "on {weekday}", "late on {weekday}", "on {weekday} evening")
HISTORY_YEARS = tuple(range(1991, 2022))


@dataclass
class Person:
    first: str
    last: str
    female: bool
    title: str  # before the name ("Foreign Minister"), "" when the role only works as an apposition
    role: str  # in running text ("foreign minister")
    country: Country
    family_first: bool
    mentioned: bool = False

    @property
    def full(self) -> str:
        return f"{self.last} {self.first}" if self.family_first else f"{self.first} {self.last}"

    @property
    def pronoun(self) -> str:
        return "she" if self.female else "he"

    def role_phrase(self) -> str:
        if self.role == "government spokesman" and self.female:
            return "government spokeswoman"
        return self.role


class _Article:
    """One article being written: its random stream, its cast and its text so far."""

    def __init__(self, rng: random.Random, index: int, target_words: int) -> None:
        self.rng = rng
        self.index = index
        self.target = target_words
        r = rng
        self.topic_name = r.choice(tuple(TOPICS))
        self.topic = TOPICS[self.topic_name]
        a, b = r.sample(COUNTRIES, 2)
        self.a, self.b = a, b
        self.published = FIRST_DATE + timedelta(days=r.randrange(DATE_SPAN_DAYS))
        self.event_day = self.published - timedelta(days=r.choice((0, 1, 1, 1, 2, 3)))
        org, org_place = r.choice(ORGANISATIONS)
        self.ctx = {
            "a": a.name,
            "b": b.name,
            "a_adj": a.adjective,
            "b_adj": b.adjective,
            "a_cap": a.capital,
            "b_cap": b.capital,
            "b_city": b.city,
            "city": r.choice((a.capital, b.capital, a.city, "Geneva", "Vienna", "Doha", "Istanbul")),
            "org": org,
            "org_cap": org[0].upper() + org[1:],
            "org_place": org_place,
            "issue": r.choice(self.topic["issues"]),
            "n": str(r.choice((3, 4, 7, 12, 14, 19, 28, 40, 60, 80, 120, 300))),
            "year": str(r.choice(HISTORY_YEARS)),
            "weekday": WEEKDAYS[self.event_day.weekday()],
            "prev": WEEKDAYS[(self.event_day.weekday() - 1) % 7],
        }
        self.ctx["when"] = r.choice(WHEN_FORMS).format(**self.ctx)
        self.cast = [self._person(a), self._person(b), self._person(r.choice((a, b)))]
        self.ctx["role_lower"] = self.cast[0].role
        self.paragraphs: list[str] = []
        self.decks: dict[str, list[str]] = {}
        self.exhausted: set[str] = set()  # decks drawn to the end at least once
        self.history_left = list(self.topic["history"])
        self.words = 0
        self.last_speaker: Person | None = None

    # -- building blocks ---------------------------------------------------------------------------
    def _person(self, country: Country) -> Person:
        male, female, family, family_first = NAME_POOLS[country.names]
        is_female = self.rng.random() < 0.4
        first = self.rng.choice(female if is_female else male)
        title, role = self.rng.choice(ROLES)
        return Person(first, self.rng.choice(family), is_female, title, role, country, family_first)

    def fill(self, template: str) -> str:
        return template.format_map(self.ctx)

    def name(self, person: Person, pronoun: bool = True) -> str:
        """First mention: full name with role; later: surname, role noun, or (right after) a pronoun.

        A first mention in apposition ends with a comma ("Amina Otieno, Kenya's foreign minister,").
        """
        r = self.rng
        if not person.mentioned:
            person.mentioned = True
            form = r.randrange(3)
            if form == 0 and person.title:
                return f"{person.country.adjective} {person.title} {person.full}"
            if form == 1:
                return f"{person.full}, {_possessive(person.country.name)} {person.role_phrase()},"
            return f"{_possessive(person.country.name)} {person.role_phrase()}, {person.full},"
        if pronoun and person is self.last_speaker and r.random() < 0.5:
            return person.pronoun
        if r.random() < 0.2:
            return ROLE_NOUNS[person.role]
        return person.last

    def draw(self, key: str, pool: tuple[str, ...]) -> str:
        """A random item of ``pool`` not drawn before under ``key``: no repeats until the pool runs out."""
        deck = self.decks.get(key)
        if not deck:
            deck = self.decks[key] = list(pool)
        # Swap-remove: one random draw per item instead of shuffling the whole deck up front.
        i = self.rng.randrange(len(deck))
        item = deck[i]
        deck[i] = deck[-1]
        deck.pop()
        if not deck:
            self.exhausted.add(key)
        return item

    def quote(self) -> str:
        # The topic's few quotes once each, then the larger generic pool.
        if "quotes" not in self.exhausted and self.rng.random() < 0.5:
            return self.fill(self.draw("quotes", self.topic["quotes"]))
        return self.fill(self.draw("generic_quotes", GENERIC_QUOTES))

    def clause(self) -> str:
        r = self.rng
        if r.random() < 0.4:
            return self.fill(self.draw("clauses", self.topic["clauses"]))
        x, y = (self.a, self.b) if r.random() < 0.5 else (self.b, self.a)
        parts = {
            "x": x.name,
            "x_cap": x.capital,
            "x_adj": x.adjective,
            "y": y.name,
            "y_cap": y.capital,
            "y_city": y.city,
            "y_adj": y.adjective,
        }
        text = " ".join(
            (r.choice(CLAUSE_SUBJECTS), r.choice(CLAUSE_STANCES), self.draw("actions", CLAUSE_ACTIONS))
        )
        return text.format_map({**self.ctx, **parts})

    def context(self) -> str:
        r = self.rng
        extra = {
            "bn": str(r.randrange(2, 90)),
            "k": str(r.randrange(2, 400)),
            "kt": str(r.randrange(1, 40)),
            "pct": str(r.randrange(1, 6)),
            "month": r.choice(MONTH_BACKREFS),
            "prev": self.ctx["prev"],
        }
        return self.draw("context", CONTEXT).format_map({**self.ctx, **extra})

    def add(self, *sentences: str) -> None:
        text = " ".join(_capitalise(s) for s in sentences)
        self.paragraphs.append(text)
        self.words += text.count(" ") + 1

    # -- paragraph kinds ---------------------------------------------------------------------------
    def direct(self, person: Person) -> None:
        r = self.rng
        q = self.quote()
        form = r.randrange(4)
        who = self.name(person, pronoun=form != 1)
        if form == 0:
            s = f'"{q[:-1]}," {who} said.'
        elif form == 1:
            s = f'"{q[:-1]}," said {who.rstrip(",")}.'
        elif form == 2:
            s = f'{who} said: "{q}"'
        else:
            s = f'"{q[:-1]}," {who} told reporters in {self.ctx["city"]}.'
        self.last_speaker = person
        if r.random() < 0.5:
            self.add(s, f"{person.pronoun} said {self.clause()}.")
        else:
            self.add(s)

    def indirect(self, person: Person) -> None:
        r = self.rng
        form = r.randrange(5)
        who = self.name(person, pronoun=form != 2)
        c = self.clause()
        if form == 0:
            s = f"{who} said {c}."
        elif form == 1:
            s = f"{who} told reporters that {c}."
        elif form == 2:
            s = f"According to {who.rstrip(',')}, {c}."
        elif form == 3:
            s = f"{who} said in a statement that {c}."
        else:
            s = f"{who} was quoted as saying by {person.country.agency} that {c}."
        self.last_speaker = person
        roll = r.random()
        if roll < 0.3:
            self.add(s, f"{person.pronoun} added that {self.clause()}.")
        elif roll < 0.6:
            self.add(s, self.context())
        else:
            self.add(s)

    def mixed(self, person: Person) -> None:
        who = self.name(person)
        frag = self.rng.choice(self.topic["fragments"])
        country = person.country.name
        form = self.rng.randrange(3)
        if form == 0:
            s = f'{who} said {country} would "{frag}" and that {self.clause()}.'
        elif form == 1:
            s = f'{who} said the government was determined to "{frag}", adding that {self.clause()}.'
        else:
            s = f'{who} urged all sides to "{frag}".'
        self.last_speaker = person
        self.add(s)

    def multi_paragraph(self, person: Person) -> None:
        who = self.name(person)
        q1, q2, q3 = self.quote(), self.quote(), self.quote()
        # Press convention: the first paragraph's quote stays open; the next paragraph reopens it.
        self.add(f'"{q1[:-1]}," {who} said. "{q2}')
        self.add(f'"{q3}"')
        self.last_speaker = person

    def unnamed(self) -> None:
        country = self.rng.choice((self.a, self.b))
        src = self.rng.choice(UNNAMED_SOURCES).format(adj=country.adjective, capital=country.capital)
        anon = (
            ", speaking on condition of anonymity,"
            if src.startswith("A ") and self.rng.random() < 0.5
            else ""
        )
        said = self.rng.choice(("said", "said", "told reporters that", "said privately that"))
        if self.rng.random() < 0.5:
            self.add(f"{src}{anon} {said} {self.clause()}.", self.context())
        else:
            self.add(f"{src}{anon} {said} {self.clause()}.")
        self.last_speaker = None

    def background(self) -> None:
        r = self.rng
        sentences = [self.context()] if r.random() < 0.6 else []
        # Each history line at most once per article; afterwards only context sentences.
        if self.history_left:
            sentences.append(self.fill(self.history_left.pop()))
        if r.random() < 0.5:
            sentences.append(self.fill(self.draw("extras", BACKGROUND_EXTRAS)))
        if not sentences:
            sentences.append(self.context())
        self.add(*sentences)
        self.last_speaker = None

    # -- the whole article -------------------------------------------------------------------------
    def write(self) -> tuple[str, str]:
        r = self.rng
        headline = _capitalise(self.fill(r.choice(self.topic["headlines"])))
        byline, dateline = self.byline()
        lede = self.fill(r.choice(self.topic["ledes"]))
        self.add(dateline + _capitalise(lede))
        p1, p2, p3 = self.cast
        self.direct(p1)
        kinds = (self.direct, self.indirect, self.indirect, self.mixed, self.multi_paragraph)
        while self.words + CLOSING_ALLOWANCE < self.target:
            roll = r.random()
            if roll < 0.15:
                self.unnamed()
            elif roll < 0.27:
                self.background()
            else:
                r.choice(kinds)(r.choice((p1, p2, p2, p3)))
        self.add(self.fill(r.choice(CLOSINGS)))

        if r.random() < PAGE_BREAK_SHARE:
            self.page_break()
        body = self.paragraphs
        if r.random() < CURLY_QUOTES_SHARE:
            body = [_curly(p) for p in body]
            headline = _curly(headline)
        if r.random() < NBSP_SHARE:
            body = [
                re.sub(r"(\d) (people|troops|km|trucks|million|fighters)", "\\1\u00a0\\2", p) for p in body
            ]

        masthead, paper_country, slug = r.choice(PAPERS)
        head = [masthead]
        if r.random() < DATE_LINE_SHARE:
            d = self.published
            head.append(f"{WEEKDAYS[d.weekday()]}, {MONTHS[d.month - 1]} {d.day}, {d.year}")
        head += [headline, byline]
        tail = ["Newspapers in English", f"Newspapers from {paper_country}"]
        text = "\n\n".join(head + body + tail) + "\n"
        name = f"{self.published.isoformat()}_{slug}_{self.topic_name}-{self.index:06d}.txt"
        return name, text

    def byline(self) -> tuple[str, str]:
        """The byline line and the dateline that opens the first paragraph ('' when none)."""
        r = self.rng
        place = r.choice((self.b.capital, self.a.capital, self.b.city)).upper()
        d = self.event_day
        if r.random() < 0.55:
            signed, agency, style = r.choice(AGENCY_BYLINES)
            byline = f"- By {signed}"
            if r.random() > DATELINE_SHARE:
                return byline, ""
            if style == "paren":
                return byline, f"{place} ({agency}) - "
            if style == "dated":
                return byline, f"{place}, {MONTHS[d.month - 1]} {d.day} ({agency}) - "
            if style == "xinhua":
                return byline, f"{place}, {MONTHS[d.month - 1]} {d.day} ({agency}) -- "
            return byline, f"{place} - "
        reporters = [self._reporter() for _ in range(r.choice((1, 1, 2)))]
        byline = "- By " + " and ".join(reporters)
        if len(reporters) == 1 and r.random() < 0.5:
            byline += f" in {r.choice((self.a.capital, self.b.capital))}"
        return byline, (f"{place} - " if r.random() < 0.3 else "")

    def _reporter(self) -> str:
        pool = NAME_POOLS[self.rng.choice(("en", "en", "fr", "de", "es", "sea", "pl"))]
        female = self.rng.random() < 0.5
        return f"{self.rng.choice(pool[1] if female else pool[0])} {self.rng.choice(pool[2])}".upper()

    def page_break(self) -> None:
        """Split one body paragraph mid-sentence, as page layout does: the rest goes on in lower case."""
        candidates = [
            i
            for i, p in enumerate(self.paragraphs[1:-1], start=1)
            if not p.startswith('"') and p.count(" ") > 15
        ]
        if not candidates:
            return
        i = self.rng.choice(candidates)
        text = self.paragraphs[i]
        spaces = [m.start() for m in re.finditer(" ", text)]
        cuts = []
        for pos in spaces[len(spaces) // 3 : -3]:
            before, after = text[:pos], text[pos + 1 :]
            if before[-1] in ".,;:\"'" or not after[0].islower() or before.count('"') % 2:
                continue
            cuts.append(pos)
        if cuts:
            pos = self.rng.choice(cuts)
            self.paragraphs[i : i + 1] = [text[:pos], text[pos + 1 :]]


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _capitalise(sentence: str) -> str:
    if not sentence:
        return sentence
    if sentence[0] == '"' and len(sentence) > 1:
        return '"' + sentence[1].upper() + sentence[2:]
    return sentence[0].upper() + sentence[1:]


_OPEN_QUOTE = re.compile(r'"(?=\w)|(?<=[\s(])"')


_OPEN_SINGLE = re.compile(r"(?<!\w)'(?=\w)")


def _curly(text: str) -> str:
    text = _OPEN_QUOTE.sub("\u201c", text).replace('"', "\u201d")
    return _OPEN_SINGLE.sub("\u2018", text).replace("'", "\u2019")


class _Random(random.Random):
    """Mersenne Twister with choice/randrange built on ``random()`` alone.

    Faster than the library's bit-by-bit rejection sampling, and the output then depends only on the
    generator's float stream, which is stable across Python versions.
    """

    def _randbelow(self, n: int) -> int:
        return int(self.random() * n)

    def choice(self, seq: Sequence[T]) -> T:  # type: ignore[override]  # same contract, Sequence suffices
        return seq[int(self.random() * len(seq))]


def generate(count: int, words: int = 400, seed: int = 0) -> Iterator[tuple[str, str]]:
    """Yield ``count`` synthetic articles as ``(file name, file text)`` in the press-export layout.

    ``words`` is the mean body length in words (each article varies by ±20 %); ``seed`` makes the run
    reproducible. Article ``i`` depends only on ``(seed, i, words)``.
    """
    if count < 0:
        raise ValueError(f"count must be zero or more, got {count}")
    if words < 50:
        raise ValueError(f"words must be at least 50 (a lede and one quote), got {words}")
    for index in range(count):
        rng = _Random(f"tidings-corpus:{seed}:{index}")
        target = round(words * rng.uniform(1 - LENGTH_SPREAD, 1 + LENGTH_SPREAD))
        yield _Article(rng, index, target).write()


def main(argv: list[str] | None = None) -> int:
    """Command line: write generated articles into OUTDIR, one ``.txt`` file each."""
    parser = argparse.ArgumentParser(
        description="Write a seeded synthetic corpus in the press-export layout."
    )
    parser.add_argument("outdir", type=Path, help="folder to write the .txt files into (created if missing)")
    parser.add_argument("--count", type=int, default=1000, help="number of articles (default 1000)")
    parser.add_argument("--words", type=int, default=400, help="mean body length in words (default 400)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    try:
        args.outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"cannot create {args.outdir}: {exc.strerror}; choose a writable folder", file=sys.stderr)
        return 1
    started = time.perf_counter()
    total_words = 0
    try:
        for name, text in generate(args.count, args.words, args.seed):
            (args.outdir / name).write_text(text, encoding="utf-8", newline="\n")
            total_words += len(text.split())
    except ValueError as exc:
        print(f"{exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    print(
        f'{{"articles": {args.count}, "words_in_files": {total_words}, "seconds": {elapsed:.2f}, '
        f'"outdir": "{args.outdir}"}}'
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
