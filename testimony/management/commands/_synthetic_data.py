"""Word lists and place tables behind ``generate_testimonies``: the shape of a synthetic collection.

Real geography (Kazakhstan's regions and cities with their coordinates and their Kazakh and Russian spellings) so
maps and place filters look right; invented outlets, actors and accounts, so nothing reads as a real person's words.
Faker has no Kazakh locale, so the Kazakh sentences are written out here.
"""

COUNTRY = ("Kazakhstan", "Қазақстан, Казахстан", 48.0196, 66.9237)

# Cities of republican significance sit directly under the country; the others under their region.
# (name, other names, latitude, longitude, weight in the collection, districts or None for generic ones)
CITIES_UNDER_COUNTRY = [
    (
        "Almaty",
        "Алматы, Алма-Ата",
        43.2389,
        76.8897,
        40,
        ["Alatau", "Almaly", "Auezov", "Bostandyk", "Zhetysu", "Medeu", "Nauryzbay", "Turksib", "Shanyrak"],
    ),
    ("Astana", "Астана, Нур-Султан", 51.1694, 71.4491, 6, ["Almaty district", "Baikonur", "Yesil", "Saryarka", "Nura"]),
    ("Shymkent", "Шымкент", 42.3417, 69.5901, 5, ["Abay", "Al-Farabi", "Enbekshi", "Karatau", "Turan"]),
]

# (region, other names, latitude, longitude, [(city, other names, latitude, longitude, weight), ...])
REGIONS = [
    (
        "Mangystau Region",
        "Маңғыстау облысы, Мангистауская область",
        44.59,
        53.85,
        [("Zhanaozen", "Жаңаөзен, Жанаозен", 43.3412, 52.8619, 7), ("Aktau", "Ақтау, Актау", 43.6481, 51.1722, 4)],
    ),
    (
        "Almaty Region",
        "Алматы облысы, Алматинская область",
        45.01,
        78.37,
        [("Taldykorgan", "Талдықорған, Талдыкорган", 45.0156, 78.3739, 4), ("Kaskelen", "Қаскелең", 43.2, 76.62, 2)],
    ),
    ("Zhambyl Region", "Жамбыл облысы, Жамбылская область", 43.9, 71.5, [("Taraz", "Тараз", 42.9, 71.3667, 4)]),
    (
        "Aktobe Region",
        "Ақтөбе облысы, Актюбинская область",
        48.78,
        57.99,
        [("Aktobe", "Ақтөбе, Актобе", 50.2839, 57.167, 3)],
    ),
    (
        "Karaganda Region",
        "Қарағанды облысы, Карагандинская область",
        47.9,
        73.9,
        [("Karaganda", "Қарағанды, Караганда", 49.8047, 73.1094, 2), ("Temirtau", "Теміртау", 50.0549, 72.9646, 1)],
    ),
    ("Kyzylorda Region", "Қызылорда облысы", 44.7, 64.9, [("Kyzylorda", "Қызылорда, Кызылорда", 44.8488, 65.4823, 2)]),
    ("Atyrau Region", "Атырау облысы", 47.1, 51.9, [("Atyrau", "Атырау", 47.0945, 51.9238, 1)]),
    ("West Kazakhstan Region", "Батыс Қазақстан облысы", 50.6, 51.9, [("Oral", "Орал, Уральск", 51.2278, 51.3865, 1)]),
    (
        "East Kazakhstan Region",
        "Шығыс Қазақстан облысы",
        49.0,
        82.5,
        [("Oskemen", "Өскемен, Усть-Каменогорск", 49.9483, 82.6275, 1), ("Semey", "Семей", 50.4111, 80.2275, 1)],
    ),
    (
        "Pavlodar Region",
        "Павлодар облысы",
        52.3,
        76.9,
        [("Pavlodar", "Павлодар", 52.2873, 76.9674, 1), ("Ekibastuz", "Екібастұз, Экибастуз", 51.7237, 75.3229, 1)],
    ),
    ("Kostanay Region", "Қостанай облысы", 51.5, 63.5, [("Kostanay", "Қостанай, Костанай", 53.2198, 63.6354, 1)]),
    (
        "North Kazakhstan Region",
        "Солтүстік Қазақстан облысы",
        54.2,
        69.4,
        [("Petropavl", "Петропавл, Петропавловск", 54.8728, 69.143, 1)],
    ),
    ("Akmola Region", "Ақмола облысы", 51.9, 69.4, [("Kokshetau", "Көкшетау, Кокшетау", 53.2833, 69.3833, 1)]),
    ("Turkistan Region", "Түркістан облысы", 42.5, 68.9, [("Turkistan", "Түркістан, Туркестан", 43.2973, 68.2518, 2)]),
]

