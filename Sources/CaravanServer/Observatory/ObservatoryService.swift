import CaravanAllocation
import CaravanCentres
import CaravanDomain
import CaravanMatching
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// Counts the observatory's figures from Caravan's own records. Pages and the API read the same report; what the
/// public may see of it is decided once, in `ObservatoryReport` (`DisclosureControl`). The definitions written
/// beside each figure (`observatory.<table>.definition`) and in `docs/OBSERVATORY.md` are the ones coded here.
struct ObservatoryService: Sendable {
    let app: Application
    let database: any Database

    var now: Date { app.dependencies.now() }

    /// The report, counted at most once per `CARAVAN_OBSERVATORY_CACHE_SECONDS`.
    func report() async throws -> ObservatoryReport {
        let service = self
        return try await app.observatoryCache.report(now: now) { try await service.build() }
    }

    /// Records an analyst's export of exact figures in the audit chain (which table, which format; no figures).
    func recordExport(table: String, format: String, by user: User) async throws {
        guard ObservatoryPolicy.mayReadExact(user.domainRole) else { throw AppError.forbidden }
        // In a transaction of its own, as every append, and one export at a time in this process: exports at the same
        // moment each take the next link (on SQLite `writeTransaction` waits for the write lock first).
        let audit = AuditLog(now: app.dependencies.now)
        let entry = AuditEntry(actor: AuditEntry.user(user.id), action: "observatory.export", subject: "observatory:\(table)", payload: ["format": format])
        let turns = app.idempotencyTurns
        await turns.enter("observatory.export")
        defer { Task { await turns.leave("observatory.export") } }
        try await database.writeTransaction { db in try await audit.append(entry, on: db) }
    }

    /// The steps of the specialists' funnel, in order.
    static let funnelSteps = ["accounts", "profiles", "applied", "offers", "hires", "cases", "permits", "arrivals"]

