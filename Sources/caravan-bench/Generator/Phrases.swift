/// A thing specialists build, in the Russian cases the summary templates need, and in English.
///
/// Listed rather than derived: Russian adjective–noun phrases inflect irregularly enough that a rule
/// would be wrong often, and the benchmark's queries depend on these forms meeting in the stemmer.
struct ObjectPhrase: Sendable {
    let nominative: String
    let genitive: String
    let accusative: String
    let instrumental: String
    let prepositional: String
    let english: String
}

enum Phrases {
    static let objects: [String: ObjectPhrase] = {
        var table: [String: ObjectPhrase] = [:]
        for line in objectTable.split(separator: "\n") {
            let f = line.split(separator: "|").map(String.init)
            precondition(f.count == 7, "bad phrase line: \(line)")
            table[f[0]] = ObjectPhrase(nominative: f[1], genitive: f[2], accusative: f[3], instrumental: f[4],
                                       prepositional: f[5], english: f[6])
        }
        return table
    }()

    // key | nominative | genitive | accusative | instrumental | prepositional | English
    private static let objectTable = """
    microservices|микросервисы|микросервисов|микросервисы|микросервисами|микросервисах|microservices
    highload|высоконагруженные системы|высоконагруженных систем|высоконагруженные системы|высоконагруженными системами|высоконагруженных системах|high-load systems
    payments|платежные сервисы|платежных сервисов|платежные сервисы|платежными сервисами|платежных сервисах|payment services
    banking|банковские системы|банковских систем|банковские системы|банковскими системами|банковских системах|banking systems
    api|REST API|REST API|REST API|REST API|REST API|REST APIs
    integrations|интеграции с внешними системами|интеграций с внешними системами|интеграции с внешними системами|интеграциями с внешними системами|интеграциях с внешними системами|integrations with external systems
    backoffice|внутренние сервисы|внутренних сервисов|внутренние сервисы|внутренними сервисами|внутренних сервисах|internal services
    bots|телеграм-боты|телеграм-ботов|телеграм-боты|телеграм-ботами|телеграм-ботах|Telegram bots
    streaming|потоковые системы обработки событий|потоковых систем обработки событий|потоковые системы обработки событий|потоковыми системами обработки событий|потоковых системах обработки событий|event streaming systems
    eshops|интернет-магазины|интернет-магазинов|интернет-магазины|интернет-магазинами|интернет-магазинах|online stores
    crm|CRM-системы|CRM-систем|CRM-системы|CRM-системами|CRM-системах|CRM systems
    websites|корпоративные сайты|корпоративных сайтов|корпоративные сайты|корпоративными сайтами|корпоративных сайтах|corporate websites
    realtime|сервисы реального времени|сервисов реального времени|сервисы реального времени|сервисами реального времени|сервисах реального времени|real-time services
    interfaces|пользовательские интерфейсы|пользовательских интерфейсов|пользовательские интерфейсы|пользовательскими интерфейсами|пользовательских интерфейсах|user interfaces
    webapps|веб-приложения|веб-приложений|веб-приложения|веб-приложениями|веб-приложениях|web applications
    spa|одностраничные приложения|одностраничных приложений|одностраничные приложения|одностраничными приложениями|одностраничных приложениях|single-page applications
    accounts|личные кабинеты клиентов|личных кабинетов клиентов|личные кабинеты клиентов|личными кабинетами клиентов|личных кабинетах клиентов|customer portals
    admin|административные панели|административных панелей|административные панели|административными панелями|административных панелях|admin dashboards
    mobileapps|мобильные приложения|мобильных приложений|мобильные приложения|мобильными приложениями|мобильных приложениях|mobile applications
    mlmodels|модели машинного обучения|моделей машинного обучения|модели машинного обучения|моделями машинного обучения|моделях машинного обучения|machine learning models
    recsys|рекомендательные системы|рекомендательных систем|рекомендательные системы|рекомендательными системами|рекомендательных системах|recommendation systems
    forecasting|модели прогнозирования спроса|моделей прогнозирования спроса|модели прогнозирования спроса|моделями прогнозирования спроса|моделях прогнозирования спроса|demand forecasting models
    nlpsystems|системы обработки текстов|систем обработки текстов|системы обработки текстов|системами обработки текстов|системах обработки текстов|text processing pipelines
    antifraud|антифрод-системы|антифрод-систем|антифрод-системы|антифрод-системами|антифрод-системах|fraud detection systems
    dwh|корпоративные хранилища данных|корпоративных хранилищ данных|корпоративные хранилища данных|корпоративными хранилищами данных|корпоративных хранилищах данных|data warehouses
    etl|ETL-процессы|ETL-процессов|ETL-процессы|ETL-процессами|ETL-процессах|ETL processes
    pipelines|конвейеры данных|конвейеров данных|конвейеры данных|конвейерами данных|конвейерах данных|data pipelines
    dashboards|дашборды|дашбордов|дашборды|дашбордами|дашбордах|dashboards
    reports|отчеты для руководства|отчетов для руководства|отчеты для руководства|отчетами для руководства|отчетах для руководства|management reports
    abtests|A/B-тесты|A/B-тестов|A/B-тесты|A/B-тестами|A/B-тестах|A/B tests
    clusters|кластеры Kubernetes|кластеров Kubernetes|кластеры Kubernetes|кластерами Kubernetes|кластерах Kubernetes|Kubernetes clusters
    monitoringsys|системы мониторинга|систем мониторинга|системы мониторинга|системами мониторинга|системах мониторинга|monitoring systems
    infrastructure|облачная инфраструктура|облачной инфраструктуры|облачную инфраструктуру|облачной инфраструктурой|облачной инфраструктуре|cloud infrastructure
    autotests|автотесты|автотестов|автотесты|автотестами|автотестах|automated tests
    testcases|тестовые сценарии|тестовых сценариев|тестовые сценарии|тестовыми сценариями|тестовых сценариях|test cases
    loadtests|нагрузочные тесты|нагрузочных тестов|нагрузочные тесты|нагрузочными тестами|нагрузочных тестах|load tests
    frameworks|фреймворки автотестирования|фреймворков автотестирования|фреймворки автотестирования|фреймворками автотестирования|фреймворках автотестирования|test automation frameworks
    configurations|типовые конфигурации|типовых конфигураций|типовые конфигурации|типовыми конфигурациями|типовых конфигурациях|standard configurations
    accounting|системы бухгалтерского учета|систем бухгалтерского учета|системы бухгалтерского учета|системами бухгалтерского учета|системах бухгалтерского учета|accounting systems
    designsystems|дизайн-системы|дизайн-систем|дизайн-системы|дизайн-системами|дизайн-системах|design systems
    prototypes|интерактивные прототипы|интерактивных прототипов|интерактивные прототипы|интерактивными прототипами|интерактивных прототипах|interactive prototypes
    servers|серверы и рабочие станции|серверов и рабочих станций|серверы и рабочие станции|серверами и рабочими станциями|серверах и рабочих станциях|servers and workstations
    networks|корпоративные сети|корпоративных сетей|корпоративные сети|корпоративными сетями|корпоративных сетях|corporate networks
    audits|аудиты безопасности|аудитов безопасности|аудиты безопасности|аудитами безопасности|аудитах безопасности|security audits
    pentests|тесты на проникновение|тестов на проникновение|тесты на проникновение|тестами на проникновение|тестах на проникновение|penetration tests
    incidents|инциденты безопасности|инцидентов безопасности|инциденты безопасности|инцидентами безопасности|инцидентах безопасности|security incidents
    requirements|требования к системам|требований к системам|требования к системам|требованиями к системам|требованиях к системам|system requirements
    """

