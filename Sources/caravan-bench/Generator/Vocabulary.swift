import Foundation

/// The long tail of a real CV: clients, employers and universities. Without it the corpus would have a
/// few hundred distinct words, every posting list would be long, and the benchmark would measure an
/// unusually hard case (real text follows Zipf: a few very common words, thousands of rare ones).
enum Vocabulary {
    /// Who a project was for: Russian genitive after "для", and English.
    static let clients: [(russian: String, english: String)] = pairs("""
    сети аптек|a pharmacy chain
    оператора связи|a telecom operator
    маркетплейса одежды|a fashion marketplace
    службы такси|a taxi service
    авиакомпании|an airline
    страховой компании|an insurance company
    онлайн-банка|an online bank
    ритейлера электроники|an electronics retailer
    службы доставки еды|a food delivery service
    онлайн-кинотеатра|a streaming service
    школы программирования|a coding school
    медицинской клиники|a medical clinic
    агрохолдинга|an agricultural holding
    энергетической компании|a power utility
    нефтяной компании|an oil company
    металлургического завода|a steel plant
    застройщика|a property developer
    логистического оператора|a logistics operator
    туристического сервиса|a travel service
    сервиса бронирования отелей|a hotel booking service
    портала госуслуг|a public services portal
    налоговой службы|a tax service
    университета|a university
    микрофинансовой организации|a microfinance company
    криптобиржи|a crypto exchange
    игровой студии|a game studio
    автодилера|a car dealer
    каршеринга|a car sharing service
    сети фитнес-клубов|a fitness club chain
    ресторанной сети|a restaurant chain
    сети АЗС|a filling station chain
    почтовой службы|a postal service
    электронной библиотеки|a digital library
    музыкального сервиса|a music streaming service
    новостного портала|a news portal
    рекламной платформы|an advertising platform
    HR-платформы|an HR platform
    сервиса аренды жилья|a rental platform
    стоматологической клиники|a dental clinic
    хлопкового кластера|a cotton cluster
    текстильной фабрики|a textile factory
    горнодобывающей компании|a mining company
    международного аэропорта|an international airport
    железной дороги|a railway company
    морского порта|a seaport
    сети супермаркетов|a supermarket chain
    ювелирного магазина|a jewellery store
    книжного издательства|a book publisher
    благотворительного фонда|a charity
    производителя мебели|a furniture maker
    """)

    /// Employers people in the region name on a CV.
    static let employers = words("""
    EPAM Yandex Ozon Wildberries Avito Tinkoff Sber Kaspi Kolesa Chocofamily Uzum Payme Click Beeline Ucell \
    Megafon Tcell Babilon Halyk Jusan Ameriabank Picsart Krisp Softclub IBA Wargaming Itransition Andersen \
    Exadel VK Kontur Positive Lamoda Airba Freedom Humo Korzinka Artel Ucom Idram Zypl Alif Dodo Tabys Naimi
    """)

    static let universities: [(russian: String, english: String)] = pairs("""
    ТУИТ|TUIT
    НУУз|National University of Uzbekistan
    ИНХА|Inha University in Tashkent
    ТГТУ|Tashkent State Technical University
    ТТУ|Tajik Technical University
    РТСУ|Russian-Tajik Slavonic University
    КРСУ|Kyrgyz-Russian Slavic University
    КГТУ|Kyrgyz State Technical University
    АУЦА|American University of Central Asia
    КазНУ|Al-Farabi Kazakh National University
    КБТУ|Kazakh-British Technical University
    МУИТ|International IT University
    ЕГУ|Yerevan State University
    НПУА|National Polytechnic University of Armenia
    БГУИР|BSUIR
    БГУ|Belarusian State University
    МГУ|Moscow State University
    МФТИ|MIPT
    ИТМО|ITMO University
    МИФИ|MEPhI
    НГУ|Novosibirsk State University
    УрФУ|Ural Federal University
    КФУ|Kazan Federal University
    ТПУ|Tomsk Polytechnic University
    """)

    private static func pairs(_ table: String) -> [(russian: String, english: String)] {
        table.split(separator: "\n").map { line in
            let parts = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            return (parts[0], parts[1])
        }
    }

    private static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    }
}