GENERIC_DISTRICTS = [
    ("City centre", "Центр"),
    ("Old town", "Старый город"),
    ("Microdistrict {n}", "{n} микрорайон"),
    ("Railway station area", "Район вокзала"),
    ("Industrial zone", "Промзона"),
]

# (English, Russian); {n} is a number, {street} a street name.
SITES = [
    ("{city} akimat", "акимат, {city_ru}"),
    ("City Clinical Hospital No. {n}", "Городская клиническая больница № {n}"),
    ("{district} police department", "отдел полиции, {district}"),
    ("{district} market", "рынок, {district}"),
    ("{city} bus station", "автовокзал, {city_ru}"),
    ("School No. {n}", "Школа № {n}"),
    ("{district} square", "площадь, {district}"),
    ("{street} Street", "улица {street}"),
    ("{street} Avenue", "проспект {street}"),
    ("Maternity Hospital No. {n}", "Роддом № {n}"),
    ("{city} television centre", "телецентр, {city_ru}"),
    ("{district} mosque", "мечеть, {district}"),
    ("{district} shopping centre", "торговый центр, {district}"),
    ("{city} prosecutor's office", "прокуратура, {city_ru}"),
    ("{district} park", "парк, {district}"),
]

STREETS = [
    "Abay",
    "Dostyk",
    "Tole Bi",
    "Satpayev",
    "Zheltoksan",
    "Furmanov",
    "Raiymbek",
    "Seifullin",
    "Al-Farabi",
    "Timiryazev",
    "Gogol",
    "Kabanbay Batyr",
    "Baitursynov",
    "Zhandosov",
    "Momyshuly",
    "Ryskulov",
    "Suyunbay",
    "Tauelsizdik",
    "Kunaev",
    "Auezov",
]

# Peak days of the unrest and their share of accounts; the rest fall in a long tail until the end of March.
PEAK_DAYS = {2: 2.0, 3: 3.5, 4: 14.0, 5: 30.0, 6: 20.0, 7: 11.0, 8: 5.0, 9: 3.0}

# Credibility vocabulary used when the database holds none: (group, [(tag, definition), ...]).
VOCABULARY = [
    (
        "Proximity",
        [
            ("first-hand", "The witness saw or heard it themselves."),
            ("second-hand", "The witness heard it from someone who was there."),
            ("hearsay", "A rumour whose origin the witness cannot name."),
        ],
    ),
    (
        "Corroboration",
        [
            ("corroborated", "Independent sources describe the same thing."),
            ("single source", "Only this account describes it."),
            ("contested", "Other accounts disagree on important details."),
            ("contradicted by evidence", "Photos, video or documents show otherwise."),
        ],
    ),
    (
        "Supporting evidence",
        [
            ("photo", "The witness supplied photographs."),
            ("video", "The witness supplied video."),
            ("document", "The witness supplied a document."),
            ("medical record", "A medical record supports the account."),
        ],
    ),
]

SOURCES = [
    ("{city} Courier", "publication"),
    ("{city} Evening News", "publication"),
    ("Steppe Review", "publication"),
    ("Caspian Monitor", "publication"),
    ("Bureau for Human Rights, {city} office", "ngo"),
    ("Open Dialogue Group", "ngo"),
    ("Witness Support Network", "ngo"),
    ("National Broadcasting Agency", "state_media"),
    ("Republican News Service", "state_media"),
    ("Central Asia Desk of an international broadcaster", "foreign_media"),
    ("Regional Wire Service", "foreign_media"),
    ("Telegram channel of {city} residents", "social_media"),
    ("Video posted on social media, {city}", "social_media"),
    ("Interview by the archive's team in {city}", "interview"),
    ("Interior Ministry briefing", "official"),
    ("Local forum, {city}", "other"),
]