    /// Where people work: Russian prepositional ("в финтехе") and English ("in fintech").
    static let domains: [(russian: String, english: String)] = [
        ("финтехе", "fintech"), ("банке", "banking"), ("e-commerce", "e-commerce"), ("телекоме", "telecom"),
        ("госсекторе", "the public sector"), ("ритейле", "retail"), ("логистике", "logistics"),
        ("стартапе", "a startup"), ("аутсорсинговой компании", "an outsourcing company"),
        ("геймдеве", "game development"), ("медицинской компании", "healthcare"), ("страховой компании", "insurance"),
        ("образовательной платформе", "edtech"), ("маркетплейсе", "a marketplace"),
    ]

    /// Past-tense verbs taking an accusative object, masculine and feminine (Russian verbs agree in gender).
    static let verbsRU: [(masculine: String, feminine: String)] = [
        ("Разрабатывал", "Разрабатывала"), ("Проектировал", "Проектировала"), ("Поддерживал", "Поддерживала"),
        ("Внедрял", "Внедряла"), ("Оптимизировал", "Оптимизировала"), ("Создавал", "Создавала"),
        ("Развивал", "Развивала"), ("Сопровождал", "Сопровождала"),
    ]

    static let verbsEN = ["Developed", "Designed", "Maintained", "Built", "Optimized", "Delivered", "Scaled"]
    static let gerundsEN = ["developing", "designing", "building", "maintaining", "scaling"]

    /// "an engineer", "a developer": the role nouns all start with a letter whose sound is its vowel-ness.
    static func article(_ noun: String) -> String {
        "aeiou".contains(noun.first ?? "x") ? "an" : "a"
    }

    /// "1 год", "2 года", "5 лет", "11 лет", "21 год": Russian numerals choose the noun's form.
    static func years(_ n: Int) -> String {
        let lastTwo = n % 100, last = n % 10
        if (11...14).contains(lastTwo) { return "\(n) лет" }
        if last == 1 { return "\(n) год" }
        if (2...4).contains(last) { return "\(n) года" }
        return "\(n) лет"
    }
}
