import CaravanFlows
/// What a specialist does: titles, the skills that go with it and the things they build.
///
/// Skills are drawn slot by slot, so co-occurrence is realistic: a Java developer almost always has
/// Java, usually Spring Boot, one main database, often Kafka or RabbitMQ, and rarely Flutter.
struct Role: Sendable {
    let id: String
    /// ISCO-08 unit group, for vacancies and the observatory.
    let isco: String
    /// Relative frequency among specialists.
    let weight: Int
    let titlesRU: [String]
    let titlesEN: [String]
    /// The role noun used in summaries ("работаю разработчиком", "working as a developer").
    let nounsRU: [RoleNoun]
    let nounsEN: [String]
    let slots: [SkillSlot]
    /// Keys into `Phrases.objects`: what this role builds, for summaries and queries.
    let objects: [String]
    /// Median monthly salary of a middle specialist, in roubles.
    let salary: Int
    /// One-word skill spellings that people type into a search box for this role ("java", "react").
    let querySkills: [String]
}

/// One slot of a role's skill set: with probability `probability`, one option (by weight) is taken.
struct SkillSlot: Sendable {
    let probability: Double
    let options: Weighted<String>

    /// "0.9 postgresql:5|mysql:2|oracle-db:2" — compact enough to read a role's stack at a glance.
    init(_ spec: String) {
        let parts = spec.split(separator: " ", maxSplits: 1)
        probability = Double(parts[0])!
        options = Weighted(parts[1].split(separator: "|").map { option in
            let pair = option.split(separator: ":")
            return (String(pair[0]), pair.count > 1 ? Int(pair[1])! : 1)
        })
    }
}

/// A Russian masculine role noun with a hard consonant stem (разработчик, инженер, аналитик…):
/// all of them inflect by the same endings, so the forms are derived rather than listed.
struct RoleNoun: Sendable {
    let nominative: String

    init(_ nominative: String) { self.nominative = nominative }

    /// After к, г, х, ж, ш, ч, щ the plural ending is -и, otherwise -ы (spelling rule).
    private var pluralVowel: String {
        let last = nominative.last!
        return "кгхжшчщ".contains(last) ? "и" : "ы"
    }

    var genitive: String { nominative + "а" }
    var instrumental: String { nominative + "ом" }
    var nominativePlural: String { nominative + pluralVowel }
    var genitivePlural: String { nominative + "ов" }
    var datativePlural: String { nominative + "ам" }
}