ACTORS = [
    ("Ministry of Internal Affairs", "government", ""),
    ("Office of the Prosecutor General", "government", ""),
    ("National Security Committee", "government", ""),
    ("Ministry of Health", "government", ""),
    ("Presidential Administration", "government", ""),
    ("{city} akimat", "government", ""),
    ("National Broadcasting Agency", "state_media", ""),
    ("Republican News Service", "state_media", ""),
    ("Regional Wire Service", "foreign_media", ""),
    ("Bureau for Human Rights", "ngo", ""),
    ("Steppe Review", "independent_media", ""),
    ("{person}", "person", "spokesperson of the Ministry of Internal Affairs"),
    ("{person}", "person", "akim of {city}"),
    ("{person}", "person", "head of the {city} police department"),
    ("{person}", "person", "Prosecutor General"),
    ("{person}", "person", "Minister of Health"),
]

CLAIMS = [
    "About {n} armed militants attacked {site} in {city}.",
    "Peaceful protesters were never fired upon in {city}.",
    "Order has been fully restored in {city}.",
    "Foreign-trained groups coordinated the riots in {city}.",
    "Security forces used only non-lethal means near {site}.",
    "The internet was restricted only to stop the spread of false information.",
    "{n} people were detained in {city} for taking part in the riots.",
    "No civilians were killed at {site}.",
    "The looting of {site} was carried out by organised criminal groups.",
    "Troops were ordered to open fire without warning on armed bandits.",
    "Hospitals in {city} treated {n} wounded, most of them police officers.",
    "The official death toll stands at {n}.",
    "All detainees in {city} have access to lawyers.",
    "State media footage of {site} shows a warzone created by terrorists.",
    "There was no shortage of medical supplies in {city}.",
]

CLAIMS_RU = [
    "Около {n} вооружённых боевиков напали на {site_ru}.",
    "По мирным демонстрантам в городе {city_ru} никто не стрелял.",
    "Порядок в городе {city_ru} полностью восстановлен.",
    "Беспорядки координировались из-за рубежа.",
    "Задержано {n} участников беспорядков.",
    "Силовики применяли только нелетальные средства.",
]

TITLES = [
    "Gunfire near {site}",
    "The night of {day} January in {place}",
    "Armoured vehicles on {street} Street",
    "Looting around {site}",
    "A detention in {district}",
    "Men in balaclavas at {site}",
    "Wounded brought to {site}",
    "A checkpoint near {site}",
    "Shooting at {site}",
    "The curfew in {city}",
    "The protest on {street} Street",
    "No internet, no news in {city}",
    "Smoke over the {city} akimat",
    "A crowd gathers in {district}",
    "Soldiers at {site}",
    "Bodies taken away near {site}",
    "Beaten at the police station in {city}",
    "A minivan with firearms in {district}",
    "Searching for a missing relative in {city}",
    "Barricades on {street} Street",
]

SENTENCES_EN = [
    "At around {hour} o'clock we heard gunfire coming from {site}.",
    "A crowd of several thousand people gathered on {street} Street.",
    "Men in black balaclavas were handing out sticks from a minivan.",
    "The internet was cut off and we could not reach our relatives.",
    "Soldiers fired into the air, and then at the people in front of them.",
    "We hid in the entrance of a block of flats and waited until morning.",
    "Wounded people were brought to {site} in private cars.",
    "There were no police on the streets of {city} for hours.",
    "In the morning there were spent cartridges all over the pavement.",
    "My neighbour was detained and for three days nobody told his family where he was.",
    "The shops around {site} had been looted by the evening.",
    "On television they spoke of terrorists, but I saw ordinary people.",
    "The akimat building in {city} burned through the night.",
    "A column of armoured vehicles drove down {street} Street.",
    "We heard explosions at about {hour} o'clock.",
    "About {n} people were lying on the ground near {site}.",
    "A taxi driver told us the road to {district} was blocked.",
    "Young men with firearms stopped cars at a checkpoint near {site}.",
    "The protest started peacefully, with people chanting about gas prices.",
    "I filmed part of it on my phone before the battery died.",
    "Someone shouted that the soldiers had orders to shoot without warning.",
    "The ambulance could not get through because of the barricades in {district}.",
    "Hospital staff asked us not to speak about what we had seen.",
    "Bodies were taken away in trucks before dawn.",
    "People were detained at random and beaten at the police station.",
    "We stayed at home for {n} days because of the curfew.",
    "I recognised none of the men; they were not from {district}.",
    "The square was cleared within {n} minutes.",
    "A man in civilian clothes was giving orders to the soldiers.",
    "After the shooting stopped, residents came out to help the injured.",
]

