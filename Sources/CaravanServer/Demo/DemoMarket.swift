import CaravanDomain
import CaravanMatching
import Fluent
import Foundation
import Vapor

/// The demo marketplace: about 2,000 specialists from the region, 150 companies (most accredited),
/// 800 vacancies and applications in every stage — generated from a fixed seed, so every `caravan demo`
/// shows the same people, and loaded once (a second run finds them and adds nothing).
enum DemoMarket {
    static let specialists = 2000
    static let companies = 150
    static let vacancies = 800

    /// SplitMix64: a few lines, fast, and the same sequence on every platform (unlike the system generator).
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func chance(_ probability: Double) -> Bool { Double(next() % 10_000) / 10_000 < probability }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
    }

    struct Nation {
        let country: String
        let cities: [String]
        let first: [String]
        let last: [String]
        /// Share of people with Russian at B2 or above: high in Belarus and Kazakhstan, lower in Tajikistan.
        let russianB2: Double
    }

    static let nations: [Nation] = [
        Nation(country: "UZ", cities: ["Ташкент", "Самарканд", "Наманган", "Бухара"], first: ["Азиз", "Бобур", "Дилшод", "Шахзод", "Нодира", "Гулнора", "Жасур", "Мадина", "Отабек", "Севара"], last: ["Каримов", "Юсупов", "Рахимов", "Ташпулатов", "Алиев", "Исмоилов", "Саидов"], russianB2: 0.5),
        Nation(country: "TJ", cities: ["Душанбе", "Худжанд", "Бохтар"], first: ["Фаррух", "Умед", "Шохин", "Манучехр", "Зарина", "Парвина", "Сухроб"], last: ["Рахмонов", "Назаров", "Шарипов", "Джураев", "Саидзода"], russianB2: 0.35),
        Nation(country: "KG", cities: ["Бишкек", "Ош", "Каракол"], first: ["Айбек", "Нурлан", "Бакыт", "Айгерим", "Эрмек", "Жылдыз", "Тимур"], last: ["Абдылдаев", "Осмонов", "Токтогулов", "Садыков", "Маматов"], russianB2: 0.75),
        Nation(country: "KZ", cities: ["Алматы", "Астана", "Караганда", "Шымкент"], first: ["Ерлан", "Данияр", "Айдана", "Асель", "Нурсултан", "Дана", "Арман"], last: ["Сейткали", "Нурпеисов", "Жумабаев", "Ахметов", "Касымов"], russianB2: 0.9),
        Nation(country: "AM", cities: ["Ереван", "Гюмри", "Ванадзор"], first: ["Арам", "Карен", "Ани", "Тигран", "Нарек", "Лилит"], last: ["Петросян", "Саргсян", "Акопян", "Григорян", "Арутюнян"], russianB2: 0.7),
        Nation(country: "BY", cities: ["Минск", "Гомель", "Брест"], first: ["Алесь", "Дмитрий", "Анастасия", "Павел", "Ольга", "Максим"], last: ["Ковалёв", "Новик", "Шевчук", "Кравченко", "Мельник"], russianB2: 0.98),
        Nation(country: "RU", cities: ["Казань", "Новосибирск", "Екатеринбург", "Москва"], first: ["Алексей", "Мария", "Иван", "Екатерина", "Сергей"], last: ["Смирнов", "Кузнецов", "Попов", "Васильев"], russianB2: 1.0),
    ]

    struct Stack {
        let titleRU: String
        let titleEN: String
        let core: [String]
        let extra: [String]
        let occupation: String
        /// The taxonomy occupation people in this stack say they want.
        var role: String = "software-developer"
    }

    /// Role stacks by taxonomy id; skills that the taxonomy lacks are dropped at load, so this stays honest.
    static let stacks: [Stack] = [
        Stack(titleRU: "Java-разработчик", titleEN: "Java developer", core: ["java", "spring-boot", "postgresql"], extra: ["kafka", "docker", "kubernetes", "hibernate", "redis", "microservices"], occupation: "2512", role: "backend-developer"),
        Stack(titleRU: "Python-разработчик", titleEN: "Python developer", core: ["python", "django", "postgresql"], extra: ["fastapi", "celery", "redis", "docker", "rabbitmq"], occupation: "2512", role: "backend-developer"),
        Stack(titleRU: "Frontend-разработчик", titleEN: "Frontend developer", core: ["javascript", "typescript", "react"], extra: ["vue", "nextjs", "css", "html", "redux", "webpack"], occupation: "2513", role: "frontend-developer"),
        Stack(titleRU: "iOS-разработчик", titleEN: "iOS developer", core: ["swift", "ios", "swiftui"], extra: ["uikit", "combine", "core-data", "xcode"], occupation: "2514", role: "ios-developer"),
        Stack(titleRU: "Android-разработчик", titleEN: "Android developer", core: ["kotlin", "android", "jetpack-compose"], extra: ["java", "coroutines", "room", "gradle"], occupation: "2514", role: "android-developer"),
        Stack(titleRU: "Go-разработчик", titleEN: "Go developer", core: ["go", "postgresql", "docker"], extra: ["kubernetes", "grpc", "kafka", "redis", "clickhouse"], occupation: "2512", role: "backend-developer"),
        Stack(titleRU: "DevOps-инженер", titleEN: "DevOps engineer", core: ["kubernetes", "docker", "linux"], extra: ["terraform", "ansible", "prometheus", "gitlab-ci", "helm", "aws"], occupation: "2522", role: "devops-engineer"),
        Stack(titleRU: "Инженер данных", titleEN: "Data engineer", core: ["python", "sql", "apache-spark"], extra: ["airflow", "kafka", "clickhouse", "hadoop", "dbt"], occupation: "2521", role: "data-engineer"),
        Stack(titleRU: "Специалист по машинному обучению", titleEN: "Machine learning engineer", core: ["python", "machine-learning", "pytorch"], extra: ["pandas", "numpy", "scikit-learn", "tensorflow", "sql"], occupation: "2519", role: "ml-engineer"),
        Stack(titleRU: "Тестировщик", titleEN: "QA engineer", core: ["manual-testing", "test-automation", "selenium"], extra: ["python", "java", "postman", "jmeter", "sql"], occupation: "2519", role: "qa-engineer"),
        Stack(titleRU: "Программист 1С", titleEN: "1C developer", core: ["1c-enterprise", "1c-erp"], extra: ["sql", "1c-zup", "1c-accounting"], occupation: "2514", role: "1c-developer"),
        Stack(titleRU: "C#-разработчик", titleEN: "C# developer", core: ["csharp", "dotnet", "ms-sql"], extra: ["asp-net-core", "entity-framework", "docker", "azure", "rabbitmq"], occupation: "2512", role: "backend-developer"),
    ]

    static let companyNames = ["Софт", "Дата", "Лаб", "Системс", "Технологии", "Диджитал", "Клауд", "Код", "Интеграция", "Решения"]
    static let companyPrefixes = ["Казань", "Волга", "Урал", "Сибирь", "Нева", "Балт", "Север", "Альфа", "Вектор", "Квант", "Орбита", "Север-Запад", "Байкал", "Алтай", "Ока"]
    static let russianCities = ["Москва", "Санкт-Петербург", "Казань", "Новосибирск", "Екатеринбург", "Нижний Новгород", "Иннополис", "Томск"]

    /// Women's first names in the lists above: their surnames take the feminine ending.
    static let feminine: Set<String> = ["Нодира", "Гулнора", "Мадина", "Севара", "Зарина", "Парвина", "Айгерим", "Жылдыз", "Айдана", "Асель", "Дана", "Ани", "Лилит", "Анастасия", "Ольга", "Мария", "Екатерина"]

    /// "Гулнора" + "Алиев" → "Гулнора Алиева"; Armenian -ян and Kazakh surnames do not change.
    static func fullName(first: String, last: String) -> String {
        guard feminine.contains(first) else { return "\(first) \(last)" }
        if last.hasSuffix("ов") || last.hasSuffix("ев") || last.hasSuffix("ёв") || last.hasSuffix("ин") { return "\(first) \(last)а" }
        if last.hasSuffix("ий") { return "\(first) \(last.dropLast(2))ая" }
        return "\(first) \(last)"
    }

    /// A valid organisation INN and OGRN for the n-th demo company (check digits computed, not invented).
    static func registryNumbers(_ n: Int) -> (inn: String, ogrn: String) {
        let innBody = String(format: "77%07d", 1_000_000 + n)
        let innDigits = innBody.compactMap(\.wholeNumberValue)
        let innCheck = zip(innDigits, [2, 4, 10, 3, 5, 9, 4, 6, 8]).reduce(0) { $0 + $1.0 * $1.1 } % 11 % 10
        let ogrnBody = String(format: "10277%07d", 3_000_000 + n)
        let ogrnCheck = Int(UInt64(ogrnBody)! % 11 % 10)
        return (innBody + String(innCheck), ogrnBody + String(ogrnCheck))
    }

    /// Loads the market unless it is already there. Returns how many specialists were created.
    @discardableResult
    static func load(on app: Application, passwordHash: String) async throws -> Int {
        let marker = "specialist.0001@demo.caravan.test"
        if try await User.query(on: app.db).filter(\.$email == marker).first() != nil { return 0 }
        let taxonomy = app.skillTaxonomy
        let known: @Sendable ([String]) -> [String] = { ids in ids.filter { taxonomy.contains(.init($0)) } }
        let today = CalendarDay.today(app.dependencies.now())
        let audit = AuditLog(now: app.dependencies.now)

        try await app.db.writeTransaction { db in
            var random = Random(state: 20_220_901)
            // Companies, each with one HR account; four in five accredited.
            var companyIDs: [UUID] = []
            // Who hears about each company's applications, and what its notices call it.
            var hrByCompany: [UUID: (user: UUID, name: String)] = [:]
            for n in 0..<companies {
                let numbers = registryNumbers(n)
                let hr = User(email: EmailAddress("hr.\(String(format: "%03d", n + 1))@demo.caravan.test")!, passwordHash: passwordHash,
                              displayName: Self.fullName(first: random.pick(nations[6].first), last: random.pick(nations[6].last)), role: .employer, language: .russian)
                try await hr.create(on: db)
                let company = Company()
                company.legalName = "ООО «\(companyPrefixes[n % companyPrefixes.count]) \(companyNames[(n / companyPrefixes.count) % companyNames.count])»"
                company.inn = numbers.inn
                company.ogrn = numbers.ogrn
                company.city = russianCities[n % russianCities.count]
                company.size = CompanySize.allCases[n % CompanySize.allCases.count].rawValue
                company.accredited = n % 5 != 4
                company.accreditationNumber = company.accredited ? "AO-\(20_000 + n)" : nil
                company.accreditationDate = company.accredited ? "2025-0\(1 + n % 9)-1\(n % 9)" : nil
                try await company.create(on: db)
                try await CompanyMember(companyID: company.requireID(), userID: hr.requireID()).create(on: db)
                hrByCompany[try company.requireID()] = (try hr.requireID(), company.legalName)
                try await audit.append(AuditEntry(actor: "cli", action: "company.registered", subject: AuditEntry.company(company.id),
                                                  payload: ["inn": numbers.inn, "ogrn": numbers.ogrn, "by": "demo"]), on: db)
                if company.accredited {
                    try await audit.append(AuditEntry(actor: "cli", action: "company.accreditation-changed", subject: AuditEntry.company(company.id),
                                                      payload: ["accredited": "true", "number": company.accreditationNumber ?? "", "date": company.accreditationDate ?? ""]), on: db)
                }
                companyIDs.append(try company.requireID())
            }

            // Vacancies: a stack, a city, a salary band; most published.
            var vacancyIDs: [(id: UUID, company: UUID, title: String)] = []
            for n in 0..<vacancies {
                let stack = random.pick(stacks)
                let companyID = companyIDs[n % companyIDs.count]
                let vacancy = Vacancy(companyID: companyID)
                let low = random.int(12...30) * 10_000
                vacancy.apply(VacancyTerms(
                    title: random.chance(0.5) ? stack.titleRU : stack.titleEN, description: "\(stack.titleRU). Команда продукта, современный стек, наставник на первые месяцы.",
                    occupation: "", minimumYears: Double(random.int(0...5)), minimumRussian: random.chance(0.3) ? .b1 : nil,
                    salaryMin: low, salaryMax: low + random.int(5...20) * 10_000, city: random.pick(russianCities),
                    workArrangement: [WorkArrangement.onsite, .hybrid, .hybrid, .remote][random.int(0...3)],
                    visaSupport: random.chance(0.7), housing: random.chance(0.3), familyRelocation: random.chance(0.4)
                ))
                vacancy.requiredSkills = known(stack.core).map { .init(skill: $0, level: random.int(2...4)) }
                vacancy.niceSkills = Array(known(stack.extra).shuffled(using: &random).prefix(2))
                vacancy.status = n % 10 == 9 ? VacancyStatus.closed.rawValue : n % 10 == 8 ? VacancyStatus.draft.rawValue : VacancyStatus.published.rawValue
                try await vacancy.create(on: db)
                if vacancy.vacancyStatus == .published { vacancyIDs.append((try vacancy.requireID(), companyID, vacancy.title)) }
            }

            // The printed demo accounts get a full story: Aziz has a profile and a family, Kazan Soft a vacancy.
            if let aziz = try await User.query(on: db).filter(\.$email == "aziz.karimov@demo.caravan.test").first() {
                let profile = SpecialistProfile(userID: try aziz.requireID())
                profile.apply(ProfileBasics(
                    citizenship: CountryCode(rawValue: "UZ"), countryOfResidence: CountryCode(rawValue: "UZ"), city: "Ташкент",
                    phone: "+998 90 123 45 67", headline: "Backend-разработчик, Java, 6 лет",
                    summary: "Разрабатываю платёжные микросервисы на Java и Spring Boot, PostgreSQL и Kafka. Женат, двое детей; хотим переехать в Россию всей семьёй.",
                    russianLevel: .b1, expectedSalary: 250_000, relocation: true, remote: .any
                ))
                profile.identity = ApplicantIdentity(birthDate: "1990-05-14", passportNumber: "AB3456789", passportExpiresOn: "2031-08-20")
                profile.skills = known(["java", "spring-boot", "postgresql", "kafka", "docker"]).map { .init(skill: $0, level: 4, years: 5) }
                profile.family = [
                    FamilyMember(name: "Дилноза Каримова", relation: .spouse, birthDate: "1992-04-01", citizenship: CountryCode(rawValue: "UZ")!),
                    FamilyMember(name: "Тимур Каримов", relation: .child, birthDate: "2016-09-10", citizenship: CountryCode(rawValue: "UZ")!),
                    FamilyMember(name: "Лола Каримова", relation: .child, birthDate: "2019-02-14", citizenship: CountryCode(rawValue: "UZ")!),
                ]
                profile.experience = [
                    ExperienceEntry(employer: "Uzcard", role: "Java-разработчик", country: CountryCode(rawValue: "UZ"), start: "2021-03", end: nil,
                                    description: "Процессинг карточных платежей: Spring Boot, PostgreSQL, Kafka."),
                    ExperienceEntry(employer: "EPAM Systems", role: "Junior Java Developer", country: CountryCode(rawValue: "UZ"), start: "2019-07", end: "2021-02",
                                    description: "Backend for a retail client's order service."),
                ]
                profile.education = [
                    EducationEntry(institution: "Ташкентский университет информационных технологий", country: CountryCode(rawValue: "UZ")!,
                                   degree: .bachelor, field: "Программная инженерия", year: 2019, diplomaNumber: "B 1904512", recognition: .pending),
                ]
                profile.languages = [LanguageSkill(language: "uz", level: .c2), LanguageSkill(language: "en", level: .b2)]
                profile.desiredRoles = ["backend-developer", "software-developer"]
                try await profile.create(on: db)
            }
            if let hr = try await User.query(on: db).filter(\.$email == "hr@kazan-soft.demo.caravan.test").first() {
                let company = Company()
                company.legalName = "ООО «Казань Софт»"
                (company.inn, company.ogrn) = registryNumbers(companies)
                company.city = "Казань"
                company.size = CompanySize.small.rawValue
                company.accredited = true
                company.accreditationNumber = "AO-19999"
                company.accreditationDate = "2024-06-03"
                try await company.create(on: db)
                try await CompanyMember(companyID: company.requireID(), userID: hr.requireID()).create(on: db)
                hrByCompany[try company.requireID()] = (try hr.requireID(), company.legalName)
                try await audit.append(AuditEntry(actor: "cli", action: "company.registered", subject: AuditEntry.company(company.id),
                                                  payload: ["inn": company.inn, "ogrn": company.ogrn, "by": "demo"]), on: db)
                try await audit.append(AuditEntry(actor: "cli", action: "company.accreditation-changed", subject: AuditEntry.company(company.id),
                                                  payload: ["accredited": "true", "number": "AO-19999", "date": "2024-06-03"]), on: db)
                let vacancy = Vacancy(companyID: try company.requireID())
                vacancy.apply(VacancyTerms(
                    title: "Java-разработчик (платежи)", description: "Платёжная платформа банка-партнёра. Java 17, Spring Boot, PostgreSQL, Kafka. Помогаем с переездом семьи и документами.",
                    occupation: "", minimumYears: 3, minimumRussian: .b1, salaryMin: 220_000, salaryMax: 320_000, city: "Казань",
                    workArrangement: .hybrid, visaSupport: true, housing: true, familyRelocation: true
                ))
                vacancy.requiredSkills = known(["java", "spring-boot", "postgresql"]).map { .init(skill: $0, level: 3) }
                vacancy.niceSkills = known(["kafka", "kubernetes"])
                vacancy.status = VacancyStatus.published.rawValue
                try await vacancy.create(on: db)
                // Its HR manager opens the demo to applications waiting in the inbox.
                vacancyIDs.append((try vacancy.requireID(), try company.requireID(), vacancy.title))
            }

            // Specialists with profiles, families and applications in every stage.
            let stages: [ApplicationStage] = [.applied, .applied, .screening, .interview, .offer, .hired, .rejected, .withdrawn, .invited, .declined]
            for n in 0..<specialists {
                let nation = nations[[0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 6][n % 12]]
                let stack = random.pick(stacks)
                let name = Self.fullName(first: random.pick(nation.first), last: random.pick(nation.last))
                let user = User(email: EmailAddress("specialist.\(String(format: "%04d", n + 1))@demo.caravan.test")!, passwordHash: passwordHash,
                                displayName: name, role: .specialist, language: n % 3 == 0 ? .english : .russian)
                try await user.create(on: db)
                let profile = SpecialistProfile(userID: try user.requireID())
                let russian: CEFRLevel = random.chance(nation.russianB2) ? [.b2, .c1, .c2][random.int(0...2)] : [.a2, .b1][random.int(0...1)]
                let years = random.int(1...12)
                profile.apply(ProfileBasics(
                    citizenship: CountryCode(rawValue: nation.country), countryOfResidence: CountryCode(rawValue: nation.country),
                    city: random.pick(nation.cities), phone: "+\(random.int(100...999)) \(random.int(10...99)) \(random.int(100...999)) \(random.int(10...99)) \(random.int(10...99))",
                    headline: "\(stack.titleRU), в профессии с \(2026 - years) года", summary: "Разрабатываю и сопровождаю продукты: \(stack.titleEN). Готов к переезду и работе в команде.",
                    russianLevel: russian, expectedSalary: random.int(15...45) * 10_000, relocation: random.chance(0.7),
                    remote: RemotePreference.allCases[random.int(0...3)]
                ))
                profile.skills = (known(stack.core) + Array(known(stack.extra).shuffled(using: &random).prefix(random.int(1...3))))
                    .map { .init(skill: $0, level: random.int(2...5), years: Double(random.int(1...years))) }
                profile.desiredRoles = [stack.role]
                // Derived from the index, not drawn: the seeded sequence (and so the rest of the market) stays as it was.
                profile.identity = ApplicantIdentity(
                    birthDate: String(format: "%04d-%02d-%02d", 2026 - years - 22 - n % 6, 1 + n % 12, 1 + n % 28),
                    passportNumber: "\(nation.country)\(1_000_000 + n)", passportExpiresOn: String(format: "%04d-%02d-15", 2029 + n % 6, 1 + n % 12)
                )
                profile.experience = [ExperienceEntry(employer: "\(random.pick(nation.cities)) \(["Tech", "Soft", "Lab", "Systems"][n % 4])", role: stack.titleEN,
                                                      country: CountryCode(rawValue: nation.country), start: "\(2026 - years)-0\(1 + n % 9)", end: nil, description: "")]
                if random.chance(0.5) {
                    profile.family.append(FamilyMember(name: "\(random.pick(nation.first)) \(nation.last[0])а", relation: .spouse,
                                                       birthDate: "19\(random.int(85...99))-0\(random.int(1...9))-1\(random.int(0...9))", citizenship: CountryCode(rawValue: nation.country)!))
                    for child in 0..<random.int(0...2) {
                        profile.family.append(FamilyMember(name: "\(random.pick(nation.first)) \(child + 1)", relation: .child,
                                                           birthDate: "20\(random.int(10...22))-0\(random.int(1...9))-2\(random.int(0...8))", citizenship: CountryCode(rawValue: nation.country)!))
                    }
                }
                try await profile.create(on: db)
                if n % 3 == 0, !vacancyIDs.isEmpty {
                    let (vacancyID, companyID, title) = vacancyIDs[random.int(0...(vacancyIDs.count - 1))]
                    let stage = stages[(n / 3) % stages.count]
                    let mover: ApplicationParty = [.invited, .screening, .interview, .offer, .rejected].contains(stage) ? .employer : .specialist
                    let application = JobApplication(vacancyID: vacancyID, specialistID: try user.requireID(), companyID: companyID,
                                                     stage: stage, note: "", by: mover, at: app.dependencies.now())
                    if [.offer, .hired].contains(stage) {
                        application.offer = .init(salary: random.int(20...40) * 10_000, startDate: today, city: random.pick(russianCities), contract: "employment")
                    }
                    try await application.create(on: db)
                    // The notice the last move left in the other party's inbox (demo mail is never sent).
                    if let hr = hrByCompany[companyID] {
                        let told = mover.other
                        try await Notice(
                            userID: told == .specialist ? try user.requireID() : hr.user, kind: "notice.\(told.name).\(stage.rawValue)",
                            arguments: ["vacancy": title, "company": hr.name, "person": name], link: told == .specialist
                                ? SiteURL.applications.path : SiteURL.vacancy(vacancyID).path + "#applications",
                            at: app.dependencies.now()
                        ).create(on: db)
                    }
                }
            }
        }
        return specialists
    }
}

extension DemoMarket.Random: RandomNumberGenerator {}