    func build() async throws -> ObservatoryReport {
        var counts: [String: Int] = [:]
        var relations: [DisclosureControl.Relation] = []
        var tables: [ObservatoryTable] = []
        let moscow = PermitRegistry.moscow
        let today = CalendarDate(now, in: moscow)
        func day(_ date: Date) -> CalendarDate { CalendarDate(date, in: moscow) }

        // Who reached which step of the funnel, and on which day (Moscow).
        let users = try await User.query(on: database).filter(\.$role == Role.specialist.rawValue)
            .field(\.$id).field(\.$createdAt).all()
        // Only what the figures read: never the sealed identity or family.
        let profiles = try await SpecialistProfile.query(on: database)
            .field(\.$id).field(\.$user.$id).field(\.$citizenship).field(\.$countryOfResidence).field(\.$city).field(\.$headline)
            .field(\.$russianLevel).field(\.$relocation).field(\.$skills).field(\.$storedExperience).all()
        let applications = try await JobApplication.query(on: database)
            .field(\.$id).field(\.$specialist.$id).field(\.$history).all()
        let cases = try await PermitCase.query(on: database)
            .field(\.$id).field(\.$principal.$id).field(\.$status).field(\.$history).field(\.$submittedOn).field(\.$pauses)
            .field(\.$permitIssuedOn).field(\.$rulebookVersion).field(\.$createdAt).all()

        let steps = Self.funnelSteps
        var reached: [UUID: (furthest: Int, days: [Int?])] = [:]
        func reach(_ person: UUID, _ step: Int, _ day: CalendarDate?) {
            guard var entry = reached[person] else { return }
            entry.furthest = max(entry.furthest, step)
            if let number = day?.dayNumber, entry.days[step].map({ number < $0 }) ?? true { entry.days[step] = number }
            reached[person] = entry
        }
        for user in users {
            guard let id = user.id else { continue }
            var days = [Int?](repeating: nil, count: steps.count)
            days[0] = user.createdAt.map { day($0).dayNumber }
            reached[id] = (0, days)
        }
        for profile in profiles {
            let basics = ProfileBasics(
                citizenship: profile.citizenship.flatMap(CountryCode.init(rawValue:)),
                countryOfResidence: profile.countryOfResidence.flatMap(CountryCode.init(rawValue:)),
                city: profile.city, phone: "", headline: profile.headline, summary: "", russianLevel: profile.russianLevel.flatMap(CEFRLevel.init(rawValue:)),
                expectedSalary: nil, relocation: profile.relocation, remote: .any
            )
            guard basics.isReadyForMatching(skillCount: profile.skills.count, experienceCount: profile.storedExperience?.count ?? 0) else { continue }
            reach(profile.$user.id, 1, nil)
        }
        for application in applications {
            let person = application.$specialist.id
            func first(_ matches: (ApplicationStage) -> Bool) -> CalendarDate? {
                application.history.first { ApplicationStage(rawValue: $0.stage).map(matches) ?? false }.map { day($0.at) }
            }
            if let applied = first(\.hasApplied) { reach(person, 2, applied) }
            if let offer = first({ $0 == .offer }) { reach(person, 3, offer) }
            if let hired = first({ $0 == .hired }) { reach(person, 4, hired) }
        }
        for permitCase in cases {
            let person = permitCase.$principal.id
            reach(person, 5, (permitCase.history.first?.at ?? permitCase.createdAt).map(day))
            if let issued = permitCase.permitIssuedOn.flatMap(CalendarDate.init) { reach(person, 6, issued) }
            if let step = permitCase.history.last(where: { $0.event == CaseEventKind.registerArrival.rawValue }) { reach(person, 7, day(step.at)) }
        }
        var funnel = Funnel(steps: steps.count, undated: [1])
        for entry in reached.values { funnel.add(furthest: entry.furthest, days: entry.days) }
        var funnelRows: [ObservatoryRow] = []
        for (index, (step, count)) in zip(steps, funnel.counts).enumerated() {
            let key = "funnel.\(step)"
            counts[key] = count
            let basis = "\(key).timed"
            let spread = funnel.spread(to: index)
            if let spread { counts[basis] = spread.count }
            let previous = index > 0 ? "funnel.\(steps[index - 1])" : nil
            funnelRows.append(ObservatoryRow(id: step, label: .key("observatory.funnel.step.\(step)"), cells: [
                .count(key),
                previous.map { .share(of: key, in: $0) } ?? .empty,
                index > 0 ? .share(of: key, in: "funnel.accounts") : .empty,
                spread.map { .median($0, basis: basis, unit: .days) } ?? .empty,
                spread.map { .p90($0, basis: basis, unit: .days) } ?? .empty,
            ]))
        }
        relations += DisclosureControl.nested(steps.map { "funnel.\($0)" })
        tables.append(ObservatoryTable(id: "funnel", columns: ["count", "fromPrevious", "fromStart", "medianDays", "p90Days"],
                                       rows: funnelRows, isPublic: true, chart: [0]))

        // The programme's other parts.
        let bookings = try await CentreBooking.query(on: database).filter(\.$service == CentreService.russianTest.rawValue)
            .filter(\.$status != BookingStatus.cancelled.rawValue).count()
        let passes = try await CentreResult.query(on: database).filter(\.$service == CentreService.russianTest.rawValue)
            .filter(\.$passed == true).count()
        let residents = try await Resident.query(on: database).count()
        let companies = try await RegisteredCompany.query(on: database).count()
        func grants(_ rule: (GrantStatus) -> Bool) async throws -> Int {
            try await GrantApplication.query(on: database).filter(\.$status ~~ GrantStatus.allCases.filter(rule)).count()
        }
        counts["parts.test-bookings"] = bookings
        counts["parts.test-passes"] = passes
        counts["parts.residents"] = residents
        counts["parts.companies"] = companies
        counts["parts.grants-placed"] = try await grants(GrantLifecycle.wasPlaced)
        counts["parts.grants-taken"] = try await grants(GrantLifecycle.tookPlace)
        counts["parts.grants-students"] = try await grants(GrantLifecycle.isStudent)
        relations += DisclosureControl.nested(["parts.test-bookings", "parts.test-passes"])
        relations += DisclosureControl.nested(["parts.grants-placed", "parts.grants-taken", "parts.grants-students"])
        let partRows: [(String, ObservatoryCell)] = [
            ("test-bookings", .empty), ("test-passes", .share(of: "parts.test-passes", in: "parts.test-bookings")),
            ("residents", .empty), ("companies", .empty),
            ("grants-placed", .empty), ("grants-taken", .share(of: "parts.grants-taken", in: "parts.grants-placed")),
            ("grants-students", .share(of: "parts.grants-students", in: "parts.grants-taken")),
        ]
        tables.append(ObservatoryTable(id: "parts", columns: ["count", "conversion"], rows: partRows.map { id, share in
            ObservatoryRow(id: id, label: .key("observatory.parts.row.\(id)"), cells: [.count("parts.\(id)"), share])
        }, isPublic: true, chart: [0]))

        // Demand and supply.
        let vacancies = try await Vacancy.query(on: database).filter(\.$status ~~ [VacancyStatus.published.rawValue, VacancyStatus.closed.rawValue]).all()
        let open = vacancies.filter { $0.vacancyStatus == .published }
        let taxonomy = app.skillTaxonomy
        var groupOf: [String: String?] = [:]
        func group(_ skill: String) -> String? {
            if let known = groupOf[skill] { return known }
            let found = taxonomy.skill(SkillID(rawValue: skill))?.group
            groupOf[skill] = found
            return found
        }
        // Each person's skills once: the groups they list and their best level of each skill.
        let people = profiles.map { profile in
            (groups: Set(profile.skills.compactMap { group($0.skill) }),
             levels: Dictionary(profile.skills.map { ($0.skill, $0.level) }, uniquingKeysWith: max),
             city: Self.cityKey(profile.city), relocates: profile.relocation)
        }
        let openGroups = open.map { Set($0.requiredSkills.compactMap { group($0.skill) }) }
        // Every group of the taxonomy, in its order: a group left out would say both its counts were 0.
        let skillRows = taxonomy.groups.map { skillGroup in
            let demandKey = "demand.skill.\(skillGroup.id)", supplyKey = "supply.skill.\(skillGroup.id)"
            counts[demandKey] = openGroups.filter { $0.contains(skillGroup.id) }.count
            counts[supplyKey] = people.filter { $0.groups.contains(skillGroup.id) }.count
            return ObservatoryRow(id: skillGroup.id, label: .names(skillGroup.names.merging(["ru": skillGroup.russianName, "en": skillGroup.englishName]) { _, own in own }),
                                  cells: [.count(demandKey), .count(supplyKey), .difference(demandKey, supplyKey)])
        }
        tables.append(ObservatoryTable(id: "demand-skills", columns: ["demand", "supply", "gap"], rows: skillRows, isPublic: true, chart: [0, 1]))

        // Cities as their employers wrote them, told apart by a normalised key, in alphabetical order (an order by size
        // would rank the hidden ones).
        var cityRows: [ObservatoryRow] = []
        let cities = Dictionary(grouping: open) { Self.cityKey($0.city) }
        counts["demand.total"] = open.count
        var cityKeys: [String] = []
        let named = cities.map { key, inCity -> (key: String, name: String, vacancies: [Vacancy]) in
            let spellings = Dictionary(grouping: inCity.map { $0.city.trimmingCharacters(in: .whitespaces) }) { $0 }
            let name = spellings.max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }?.key ?? key
            return (key, name, inCity)
        }.sorted { ($0.key.isEmpty ? 1 : 0, $0.name) < ($1.key.isEmpty ? 1 : 0, $1.name) }
        for (index, city) in named.enumerated() {
            // Distinct requirements only: many vacancies ask the same.
            let needs = Set(city.vacancies.map { vacancy in
                VacancyNeed(remote: vacancy.workArrangement == WorkArrangement.remote.rawValue,
                            skills: vacancy.requiredSkills.map { VacancyNeed.Skill(id: $0.skill, level: $0.level) }.sorted())
            })
            let candidates = people.filter { person in
                let near = person.relocates || (!city.key.isEmpty && person.city == city.key)
                return needs.contains { need in
                    (need.remote || near) && need.skills.allSatisfy { person.levels[$0.id, default: 0] >= $0.level }
                }
            }.count
            let demandKey = "demand.city.\(index)", supplyKey = "supply.city.\(index)"
            counts[demandKey] = city.vacancies.count
            counts[supplyKey] = candidates
            cityKeys.append(demandKey)
            cityRows.append(ObservatoryRow(id: "city-\(index)", label: city.key.isEmpty ? .key("observatory.city.none") : .names(["ru": city.name]),
                                           cells: [.count(demandKey), .count(supplyKey), .difference(demandKey, supplyKey)]))
        }
        cityRows.append(ObservatoryRow(id: "total", label: .key("observatory.total"), cells: [.count("demand.total"), .empty, .empty]))
        relations.append(.init(total: "demand.total", parts: cityKeys))
        tables.append(ObservatoryTable(id: "demand-cities", columns: ["demand", "candidates", "gap"], rows: cityRows, isPublic: true, chart: [0, 1]))

