/// First and last names of the region, by nationality, written in Cyrillic (as in a Russian document)
/// and transliterated to Latin (as in a passport or a CV written in English).
struct NamePool: Sendable {
    let male: [String]
    let female: [String]
    /// Surnames in their masculine form; `feminine(_:)` derives the feminine one.
    let surnames: [String]
    /// Latin spellings of every name above and of the feminine surnames, computed once.
    let latin: [String: String]

    init(male: [String], female: [String], surnames: [String]) {
        self.male = male
        self.female = female
        self.surnames = surnames
        var latin: [String: String] = [:]
        for name in male + female + surnames + surnames.map(Names.feminine) { latin[name] = Names.latin(name) }
        self.latin = latin
    }
}

enum Nationality: String, CaseIterable, Sendable {
    case uzbek, tajik, kyrgyz, kazakh, armenian, belarusian, russian

    /// ISO 3166-1 alpha-2 of the country whose citizens mostly carry these names.
    var country: String {
        switch self {
        case .uzbek: "uz"
        case .tajik: "tj"
        case .kyrgyz: "kg"
        case .kazakh: "kz"
        case .armenian: "am"
        case .belarusian: "by"
        case .russian: "ru"
        }
    }

    /// How often a specialist of this nationality writes their profile in Latin letters: Uzbekistan
    /// uses a Latin alphabet officially; elsewhere Latin mostly means an English CV.
    var latinShare: Double {
        switch self {
        case .uzbek: 0.55
        case .armenian: 0.3
        default: 0.2
        }
    }

    /// Parsed once per process: profiles ask for names millions of times.
    var names: NamePool { Self.pools[self]! }