enum Roles {
    static let all: [Role] = [
        Role(id: "java-backend", isco: "2512", weight: 12,
             titlesRU: ["Java-разработчик", "Программист Java", "Backend-разработчик (Java)", "Java-программист"],
             titlesEN: ["Java Developer", "Java Software Engineer", "Backend Developer (Java)"],
             nounsRU: nouns("разработчик:3 программист:1"), nounsEN: ["developer", "engineer", "programmer"],
             slots: slots(["1 java", "0.85 spring-boot", "0.6 spring", "0.45 hibernate", "0.4 maven:1|gradle:1",
                           "0.9 postgresql:5|mysql:2|oracle-db:2|mongodb:1", "0.6 kafka:3|rabbitmq:2",
                           "0.7 docker", "0.4 kubernetes", "0.7 git", "0.5 microservices", "0.5 rest",
                           "0.2 kotlin", "0.3 redis", "0.3 junit", "0.15 spring-cloud", "0.2 elasticsearch"]),
             objects: ["microservices", "highload", "payments", "banking", "api", "integrations"],
             salary: 250_000, querySkills: ["java", "spring", "kafka", "hibernate", "postgresql"]),
        Role(id: "python-backend", isco: "2512", weight: 9,
             titlesRU: ["Python-разработчик", "Backend-разработчик (Python)", "Программист Python"],
             titlesEN: ["Python Developer", "Backend Engineer (Python)", "Python Backend Developer"],
             nounsRU: nouns("разработчик:3 программист:1"), nounsEN: ["developer", "engineer"],
             slots: slots(["1 python", "0.8 django:4|fastapi:4|flask:2", "0.3 django-rest-framework",
                           "0.85 postgresql:6|mysql:2|mongodb:2", "0.5 redis", "0.4 celery", "0.3 sqlalchemy",
                           "0.3 asyncio", "0.7 docker", "0.7 git", "0.3 rabbitmq:1|kafka:1", "0.4 rest",
                           "0.2 linux", "0.25 pytest"]),
             objects: ["microservices", "api", "backoffice", "integrations", "bots", "highload"],
             salary: 230_000, querySkills: ["python", "django", "fastapi", "flask", "postgresql"]),
        Role(id: "go-backend", isco: "2512", weight: 5,
             titlesRU: ["Go-разработчик", "Golang-разработчик", "Backend-разработчик (Go)"],
             titlesEN: ["Go Developer", "Golang Engineer", "Backend Developer (Go)"],
             nounsRU: nouns("разработчик:3 инженер:1"), nounsEN: ["developer", "engineer"],
             slots: slots(["1 go", "0.85 postgresql:5|clickhouse:1|mongodb:1", "0.6 kafka:3|nats:1|rabbitmq:1",
                           "0.6 grpc", "0.7 docker", "0.6 kubernetes", "0.5 redis", "0.6 microservices",
                           "0.7 git", "0.3 prometheus", "0.2 gin:1|echo:1"]),
             objects: ["microservices", "highload", "payments", "api", "streaming"],
             salary: 280_000, querySkills: ["golang", "grpc", "kafka", "kubernetes"]),
        Role(id: "php-backend", isco: "2513", weight: 6,
             titlesRU: ["PHP-разработчик", "Программист PHP", "Backend-разработчик (PHP)", "Разработчик 1С-Битрикс"],
             titlesEN: ["PHP Developer", "Backend Developer (PHP)", "Laravel Developer"],
             nounsRU: nouns("разработчик:3 программист:2"), nounsEN: ["developer", "programmer"],
             slots: slots(["1 php", "0.8 laravel:4|symfony:3|yii:1|bitrix:2|wordpress:1", "0.85 mysql:5|postgresql:3",
                           "0.5 redis", "0.6 docker", "0.7 git", "0.5 javascript", "0.4 html", "0.4 css",
                           "0.3 nginx", "0.3 rest", "0.2 rabbitmq"]),
             objects: ["eshops", "api", "crm", "integrations", "websites"],
             salary: 180_000, querySkills: ["php", "laravel", "symfony", "mysql", "битрикс"]),
        Role(id: "dotnet-backend", isco: "2512", weight: 5,
             titlesRU: [".NET-разработчик", "Программист C#", "Backend-разработчик (C#)"],
             titlesEN: [".NET Developer", "C# Developer", "Backend Engineer (.NET)"],
             nounsRU: nouns("разработчик:3 программист:1"), nounsEN: ["developer", "engineer"],
             slots: slots(["1 csharp", "0.9 dotnet", "0.6 aspnet", "0.5 entity-framework",
                           "0.85 sql-server:5|postgresql:4", "0.5 docker", "0.7 git", "0.3 rabbitmq:2|kafka:1",
                           "0.4 microservices", "0.3 rest", "0.15 wpf", "0.2 azure", "0.3 tsql"]),
             objects: ["microservices", "banking", "api", "integrations", "backoffice"],
             salary: 240_000, querySkills: ["c#", ".net", "asp.net"]),
        Role(id: "node-backend", isco: "2512", weight: 4,
             titlesRU: ["Node.js-разработчик", "Backend-разработчик (Node.js)"],
             titlesEN: ["Node.js Developer", "Backend Engineer (Node.js)"],
             nounsRU: nouns("разработчик:1"), nounsEN: ["developer", "engineer"],
             slots: slots(["1 nodejs", "0.85 typescript", "0.6 nestjs:3|express:3|koa:1", "0.85 postgresql:3|mongodb:3|mysql:1",
                           "0.4 redis", "0.6 docker", "0.7 git", "0.3 graphql", "0.4 rest", "0.3 rabbitmq:1|kafka:1"]),
             objects: ["microservices", "api", "bots", "realtime"],
             salary: 230_000, querySkills: ["node.js", "typescript", "nestjs", "mongodb"]),
        Role(id: "frontend", isco: "2513", weight: 12,
             titlesRU: ["Frontend-разработчик", "Фронтенд-разработчик", "React-разработчик", "Верстальщик"],
             titlesEN: ["Frontend Developer", "React Developer", "Frontend Engineer", "Vue.js Developer"],
             nounsRU: nouns("разработчик:4 верстальщик:1"), nounsEN: ["developer", "engineer"],
             slots: slots(["1 javascript", "0.75 typescript", "0.95 react:6|vue:3|angular:2", "0.4 redux:3|mobx:1|vuex:1|pinia:1",
                           "0.8 html", "0.8 css", "0.4 sass", "0.5 webpack:3|vite:2", "0.7 git", "0.3 jest",
                           "0.2 nextjs:2|nuxt:1", "0.2 tailwind", "0.3 figma", "0.2 rest", "0.1 storybook"]),
             objects: ["interfaces", "webapps", "spa", "accounts", "eshops", "admin"],
             salary: 200_000, querySkills: ["react", "vue", "angular", "typescript", "javascript"]),
        Role(id: "ios", isco: "2514", weight: 4,
             titlesRU: ["iOS-разработчик", "Разработчик мобильных приложений (iOS)"],
             titlesEN: ["iOS Developer", "iOS Engineer", "Mobile Developer (iOS)"],
             nounsRU: nouns("разработчик:1"), nounsEN: ["developer", "engineer"],
             slots: slots(["1 swift", "0.95 ios", "0.7 swiftui", "0.7 uikit", "0.5 combine", "0.4 core-data",
                           "0.6 xcode", "0.7 git", "0.3 firebase", "0.2 objective-c", "0.3 rest", "0.2 xctest"]),
             objects: ["mobileapps", "banking", "accounts"],
             salary: 260_000, querySkills: ["ios", "swift", "swiftui"]),
        Role(id: "android", isco: "2514", weight: 5,
             titlesRU: ["Android-разработчик", "Разработчик мобильных приложений (Android)"],
             titlesEN: ["Android Developer", "Android Engineer", "Mobile Developer (Android)"],
             nounsRU: nouns("разработчик:1"), nounsEN: ["developer", "engineer"],
             slots: slots(["1 kotlin", "0.95 android", "0.6 jetpack-compose", "0.5 android-jetpack", "0.4 java",
                           "0.3 rxjava", "0.3 firebase", "0.7 git", "0.3 rest", "0.15 kotlin-multiplatform"]),
             objects: ["mobileapps", "banking", "accounts"],
             salary: 250_000, querySkills: ["android", "kotlin", "compose"]),
        Role(id: "flutter", isco: "2514", weight: 3,
             titlesRU: ["Flutter-разработчик", "Мобильный разработчик (Flutter)"],
             titlesEN: ["Flutter Developer", "Mobile Developer (Flutter)"],
             nounsRU: nouns("разработчик:1"), nounsEN: ["developer"],
             slots: slots(["1 flutter", "0.95 dart", "0.5 firebase", "0.6 git", "0.3 rest", "0.2 kotlin:1|swift:1"]),
             objects: ["mobileapps", "eshops"],
             salary: 210_000, querySkills: ["flutter", "dart"]),
        Role(id: "data-scientist", isco: "2511", weight: 5,
             titlesRU: ["Data Scientist", "ML-инженер", "Специалист по машинному обучению", "Инженер машинного обучения"],
             titlesEN: ["Data Scientist", "Machine Learning Engineer", "ML Engineer"],
             nounsRU: nouns("инженер:2 специалист:1 аналитик:1"), nounsEN: ["engineer", "scientist"],
             slots: slots(["1 python", "0.95 machine-learning", "0.8 pandas", "0.7 numpy", "0.7 scikit-learn",
                           "0.7 pytorch:3|tensorflow:2|keras:1", "0.6 sql", "0.5 statistics", "0.5 deep-learning",
                           "0.4 nlp:3|computer-vision:3|recommender-systems:2|time-series:1", "0.3 catboost:2|xgboost:2|lightgbm:1",
                           "0.3 jupyter", "0.25 mlops", "0.2 llm", "0.3 git", "0.2 docker"]),
             objects: ["mlmodels", "recsys", "forecasting", "nlpsystems", "antifraud"],
             salary: 280_000, querySkills: ["python", "pytorch", "tensorflow", "pandas"]),
        Role(id: "data-engineer", isco: "2521", weight: 4,
             titlesRU: ["Data Engineer", "Инженер данных", "Разработчик DWH", "ETL-разработчик"],
             titlesEN: ["Data Engineer", "Big Data Engineer", "DWH Developer"],
             nounsRU: nouns("инженер:2 разработчик:1"), nounsEN: ["engineer", "developer"],
             slots: slots(["0.9 python", "1 sql", "0.7 apache-spark", "0.6 airflow", "0.5 kafka", "0.5 clickhouse:3|greenplum:2|postgresql:3",
                           "0.4 hadoop", "0.3 hive", "0.5 etl", "0.5 dwh", "0.2 dbt", "0.3 docker", "0.2 scala", "0.5 git"]),
             objects: ["dwh", "etl", "pipelines", "streaming"],
             salary: 260_000, querySkills: ["spark", "airflow", "clickhouse", "hadoop", "sql"]),
        Role(id: "data-analyst", isco: "2511", weight: 5,
             titlesRU: ["Аналитик данных", "BI-аналитик", "Продуктовый аналитик", "Data Analyst"],
             titlesEN: ["Data Analyst", "BI Analyst", "Product Analyst"],
             nounsRU: nouns("аналитик:1"), nounsEN: ["analyst"],
             slots: slots(["1 sql", "0.7 excel", "0.7 python", "0.6 pandas", "0.7 power-bi:3|tableau:2|superset:2|looker:1",
                           "0.5 statistics", "0.4 ab-testing", "0.3 clickhouse:1|postgresql:2", "0.3 data-visualization",
                           "0.2 google-sheets", "0.2 jupyter"]),
             objects: ["dashboards", "reports", "abtests", "forecasting"],
             salary: 170_000, querySkills: ["sql", "tableau", "excel", "python"]),
        Role(id: "devops", isco: "2522", weight: 7,
             titlesRU: ["DevOps-инженер", "SRE-инженер", "Инженер инфраструктуры", "Системный инженер DevOps"],
             titlesEN: ["DevOps Engineer", "Site Reliability Engineer", "Platform Engineer", "Cloud Engineer"],
             nounsRU: nouns("инженер:3 администратор:1"), nounsEN: ["engineer", "administrator"],
             slots: slots(["1 linux", "0.9 docker", "0.85 kubernetes", "0.6 terraform", "0.6 ansible",
                           "0.8 gitlab-ci:4|jenkins:3|github-actions:2|teamcity:1", "0.6 prometheus", "0.6 grafana",
                           "0.5 aws:2|yandex-cloud:3|gcp:1|azure:1|vk-cloud:1", "0.5 bash", "0.5 helm", "0.4 ci-cd",
                           "0.3 nginx", "0.3 python:2|go:1", "0.2 elk", "0.2 argocd", "0.2 vault", "0.5 git"]),
             objects: ["pipelines", "clusters", "monitoringsys", "infrastructure", "highload"],
             salary: 270_000, querySkills: ["kubernetes", "docker", "terraform", "ansible", "linux"]),
        Role(id: "qa-automation", isco: "2519", weight: 5,
             titlesRU: ["Инженер по автоматизации тестирования", "QA-инженер (автоматизация)", "Автотестировщик"],
             titlesEN: ["QA Automation Engineer", "SDET", "Test Automation Engineer"],
             nounsRU: nouns("инженер:2 тестировщик:2"), nounsEN: ["engineer", "tester"],
             slots: slots(["1 test-automation", "0.9 qa", "0.8 java:1|python:1|javascript:1", "0.7 selenium:3|playwright:2|cypress:2|appium:1",
                           "0.5 pytest:1|junit:1|testng:1", "0.5 api-testing", "0.5 postman", "0.4 allure", "0.3 jmeter",
                           "0.4 sql", "0.5 git", "0.3 docker", "0.3 ci-cd"]),
             objects: ["autotests", "testcases", "loadtests", "frameworks"],
             salary: 190_000, querySkills: ["selenium", "playwright", "autotests", "pytest"]),
        Role(id: "qa-manual", isco: "2519", weight: 4,
             titlesRU: ["Тестировщик", "QA-инженер", "Инженер по тестированию"],
             titlesEN: ["QA Engineer", "Manual QA Engineer", "Software Tester"],
             nounsRU: nouns("тестировщик:2 инженер:1"), nounsEN: ["tester", "engineer"],
             slots: slots(["1 qa", "0.5 testrail", "0.6 postman", "0.7 jira", "0.5 sql", "0.5 api-testing",
                           "0.4 mobile-testing", "0.3 confluence", "0.2 load-testing"]),
             objects: ["testcases", "mobileapps", "webapps"],
             salary: 120_000, querySkills: ["qa", "postman", "jira"]),
        Role(id: "1c", isco: "2512", weight: 6,
             titlesRU: ["Программист 1С", "Разработчик 1С", "Консультант 1С", "Ведущий программист 1С"],
             titlesEN: ["1C Developer", "1C Programmer"],
             nounsRU: nouns("программист:3 разработчик:2 консультант:1"), nounsEN: ["developer", "programmer"],
             slots: slots(["1 1c-programming", "0.9 1c-enterprise", "0.5 1c-accounting", "0.4 1c-zup", "0.4 1c-erp:2|1c-ut:2|1c-ka:1",
                           "0.4 1c-skd", "0.3 1c-bsp", "0.3 1c-integration", "0.2 1c-document-flow", "0.2 1c-administration",
                           "0.3 sql"]),
             objects: ["configurations", "reports", "integrations", "accounting"],
             salary: 180_000, querySkills: ["1с", "бухгалтерия", "зуп"]),
        Role(id: "designer", isco: "2166", weight: 5,
             titlesRU: ["UX/UI-дизайнер", "Продуктовый дизайнер", "Веб-дизайнер", "Дизайнер интерфейсов"],
             titlesEN: ["UI/UX Designer", "Product Designer", "Web Designer"],
             nounsRU: nouns("дизайнер:1"), nounsEN: ["designer"],
             slots: slots(["1 figma", "0.7 ui-design", "0.6 ux-design", "0.5 prototyping", "0.4 design-systems",
                           "0.4 photoshop", "0.3 illustrator", "0.3 usability-testing", "0.2 after-effects", "0.2 web-design",
                           "0.15 html:1|css:1", "0.1 blender"]),
             objects: ["interfaces", "designsystems", "prototypes", "mobileapps", "websites"],
             salary: 160_000, querySkills: ["figma", "photoshop", "прототипы"]),
        Role(id: "sysadmin", isco: "2522", weight: 4,
             titlesRU: ["Системный администратор", "Сетевой инженер", "Администратор Linux"],
             titlesEN: ["System Administrator", "Network Engineer", "Linux Administrator"],
             nounsRU: nouns("администратор:3 инженер:1"), nounsEN: ["administrator", "engineer"],
             slots: slots(["0.9 linux", "0.6 windows-server", "0.5 active-directory", "0.7 networking", "0.5 vmware:2|virtualization:1",
                           "0.5 bash", "0.4 zabbix", "0.4 cisco:2|mikrotik:2|juniper:1", "0.3 nginx", "0.3 backup", "0.2 powershell",
                           "0.2 docker", "0.2 vpn", "0.2 dns"]),
             objects: ["servers", "networks", "monitoringsys", "infrastructure"],
             salary: 130_000, querySkills: ["linux", "cisco", "mikrotik", "zabbix"]),
        Role(id: "security", isco: "2529", weight: 3,
             titlesRU: ["Специалист по информационной безопасности", "Пентестер", "Инженер информационной безопасности"],
             titlesEN: ["Security Engineer", "Penetration Tester", "Application Security Engineer"],
             nounsRU: nouns("специалист:2 инженер:2"), nounsEN: ["engineer", "specialist"],
             slots: slots(["1 information-security", "0.5 penetration-testing", "0.4 owasp", "0.4 siem", "0.4 network-security",
                           "0.3 kali-linux", "0.3 burp-suite", "0.3 appsec", "0.3 compliance-152fz", "0.2 incident-response",
                           "0.5 linux", "0.3 python"]),
             objects: ["audits", "pentests", "infrastructure", "incidents"],
             salary: 230_000, querySkills: ["penetration", "siem", "owasp"]),
        Role(id: "systems-analyst", isco: "2511", weight: 4,
             titlesRU: ["Системный аналитик", "Бизнес-аналитик", "Системный аналитик (интеграции)"],
             titlesEN: ["Systems Analyst", "Business Analyst", "IT Business Analyst"],
             nounsRU: nouns("аналитик:1"), nounsEN: ["analyst"],
             slots: slots(["0.8 systems-analysis:3|business-analysis:2", "0.8 requirements", "0.6 uml", "0.6 bpmn", "0.6 sql",
                           "0.5 rest", "0.3 openapi", "0.5 jira", "0.5 confluence", "0.2 kafka"]),
             objects: ["requirements", "integrations", "api", "backoffice"],
             salary: 200_000, querySkills: ["bpmn", "uml", "sql"]),
    ]

    static let weighted = Weighted(all.enumerated().map { ($0.offset, $0.element.weight) })

    private static func nouns(_ spec: String) -> [RoleNoun] {
        // "разработчик:3 программист:1" → repeated by weight, so `pick` follows the weights.
        spec.split(separator: " ").flatMap { item -> [RoleNoun] in
            let pair = item.split(separator: ":")
            return Array(repeating: RoleNoun(String(pair[0])), count: Int(pair[1])!)
        }
    }

    private static func slots(_ specs: [String]) -> [SkillSlot] { specs.map(SkillSlot.init) }
}