        // The trend: the last twelve months, this one included; the accounts opened before them are counted (never
        // published) so that the months and the funnel's accounts are one relation.
        var trendRows: [ObservatoryRow] = []
        var months: [CalendarDate] = []
        var month = CalendarDate(year: today.year, month: today.month, day: 1) ?? today
        for _ in 0..<12 {
            months.insert(month, at: 0)
            month = month.adding(months: -1)
        }
        func monthOf(_ date: Date) -> String { let day = day(date); return String(format: "%04d-%02d", day.year, day.month) }
        let vacancyMonths = Dictionary(grouping: vacancies.compactMap(\.createdAt).map(monthOf)) { $0 }.mapValues(\.count)
        let accountMonths = Dictionary(grouping: users.map { $0.createdAt.map(monthOf) ?? "" }) { $0 }.mapValues(\.count)
        var accountKeys: [String] = []
        for first in months {
            let id = String(format: "%04d-%02d", first.year, first.month)
            counts["trend.\(id).vacancies"] = vacancyMonths[id] ?? 0
            counts["trend.\(id).accounts"] = accountMonths[id] ?? 0
            accountKeys.append("trend.\(id).accounts")
            trendRows.append(ObservatoryRow(id: id, label: .month(id), cells: [.count("trend.\(id).vacancies"), .count("trend.\(id).accounts")]))
        }
        relations.append(.init(total: "funnel.accounts", parts: accountKeys + ["trend.other.accounts"]))
        tables.append(ObservatoryTable(id: "trend", columns: ["vacancies", "accounts"], rows: trendRows, isPublic: true, chart: [0, 1]))