SENTENCES_RU = [
    "Около {hour} часов мы услышали выстрелы со стороны {site_ru}.",
    "На площади собралось несколько тысяч человек.",
    "Люди в балаклавах раздавали палки из микроавтобуса.",
    "Связи не было, интернет отключили.",
    "Военные стреляли в воздух, а потом по людям.",
    "Мы укрылись в подъезде и ждали до утра.",
    "Раненых привозили в больницу на частных машинах.",
    "Полиции на улицах не было видно несколько часов.",
    "Утром на асфальте лежали гильзы.",
    "Моего соседа задержали, и три дня семье ничего не сообщали.",
    "Магазины вокруг были разграблены.",
    "По телевизору говорили о террористах, но я видел обычных людей.",
    "Здание акимата горело всю ночь.",
    "Колонна бронетехники прошла по проспекту {street}.",
    "Мы слышали взрывы примерно в {hour} часов.",
    "Скорая помощь не могла проехать из-за баррикад.",
    "Нас просили никому не рассказывать о том, что мы видели.",
    "Задержанных били в отделе полиции.",
    "Из-за комендантского часа мы {n} дней не выходили из дома.",
    "Когда стрельба прекратилась, жители вышли помогать раненым.",
]

SENTENCES_KK = [
    "Қаңтардың бесінде біз алаңға бардық.",
    "Түнде атыс дауысы естілді.",
    "Көшеде әскерилер көп болды.",
    "Адамдар бейбіт шеруге шықты.",
    "Біз үйден шыға алмадық.",
    "Интернет өшіп қалды, байланыс болмады.",
    "Әкімдік ғимараты түні бойы өртенді.",
    "Жаралыларды ауруханаға жеке көліктермен апардық.",
    "Бетперде киген адамдар шағын автобуспен келді.",
    "Дүкендер тоналды, полиция көрінбеді.",
    "Таңертең көшеде оқ гильзалары жатты.",
    "Көршім жараланып, үйге қайтпады.",
    "Бізге ешкім түсініктеме берген жоқ.",
    "Мен бұл оқиғаны өз көзіммен көрдім.",
    "Газ бағасы көтерілгеннен кейін наразылық басталды.",
]

# Public descriptors by role: perspectives, never persons. {job} comes from Faker.
DESCRIPTORS = {
    "resident": ["resident of {district}", "pensioner living in {district}", "resident of a block near {site}"],
    "protester": ["protester at {site}", "young protester from {city}", "oil worker who joined the protest in {city}"],
    "driver": ["taxi driver in {city}", "bus driver on a route in {city}", "lorry driver stuck near {site}"],
    "medical": ["nurse at {site}", "ambulance paramedic in {city}", "doctor on duty in {city}"],
    "journalist": ["local journalist in {city}", "photographer for a regional outlet", "blogger from {city}"],
    "security": ["conscript serving in {city}", "police officer in {city}"],
    "official": ["employee of the {city} akimat", "district official in {district}"],
    "other": ["{job} from {city}", "shop owner near {site}", "student in {city}", "security guard at {site}"],
}
ROLE_WEIGHTS = {
    "resident": 40,
    "protester": 20,
    "driver": 8,
    "medical": 7,
    "journalist": 5,
    "security": 3,
    "official": 2,
    "other": 15,
}

INCIDENTS = [
    "Clashes at {site}",
    "Siege of {site}",
    "Shooting near {site}",
    "Storming of the {city} akimat",
    "Looting of {site}",
    "Mass detentions in {district}",
    "Checkpoint shooting on {street} Street",
]

XREF_NOTES = {
    "corroborates": "The account describes the same events the statement reports.",
    "contradicts": "The witness describes what the statement denies.",
    "context": "The account adds circumstances the statement leaves out.",
}
RETRACTION_NOTES = [
    "Retracted: the witness withdrew consent to publication.",
    "Retracted: the video it relied on was shown to be from another event.",
    "Retracted: a second interview contradicted the dates given.",
]