    private static let pools: [Nationality: NamePool] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0, $0.makeNames()) })

    private func makeNames() -> NamePool {
        switch self {
        case .uzbek: NamePool(
            male: words("Алишер Азиз Бахтиёр Бобур Даврон Жасур Зафар Ильхом Исломжон Камолиддин Мансур Мирзо Нодир Отабек Рустам Санжар Сардор Тимур Улугбек Фаррух Хуршид Шерзод Шохрух Эльёр Юсуф Акмал Дилшод Жахонгир Анвар Бекзод"),
            female: words("Азиза Гулнора Дилноза Зарина Камила Лола Малика Мадина Нигора Нодира Севара Умида Феруза Шахноза Юлдуз Мохира Дильбар Гульчехра Барно Сабина"),
            surnames: words("Каримов Рахимов Усманов Юсупов Алиев Абдуллаев Исмаилов Хасанов Турсунов Ташкентов Назаров Саидов Мирзаев Эргашев Холматов Ахмедов Султанов Камалов Джураев Шарипов Махмудов Умаров Нуриддинов Бакиров Файзуллаев"))
        case .tajik: NamePool(
            male: words("Фирдавс Далер Сухроб Бахром Джамшед Рустам Манучехр Фаррух Шахзод Исмоил Некруз Парвиз Зафар Хуршед Сиёвуш Комрон Умед Шерали Фаридун Азиз"),
            female: words("Мехрона Фарангис Зарина Нилуфар Мадина Сабрина Ситора Гулчехра Тахмина Шахло Манижа Парвина Дилноза Нигина Рухшона"),
            surnames: words("Рахмонов Саидов Назаров Шарипов Каримов Мирзоев Давлатов Файзиев Юсуфов Холов Иброгимов Сафаров Кодиров Бобоев Джураев Назриев Рустамов Хакимов Одинаев Гафуров"))
        case .kyrgyz: NamePool(
            male: words("Айбек Азамат Бакыт Нурлан Эрлан Талант Улан Кубанычбек Бекболот Мирлан Нурбек Адилет Эламан Чынгыз Айдар Алмаз Данияр Жоомарт Курманбек Темирлан"),
            female: words("Айгерим Айпери Бермет Гулзат Жылдыз Нургуль Айжан Асель Мээрим Назгуль Чолпон Динара Алтынай Каныкей Айсулуу"),
            surnames: words("Абдылдаев Асанов Бакиев Джумабеков Исаков Кадыров Маматов Осмонов Сатыбалдиев Токтогулов Усенов Шамшиев Эсенбаев Жапаров Акматов Омурбеков Алымбеков Турдубаев Сыдыков Бейшеналиев"))
        case .kazakh: NamePool(
            male: words("Айдос Арман Асхат Бауыржан Даулет Ерлан Ержан Куаныш Нурсултан Олжас Санжар Тимур Ермек Дархан Алибек Адиль Диас Мейрам Серик Жандос"),
            female: words("Айгуль Айнур Асель Гульнара Дана Динара Жанар Камила Мадина Сауле Томирис Аружан Балжан Дильназ Жансая"),
            surnames: words("Ахметов Байжанов Есенов Жумабаев Искаков Кенжебаев Мусин Нурланов Омаров Сагинтаев Тулеуов Утегенов Абенов Сулейменов Бекмухамедов Сейтказиев Жаксылыков Касымов Оспанов Тлеубаев"))
        case .armenian: NamePool(
            male: words("Арам Армен Ашот Айк Гагик Давид Карен Левон Нарек Тигран Самвел Ваграм Рубен Артур Эдгар Гор Степан Арсен Ованнес Вардан"),
            female: words("Ани Анна Арпи Гаяне Лилит Мане Нарине Сона Тамара Анаит Астхик Мариам Ануш Каринэ Шушан"),
            surnames: words("Петросян Саргсян Акопян Григорян Мартиросян Аветисян Карапетян Оганесян Габриелян Манукян Варданян Арутюнян Асатрян Егиазарян Галстян Хачатрян Мкртчян Степанян Товмасян Симонян"))
        case .belarusian: NamePool(
            male: words("Алесь Андрей Артем Василий Владислав Денис Дмитрий Евгений Кирилл Максим Никита Павел Сергей Янка Виталий Антон Игорь Олег Роман Тихон"),
            female: words("Алеся Анастасия Валерия Дарья Екатерина Ирина Кристина Марина Ольга Светлана Татьяна Янина Полина Вероника Юлия"),
            surnames: words("Ковалев Новик Шевчук Козловский Лукашевич Мельник Бондаренко Карпович Ткачук Жук Климович Макаревич Савицкий Кравченко Богданович Гурский Петрович Василевич Лисовский Сидорчук"))
        case .russian: NamePool(
            male: words("Александр Алексей Андрей Антон Артем Владимир Глеб Даниил Дмитрий Егор Иван Илья Кирилл Максим Михаил Никита Павел Роман Сергей Степан"),
            female: words("Александра Алина Анна Вера Виктория Дарья Евгения Елизавета Ксения Мария Наталья Ольга Полина София Татьяна"),
            surnames: words("Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Федоров Морозов Волков Алексеев Лебедев Семенов Егоров Павлов Козлов Степанов Николаев"))
        }
    }
}

private func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }

enum Names {
    /// Russian surname grammar: -ов/-ев/-ин take -а, -ский becomes -ская; -ян, -ич, -ко, -ук do not change.
    static func feminine(_ surname: String) -> String {
        if surname.hasSuffix("ский") { return String(surname.dropLast(2)) + "ая" }
        if surname.hasSuffix("ов") || surname.hasSuffix("ев") || surname.hasSuffix("ин") { return surname + "а" }
        return surname
    }

    /// Passport-style (ICAO 9303) transliteration: what a Latin-script CV of these names looks like.
    static func latin(_ cyrillic: String) -> String {
        var out = ""
        var capitalizeNext = true
        for character in cyrillic {
            let lower = Character(character.lowercased())
            let isUpper = character != lower
            guard let mapped = table[lower] else {
                out.append(character)
                capitalizeNext = false
                continue
            }
            if mapped.isEmpty { continue }
            if isUpper || capitalizeNext && out.isEmpty {
                out += mapped.prefix(1).uppercased() + mapped.dropFirst()
            } else {
                out += mapped
            }
            capitalizeNext = false
        }
        return out
    }

    private static let table: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
        "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y",
        "ь": "", "э": "e", "ю": "iu", "я": "ia",
    ]
}