        // Permits against the law's clock.
        let registry = app.permitRegistry
        let decidedStatuses: Set<CaseStatus> = [.decided, .permitIssued, .arrivalRegistered, .cancelled]
        var clock = ["decided-within": 0, "decided-late": 0, "open-within": 0, "open-overdue": 0, "unclassified": 0]
        var stageDays: [String: [Int]] = ["review": [], "decision": [], "issue": [], "arrival": []]
        func workingDays(_ from: CalendarDate, _ to: CalendarDate) -> Int? {
            guard to > from else { return to == from ? 0 : nil }
            return try? registry.calendar.workingDays(from: from.adding(days: 1), through: to)
        }
        for permitCase in cases {
            let status = permitCase.caseStatus
            let isOpen = CaseStatus.open.contains(status)
            guard isOpen || decidedStatuses.contains(status), let submitted = permitCase.submittedOn.flatMap(CalendarDate.init) else { continue }
            let history = permitCase.history
            let review = history.first { $0.event == CaseEventKind.startReview.rawValue }.map { day($0.at) }
            // The day a decision took effect: a confirmed refusal, else the last decision.
            let decision = (history.last { $0.event == CaseEventKind.confirmRefusal.rawValue }
                ?? history.last { $0.event == CaseEventKind.decide.rawValue }).map { day($0.at) }
            let issued = permitCase.permitIssuedOn.flatMap(CalendarDate.init)
            let arrival = history.last { $0.event == CaseEventKind.registerArrival.rawValue }.map { day($0.at) }
            let decisionClock = registry.rulebooks[permitCase.rulebookVersion].flatMap { rulebook in
                try? DecisionClock(submittedOn: submitted, termMonths: rulebook.decisionTermMonths, pauses: permitCase.pauses.compactMap {
                    guard let requested = CalendarDate($0.requestedOn) else { return nil }
                    return DecisionClock.Pause(requestedOn: requested, answeredOn: $0.answeredOn.flatMap(CalendarDate.init))
                })
            }
            let on = isOpen ? today : decision
            if let decisionClock, let on, let standing = try? decisionClock.status(on: on, calendar: registry.calendar) {
                let late = standing.overdueWorkingDays > 0
                clock[isOpen ? (late ? "open-overdue" : "open-within") : (late ? "decided-late" : "decided-within"), default: 0] += 1
            } else {
                // No calendar for the year, no rulebook of that version, or a history the clock refuses: counted, and said.
                clock["unclassified", default: 0] += 1
                app.logger.warning("observatory: a permit case's clock could not be read", metadata: ["case": .string(permitCase.id?.uuidString.lowercased() ?? "")])
            }
            if let review, let days = workingDays(submitted, review) { stageDays["review"]!.append(days) }
            if let review, let decision, let days = workingDays(review, decision) { stageDays["decision"]!.append(days) }
            if let decision, let issued, let days = workingDays(decision, issued) { stageDays["issue"]!.append(days) }
            if let issued, let arrival, let days = workingDays(issued, arrival) { stageDays["arrival"]!.append(days) }
        }
        for (key, value) in clock { counts["permits.\(key)"] = value }
        counts["permits.decided"] = clock["decided-within"]! + clock["decided-late"]!
        counts["permits.open"] = clock["open-within"]! + clock["open-overdue"]!
        relations.append(.init(total: "permits.decided", parts: ["permits.decided-within", "permits.decided-late"]))
        relations.append(.init(total: "permits.open", parts: ["permits.open-within", "permits.open-overdue"]))
        // With one case a person (as usual), the funnel's people with a case are these cases and the rest (drafts,
        // withdrawn ones), which are never published: one more relation.
        if Set(cases.map(\.$principal.id)).count == cases.count {
            relations.append(.init(total: "funnel.cases", parts: ["permits.decided", "permits.open", "permits.unclassified", "permits.rest"]))
        }
        let clockRows: [(String, String?)] = [
            ("decided", nil), ("decided-within", "permits.decided"), ("decided-late", "permits.decided"),
            ("open", nil), ("open-within", "permits.open"), ("open-overdue", "permits.open"), ("unclassified", nil),
        ]
        tables.append(ObservatoryTable(id: "permits-clock", columns: ["count", "share"], rows: clockRows.map { id, total in
            ObservatoryRow(id: id, label: .key("observatory.permits-clock.row.\(id)"),
                           cells: [.count("permits.\(id)"), total.map { .share(of: "permits.\(id)", in: $0) } ?? .empty])
        }, isPublic: true, chart: [0]))
        // Medians only: how many cases each is over would repeat the funnel's counts of permits and arrivals.
        var stageRows: [ObservatoryRow] = []
        for stage in ["review", "decision", "issue", "arrival"] {
            let spread = Spread(stageDays[stage]!)
            let key = "permits.stage.\(stage)"
            counts[key] = spread.count
            stageRows.append(ObservatoryRow(id: stage, label: .key("observatory.permits-stages.row.\(stage)"),
                                            cells: [.median(spread, basis: key, unit: .workingDays), .p90(spread, basis: key, unit: .workingDays)]))
        }
        tables.append(ObservatoryTable(id: "permits-stages", columns: ["medianDays", "p90Days"], rows: stageRows, isPublic: true, chart: []))

