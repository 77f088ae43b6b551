import CaravanAllocation
import CaravanDomain
import CaravanPermits
import Fluent
import FluentSQL
import Foundation
import Vapor

/// The demo's study grants: 40 technical universities, four in each district group, 300 programmes from the
/// generated sample round, a round of 5,000 applications taken in by the centres (Aziz's among them), frozen, run
/// and published through `GrantService` as an admin would; and a second round open for applications. The
/// universities are real; their programmes, places, ceilings and every applicant are made up.
enum DemoGrants {
    /// In `SampleRound.districtGroups` order, four each: university `i` is in group `i % 10`, as the sample's
    /// programmes and choices assume.
    static let universities: [(name: String, city: String)] = [
        ("МГТУ им. Н. Э. Баумана", "Москва"), ("Санкт-Петербургский политехнический университет Петра Великого", "Санкт-Петербург"),
        ("Тульский государственный университет", "Тула"), ("Петрозаводский государственный университет", "Петрозаводск"),
        ("Донской государственный технический университет", "Ростов-на-Дону"), ("Северо-Кавказский федеральный университет", "Ставрополь"),
        ("Казанский национальный исследовательский технический университет им. А. Н. Туполева — КАИ", "Казань"),
        ("Уральский федеральный университет", "Екатеринбург"), ("Томский политехнический университет", "Томск"),
        ("Дальневосточный федеральный университет", "Владивосток"),
        ("Национальный исследовательский университет «МЭИ»", "Москва"), ("Университет ИТМО", "Санкт-Петербург"),
        ("Воронежский государственный технический университет", "Воронеж"), ("Калининградский государственный технический университет", "Калининград"),
        ("Волгоградский государственный технический университет", "Волгоград"), ("Дагестанский государственный технический университет", "Махачкала"),
        ("Нижегородский государственный технический университет им. Р. Е. Алексеева", "Нижний Новгород"),
        ("Южно-Уральский государственный университет", "Челябинск"), ("Томский государственный университет систем управления и радиоэлектроники", "Томск"),
        ("Тихоокеанский государственный университет", "Хабаровск"),
        ("Национальный исследовательский технологический университет «МИСИС»", "Москва"), ("СПбГЭТУ «ЛЭТИ»", "Санкт-Петербург"),
        ("Белгородский государственный технологический университет им. В. Г. Шухова", "Белгород"),
        ("Северный (Арктический) федеральный университет", "Архангельск"), ("Кубанский государственный технологический университет", "Краснодар"),
        ("Кабардино-Балкарский государственный университет", "Нальчик"), ("Пермский национальный исследовательский политехнический университет", "Пермь"),
        ("Тюменский индустриальный университет", "Тюмень"), ("Новосибирский государственный технический университет", "Новосибирск"),
        ("Амурский государственный университет", "Благовещенск"),
        ("Национальный исследовательский ядерный университет «МИФИ»", "Москва"),
        ("Санкт-Петербургский государственный университет телекоммуникаций им. М. А. Бонч-Бруевича", "Санкт-Петербург"),
        ("Ивановский государственный энергетический университет", "Иваново"), ("Псковский государственный университет", "Псков"),
        ("Астраханский государственный технический университет", "Астрахань"), ("Грозненский государственный нефтяной технический университет", "Грозный"),
        ("Самарский государственный технический университет", "Самара"), ("Магнитогорский государственный технический университет", "Магнитогорск"),
        ("Сибирский федеральный университет", "Красноярск"), ("Северо-Восточный федеральный университет", "Якутск"),
    ]

    static let bachelorFields = [
        ("Программная инженерия", "09.03.04"), ("Информатика и вычислительная техника", "09.03.01"),
        ("Информационные системы и технологии", "09.03.02"), ("Прикладная информатика", "09.03.03"),
        ("Информационная безопасность", "10.03.01"), ("Прикладная математика и информатика", "01.03.02"),
    ]
    static let masterFields = [
        ("Программная инженерия", "09.04.04"), ("Информатика и вычислительная техника", "09.04.01"),
        ("Информационные системы и технологии", "09.04.02"), ("Прикладная информатика", "09.04.03"),
    ]
    static let firstNames = ["Азиз", "Дильноза", "Бахтиёр", "Мадина", "Фаррух", "Нилуфар", "Рустам", "Зарина", "Тимур", "Айгерим", "Санжар",
                             "Гульнара", "Эльдор", "Малика", "Бекзод", "Асель", "Шахзод", "Камила", "Нурлан", "Севара"]
    static let lastNames = ["Каримов", "Юсупов", "Рахимов", "Назаров", "Абдуллаев", "Исмаилов", "Турсунов", "Сафаров", "Ахмедов", "Мирзоев",
                            "Шарипов", "Давлатов", "Жумабаев", "Токтогулов", "Сейткали", "Нурланов", "Маматов", "Эргашев"]

