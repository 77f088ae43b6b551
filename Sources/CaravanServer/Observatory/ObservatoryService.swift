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
        try await app.observatoryCache.report(now: now) { try await build() }
    }

    /// Records an analyst's export of exact figures in the audit chain (which table, which format; no figures).
    func recordExport(table: String, format: String, by user: User) async throws {
        guard ObservatoryPolicy.mayReadExact(user.domainRole) else { throw AppError.forbidden }
        try await AuditLog(now: app.dependencies.now).append(
            AuditEntry(actor: AuditEntry.user(user.id), action: "observatory.export", subject: "observatory:\(table)", payload: ["format": format]),
            on: database
        )
    }

    /// The steps of the specialists' funnel, in order.
    static let funnelSteps = ["accounts", "profiles", "applied", "offers", "hires", "cases", "permits", "arrivals"]

    func build() async throws -> ObservatoryReport {
        var counts: [String: Int] = [:]
        var relations: [DisclosureControl.Relation] = []
        var tables: [ObservatoryTable] = []
        let moscow = PermitRegistry.moscow
        let today = CalendarDate(now, in: moscow)

        // Who reached which step of the funnel, and when.
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
        var reached: [UUID: [Date?]] = [:]
        var furthest: [UUID: Int] = [:]
        func reach(_ person: UUID, _ step: Int, _ date: Date?) {
            guard reached[person] != nil else { return }
            furthest[person] = max(furthest[person] ?? 0, step)
            if let date, reached[person]![step].map({ date < $0 }) ?? true { reached[person]![step] = date }
        }
        for user in users {
            guard let id = user.id else { continue }
            reached[id] = Array(repeating: nil, count: steps.count)
            reached[id]![0] = user.createdAt
            furthest[id] = 0
        }
        for profile in profiles {
            let basics = ProfileBasics(
                citizenship: profile.citizenship.flatMap(CountryCode.init(rawValue:)), countryOfResidence: profile.countryOfResidence.flatMap(CountryCode.init(rawValue:)),
                city: profile.city, phone: "", headline: profile.headline, summary: "", russianLevel: profile.russianLevel.flatMap(CEFRLevel.init(rawValue:)),
                expectedSalary: nil, relocation: profile.relocation, remote: .any
            )
            guard basics.isReadyForMatching(skillCount: profile.skills.count, experienceCount: profile.storedExperience?.count ?? 0) else { continue }
            reach(profile.$user.id, 1, nil)
        }
        let appliedStages: Set<String> = ["applied", "screening", "interview", "offer", "hired"]
        for application in applications {
            let person = application.$specialist.id
            if let step = application.history.first(where: { appliedStages.contains($0.stage) }) { reach(person, 2, step.at) }
            if let step = application.history.first(where: { $0.stage == "offer" }) { reach(person, 3, step.at) }
            if let step = application.history.first(where: { $0.stage == "hired" }) { reach(person, 4, step.at) }
        }
        for permitCase in cases {
            let person = permitCase.$principal.id
            reach(person, 5, permitCase.history.first?.at ?? permitCase.createdAt)
            if let issued = permitCase.permitIssuedOn.flatMap(CalendarDate.init) { reach(person, 6, issued.start(in: moscow)) }
            if let step = permitCase.history.last(where: { $0.event == CaseEventKind.registerArrival.rawValue }) { reach(person, 7, step.at) }
        }
        var funnelRows: [ObservatoryRow] = []
        for (index, step) in steps.enumerated() {
            let key = "funnel.\(step)"
            counts[key] = furthest.values.filter { $0 >= index }.count
            // Days from the previous step that carries a date (a complete profile carries none).
            var days: [Int] = []
            if index > 0, let previous = (0..<index).last(where: { $0 != 1 }), index != 1 {
                for (person, dates) in reached where (furthest[person] ?? 0) >= index {
                    guard let from = dates[previous], let to = dates[index], to >= from else { continue }
                    days.append(Int(to.timeIntervalSince(from) / 86_400))
                }
            }
            let spread = Spread(days)
            let basis = "\(key).timed"
            counts[basis] = spread.count
            let previous = index > 0 ? "funnel.\(steps[index - 1])" : nil
            funnelRows.append(ObservatoryRow(id: step, label: .key("observatory.funnel.step.\(step)"), cells: [
                .count(key),
                previous.map { .share(of: key, in: $0) } ?? .empty,
                index > 0 ? .share(of: key, in: "funnel.accounts") : .empty,
                index > 1 ? .median(spread, basis: basis) : .empty,
                index > 1 ? .p90(spread, basis: basis) : .empty,
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
        let placedStatuses: [GrantStatus] = [.placed, .accepted, .declined, .lapsed, .enrolled, .studying, .graduated, .left]
        let takenStatuses: [GrantStatus] = [.accepted, .enrolled, .studying, .graduated, .left]
        let placed = try await GrantApplication.query(on: database).filter(\.$status ~~ placedStatuses).count()
        let taken = try await GrantApplication.query(on: database).filter(\.$status ~~ takenStatuses).count()
        let studying = try await GrantApplication.query(on: database).filter(\.$status ~~ [.enrolled, .studying]).count()
        counts["parts.test-bookings"] = bookings
        counts["parts.test-passes"] = passes
        counts["parts.residents"] = residents
        counts["parts.companies"] = companies
        counts["parts.grants-placed"] = placed
        counts["parts.grants-taken"] = taken
        relations += DisclosureControl.nested(["parts.test-bookings", "parts.test-passes"])
        relations += DisclosureControl.nested(["parts.grants-placed", "parts.grants-taken"])
        let partRows: [(String, ObservatoryCell)] = [
            ("test-bookings", .empty), ("test-passes", .share(of: "parts.test-passes", in: "parts.test-bookings")),
            ("residents", .empty), ("companies", .empty),
            ("grants-placed", .empty), ("grants-taken", .share(of: "parts.grants-taken", in: "parts.grants-placed")),
        ]
        tables.append(ObservatoryTable(id: "parts", columns: ["count", "conversion"], rows: partRows.map { id, share in
            ObservatoryRow(id: id, label: .key("observatory.parts.row.\(id)"), cells: [.count("parts.\(id)"), share])
        }, isPublic: true, chart: [0]))

        // Demand and supply.
        let vacancies = try await Vacancy.query(on: database).filter(\.$status ~~ [VacancyStatus.published.rawValue, VacancyStatus.closed.rawValue]).all()
        let open = vacancies.filter { $0.vacancyStatus == .published }
        let taxonomy = app.skillTaxonomy
        var groupOf: [String: String] = [:]
        func group(_ skill: String) -> String? {
            if let known = groupOf[skill] { return known }
            let found = taxonomy.skill(SkillID(rawValue: skill))?.group
            groupOf[skill] = found ?? ""
            return found
        }
        // Each person's skills once: the groups they list and their best level of each skill.
        let people = profiles.map { profile in
            (groups: Set(profile.skills.compactMap { group($0.skill) }),
             levels: Dictionary(profile.skills.map { ($0.skill, $0.level) }, uniquingKeysWith: max),
             city: profile.city.trimmingCharacters(in: .whitespaces).lowercased(), relocates: profile.relocation)
        }
        let openGroups = open.map { Set($0.requiredSkills.compactMap { group($0.skill) }) }
        var skillRows: [ObservatoryRow] = []
        for skillGroup in taxonomy.groups {
            let demand = openGroups.filter { $0.contains(skillGroup.id) }.count
            let supply = people.filter { $0.groups.contains(skillGroup.id) }.count
            guard demand + supply > 0 else { continue }
            let demandKey = "demand.skill.\(skillGroup.id)", supplyKey = "supply.skill.\(skillGroup.id)"
            counts[demandKey] = demand
            counts[supplyKey] = supply
            skillRows.append(ObservatoryRow(id: skillGroup.id, label: .names(ru: skillGroup.russianName, en: skillGroup.englishName),
                                            cells: [.count(demandKey), .count(supplyKey), .difference(demandKey, supplyKey)]))
        }
        tables.append(ObservatoryTable(id: "demand-skills", columns: ["demand", "supply", "gap"], rows: skillRows, isPublic: true, chart: [0, 1]))

        var cityRows: [ObservatoryRow] = []
        let cities = Dictionary(grouping: open) { $0.city.trimmingCharacters(in: .whitespaces) }
        counts["demand.total"] = open.count
        var cityKeys: [String] = []
        for (index, (city, inCity)) in cities.sorted(by: { ($1.value.count, $0.key) < ($0.value.count, $1.key) }).enumerated() {
            let here = city.lowercased()
            // Distinct requirements only: many vacancies ask the same.
            let needs = Set(inCity.map { vacancy in
                VacancyNeed(remote: vacancy.workArrangement == WorkArrangement.remote.rawValue,
                            skills: vacancy.requiredSkills.map { "\($0.skill):\($0.level)" }.sorted())
            }).map { need in
                (remote: need.remote, skills: need.skills.map { item -> (String, Int) in
                    let parts = item.split(separator: ":")
                    return (String(parts[0]), Int(parts[1]) ?? 1)
                })
            }
            let candidates = people.filter { person in
                let near = person.relocates || person.city == here
                return needs.contains { need in
                    (need.remote || near) && need.skills.allSatisfy { person.levels[$0.0, default: 0] >= $0.1 }
                }
            }.count
            let demandKey = "demand.city.\(index)", supplyKey = "supply.city.\(index)"
            counts[demandKey] = inCity.count
            counts[supplyKey] = candidates
            cityKeys.append(demandKey)
            cityRows.append(ObservatoryRow(id: "city-\(index)", label: .names(ru: city, en: city),
                                           cells: [.count(demandKey), .count(supplyKey), .difference(demandKey, supplyKey)]))
        }
        cityRows.append(ObservatoryRow(id: "total", label: .key("observatory.total"), cells: [.count("demand.total"), .empty, .empty]))
        relations.append(.init(total: "demand.total", parts: cityKeys))
        tables.append(ObservatoryTable(id: "demand-cities", columns: ["demand", "candidates", "gap"], rows: cityRows, isPublic: true, chart: [0, 1]))

        // The trend: the last twelve months, this one included.
        let accountDates = users.compactMap(\.createdAt)
        var trendRows: [ObservatoryRow] = []
        var month = CalendarDate(year: today.year, month: today.month, day: 1) ?? today
        var months: [CalendarDate] = []
        for _ in 0..<12 {
            months.insert(month, at: 0)
            month = month.adding(months: -1)
        }
        func monthOf(_ date: Date) -> String { let day = CalendarDate(date, in: moscow); return String(format: "%04d-%02d", day.year, day.month) }
        let vacancyMonths = Dictionary(grouping: vacancies.compactMap(\.createdAt).map(monthOf)) { $0 }.mapValues(\.count)
        let accountMonths = Dictionary(grouping: accountDates.map(monthOf)) { $0 }.mapValues(\.count)
        for first in months {
            let id = String(format: "%04d-%02d", first.year, first.month)
            counts["trend.\(id).vacancies"] = vacancyMonths[id] ?? 0
            counts["trend.\(id).accounts"] = accountMonths[id] ?? 0
            trendRows.append(ObservatoryRow(id: id, label: .month(id), cells: [.count("trend.\(id).vacancies"), .count("trend.\(id).accounts")]))
        }
        tables.append(ObservatoryTable(id: "trend", columns: ["vacancies", "accounts"], rows: trendRows, isPublic: true, chart: [0, 1]))

        // Permits against the law's clock.
        let registry = app.permitRegistry
        let openStatuses: Set<CaseStatus> = [.submitted, .inReview, .informationRequested, .resubmitted, .refusalProposed]
        let decidedStatuses: Set<CaseStatus> = [.decided, .permitIssued, .arrivalRegistered, .cancelled]
        var clock = ["decided-within": 0, "decided-late": 0, "open-within": 0, "open-overdue": 0]
        var stageDays: [String: [Int]] = ["review": [], "decision": [], "issue": [], "arrival": []]
        func day(_ date: Date) -> CalendarDate { CalendarDate(date, in: moscow) }
        func workingDays(_ from: CalendarDate, _ to: CalendarDate) -> Int? {
            guard to > from else { return to == from ? 0 : nil }
            return try? registry.calendar.workingDays(from: from.adding(days: 1), through: to)
        }
        for permitCase in cases {
            guard let submitted = permitCase.submittedOn.flatMap(CalendarDate.init),
                  let rulebook = registry.rulebooks[permitCase.rulebookVersion],
                  let decisionClock = try? DecisionClock(submittedOn: submitted, termMonths: rulebook.decisionTermMonths, pauses: permitCase.pauses.compactMap {
                      guard let requested = CalendarDate($0.requestedOn) else { return nil }
                      return DecisionClock.Pause(requestedOn: requested, answeredOn: $0.answeredOn.flatMap(CalendarDate.init))
                  })
            else { continue }
            let history = permitCase.history
            let review = history.first { $0.event == CaseEventKind.startReview.rawValue }.map { day($0.at) }
            // The day a decision took effect: a confirmed refusal, else the last decision.
            let decision = (history.last { $0.event == CaseEventKind.confirmRefusal.rawValue }
                ?? history.last { $0.event == CaseEventKind.decide.rawValue }).map { day($0.at) }
            let issued = permitCase.permitIssuedOn.flatMap(CalendarDate.init)
            let arrival = history.last { $0.event == CaseEventKind.registerArrival.rawValue }.map { day($0.at) }
            if decidedStatuses.contains(permitCase.caseStatus), let decision,
               let status = try? decisionClock.status(on: decision, calendar: registry.calendar) {
                clock[status.overdueWorkingDays > 0 ? "decided-late" : "decided-within", default: 0] += 1
            } else if openStatuses.contains(permitCase.caseStatus), let status = try? decisionClock.status(on: today, calendar: registry.calendar) {
                clock[status.overdueWorkingDays > 0 ? "open-overdue" : "open-within", default: 0] += 1
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
        let clockRows: [(String, String?)] = [
            ("decided", nil), ("decided-within", "permits.decided"), ("decided-late", "permits.decided"),
            ("open", nil), ("open-within", "permits.open"), ("open-overdue", "permits.open"),
        ]
        tables.append(ObservatoryTable(id: "permits-clock", columns: ["count", "share"], rows: clockRows.map { id, total in
            ObservatoryRow(id: id, label: .key("observatory.permits-clock.row.\(id)"),
                           cells: [.count("permits.\(id)"), total.map { .share(of: "permits.\(id)", in: $0) } ?? .empty])
        }, isPublic: true, chart: [0]))
        var stageRows: [ObservatoryRow] = []
        for stage in ["review", "decision", "issue", "arrival"] {
            let spread = Spread(stageDays[stage]!)
            let key = "permits.stage.\(stage)"
            counts[key] = spread.count
            stageRows.append(ObservatoryRow(id: stage, label: .key("observatory.permits-stages.row.\(stage)"),
                                            cells: [.count(key), .median(spread, basis: key), .p90(spread, basis: key)]))
        }
        tables.append(ObservatoryTable(id: "permits-stages", columns: ["cases", "medianDays", "p90Days"], rows: stageRows, isPublic: true, chart: []))

        // The programme's figures as they were quoted, beside Caravan's own.
        counts["quoted.students.caravan"] = studying
        var quotedRows: [ObservatoryRow] = []
        for figure in QuotedFigure.programme {
            let ours: ObservatoryCell, progress: ObservatoryCell
            switch figure.id {
            case "grants":
                counts["quoted.grants.value"] = figure.value
                ours = .count("parts.grants-placed")
                progress = .share(of: "parts.grants-placed", in: "quoted.grants.value")
            case "students":
                ours = .count("quoted.students.caravan")
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
}

/// What a vacancy asks of a candidate, for counting candidates once per distinct requirement.
private struct VacancyNeed: Hashable {
    let remote: Bool
    let skills: [String]
}

extension CalendarDate {
    /// The first moment of this day in a time zone.
    func start(in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: year, month: month, day: day)) ?? Date(timeIntervalSince1970: 0)
    }
}

/// The last report, kept for a configured number of seconds (0: counted on every request).
final class ObservatoryCache: @unchecked Sendable {
    private let lock = NSLock()
    private var last: ObservatoryReport?
    let seconds: Int

    init(seconds: Int) {
        self.seconds = seconds
    }

    func report(now: Date, build: () async throws -> ObservatoryReport) async throws -> ObservatoryReport {
        if seconds > 0, let last = lock.withLock({ last }), now.timeIntervalSince(last.asOf) < Double(seconds), now >= last.asOf {
            return last
        }
        let report = try await build()
        if seconds > 0 { lock.withLock { last = report } }
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