        // The programme's figures as they were quoted, beside Caravan's own.
        var quotedRows: [ObservatoryRow] = []
        for figure in QuotedFigure.programme {
            let ours: ObservatoryCell, progress: ObservatoryCell
            switch figure.id {
            case "grants":
                counts["quoted.grants.value"] = figure.value
                ours = .count("parts.grants-placed")
                progress = .share(of: "parts.grants-placed", in: "quoted.grants.value")
            case "students":
                ours = .count("parts.grants-students")
                progress = .empty
            case "deficit-interior", "deficit-digital":
                ours = .count("demand.total")
                progress = .empty
            default:
                ours = .empty
                progress = .empty
            }
            quotedRows.append(ObservatoryRow(id: figure.id, label: .key("observatory.quoted.\(figure.id).label"), cells: [
                .quoted(figure), .text("observatory.quoted.\(figure.id).source"), ours, progress,
            ]))
        }
        tables.append(ObservatoryTable(id: "quoted", columns: ["quoted", "source", "caravan", "progress"], rows: quotedRows, isPublic: true, chart: []))

        return ObservatoryReport(asOf: now, tables: tables, counts: counts, relations: relations)
    }

    /// A city as a key: trimmed, lower case, without a leading "г." (so "Москва", "москва" and "г. Москва" are one).
    static func cityKey(_ city: String) -> String {
        var key = city.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        for prefix in ["г. ", "г.", "город "] where key.hasPrefix(prefix) {
            key = String(key.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        }
        return key
    }
}