    static func load(on app: Application) async throws {
        guard try await University.query(on: app.db).count() == 0,
              let admin = try await User.query(on: app.db).filter(\.$role == Role.admin.rawValue).sort(\.$email).first() else { return }
        let service = GrantService(app: app, database: app.db)
        let sample = SampleRound.input(universities: universities.count, programmes: 300, applicants: 5_000)
        // The catalogue, as an admin enters it.
        var universityIDs: [UUID] = []
        for (index, university) in universities.enumerated() {
            let group = SampleRound.districtGroups[index % SampleRound.districtGroups.count]
            universityIDs.append(try await service.createUniversity(name: university.name, city: university.city, districtGroup: group, by: admin).requireID())
        }
        if let admissions = try await User.query(on: app.db).filter(\.$email == "admissions@demo.caravan.test").first() {
            try await service.assignStaff(email: admissions.email, universityID: universityIDs[0], by: admin)
        }
        var codes: [String: String] = [:]
        var seats: [String: Int] = [:]
        for (index, programme) in sample.programmes.enumerated() {
            let university = Int(programme.university.dropFirst()) ?? 0
            let fields = programme.level == StudyLevel.master.rawValue ? masterFields : bachelorFields
            let field = fields[(index / universities.count) % fields.count]
            let made = try await service.createProgramme(
                at: universityIDs[university],
                .init(name: field.0, field: "\(field.1) \(field.0)", level: programme.level, language: index % 11 == 0 ? "en" : "ru",
                      seats: programme.seats, weights: programme.weights.mapValues { min($0, GrantCatalogueRules.maximumWeight) }),
                by: admin
            )
            codes[programme.id] = made.code
            seats[made.code] = made.seats
        }
        // Every programme takes every country up to a ceiling (the sample's, or 40 % of its places); each country's
        // quota is what its ceilings add up to.
        var ceilings: [GrantService.CeilingRow] = []
        for programme in sample.programmes {
            guard let code = codes[programme.id] else { continue }
            for country in SampleRound.countries {
                ceilings.append(.init(programme: code, country: country,
                                      ceiling: min(programme.seats, programme.ceilings[country] ?? max(1, programme.seats * 40 / 100))))
            }
        }
        var quotas: [String: Int] = [:]
        for row in ceilings { quotas[row.country, default: 0] += row.ceiling }

        let today = service.today
        let round = try await service.createRound(.init(
            title: "\(today.year)/\(today.year + 1)", opensOn: today.adding(days: -75).description, closesOn: today.adding(days: -14).description,
            answerUntil: today.adding(days: 21).description, quotas: quotas
        ), by: admin)
        let roundID = try round.requireID()
        _ = try await service.setCeilings(of: roundID, ceilings, by: admin)
        try await takeIn(sample, codes: codes, round: roundID, on: app)
        _ = try await service.freeze(roundID, by: admin)
        _ = try await service.runAndPublish(roundID, by: admin)
        // Most places already answered; the rest wait for their answer.
        let placed = try await GrantApplication.query(on: app.db).filter(\.$roundID == roundID).filter(\.$status == .placed)
            .filter(\.$userID == nil).sort(\.$number).all()
        for (index, application) in placed.enumerated() where index % 10 < 7 {
            application.status = index % 10 == 6 ? .declined : .accepted
            try await application.update(on: app.db)
        }
        // The next round, open for applications now.
        let next = try await service.createRound(.init(
            title: "\(today.year + 1)/\(today.year + 2)", opensOn: today.adding(days: -3).description, closesOn: today.adding(days: 45).description,
            answerUntil: today.adding(days: 75).description, quotas: quotas
        ), by: admin)
        _ = try await service.setCeilings(of: try next.requireID(), ceilings, by: admin)
    }

    /// The 5,000 applications as the centres took them in (no accounts: written directly, in batches), and Aziz's
    /// own, from his account, aiming high.
    static func takeIn(_ sample: AllocationInput, codes: [String: String], round: UUID, on app: Application) async throws {
        let aziz = try await User.query(on: app.db).filter(\.$email == "aziz.karimov@demo.caravan.test").first()
        try await app.db.writeTransaction { db in
            let last = try await CentreCounter.reserve("grant-application", count: sample.applicants.count, on: db)
            let first = last - sample.applicants.count + 1
            var batch: [GrantApplication] = []
            for (index, applicant) in sample.applicants.enumerated() {
                let application = GrantApplication()
                application.number = String(format: "A%06d", first + index)
                application.roundID = round
                application.country = applicant.country
                application.level = applicant.level
                application.scores = applicant.scores
                application.scoreSources = applicant.scores.mapValues { _ in "centre" }
                application.choices = applicant.choices.compactMap { codes[$0] }
                application.status = .applied
                application.revision = 1
                application.name = "\(lastNames[index % lastNames.count]) \(firstNames[(index / lastNames.count) % firstNames.count])"
                application.schoolCertificate = String(format: "AT %07d", 1_000_000 + index * 7)
                if index == 0, let aziz {
                    // The most wanted programmes of his level first, then one within reach.
                    application.userID = aziz.id
                    application.name = aziz.displayName
                    application.country = "UZ"
                    application.level = StudyLevel.bachelor.rawValue
                    application.scores = ["math": 71, "informatics": 78, "physics": 64, "russian": 69]
                    let bachelors = sample.programmes.filter { $0.level == StudyLevel.bachelor.rawValue }
                    var chosen: [String] = []
                    var perGroup: [String: Int] = [:]
                    for programme in Array(bachelors.prefix(12)) + bachelors.reversed() where chosen.count < 5 {
                        if chosen.count == 4, bachelors.prefix(12).contains(programme) { continue }
                        guard let code = codes[programme.id], !chosen.contains(code), perGroup[programme.districtGroup, default: 0] < 2 else { continue }
                        perGroup[programme.districtGroup, default: 0] += 1
                        chosen.append(code)
                    }
                    application.choices = chosen
                }
                batch.append(application)
                if batch.count == 500 {
                    try await batch.create(on: db)
                    batch.removeAll()
                }
            }
            if !batch.isEmpty { try await batch.create(on: db) }
        }
    }
}