/// What a vacancy asks of a candidate, for counting candidates once per distinct requirement.
private struct VacancyNeed: Hashable {
    struct Skill: Hashable, Comparable {
        let id: String
        let level: Int

        static func < (lhs: Skill, rhs: Skill) -> Bool { (lhs.id, lhs.level) < (rhs.id, rhs.level) }
    }

    let remote: Bool
    let skills: [Skill]
}

extension CalendarDate {
    /// The first moment of this day in a time zone.
    func start(in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: year, month: month, day: day)) ?? Date(timeIntervalSince1970: 0)
    }
}

/// The last report, kept for a configured number of seconds (0: counted on every request). One count at a time:
/// requests that arrive while the figures are being counted wait for that count instead of starting their own.
actor ObservatoryCache {
    private var last: ObservatoryReport?
    private var counting: Task<ObservatoryReport, any Error>?
    let seconds: Int

    init(seconds: Int) {
        self.seconds = seconds
    }

    func report(now: Date, build: @escaping @Sendable () async throws -> ObservatoryReport) async throws -> ObservatoryReport {
        if seconds > 0, let last, now >= last.asOf, now.timeIntervalSince(last.asOf) < Double(seconds) { return last }
        if let counting { return try await counting.value }
        let task = Task { try await build() }
        counting = task
        defer { counting = nil }
        let report = try await task.value
        if seconds > 0 { last = report }
        return report
    }
}

extension Application {
    private struct ObservatoryCacheKey: StorageKey {
        typealias Value = ObservatoryCache
    }

    var observatoryCache: ObservatoryCache {
        get { storage[ObservatoryCacheKey.self] ?? ObservatoryCache(seconds: 0) }
        set { storage[ObservatoryCacheKey.self] = newValue }
    }
}

extension Request {
    var observatory: ObservatoryService { ObservatoryService(app: application, database: database) }
}
