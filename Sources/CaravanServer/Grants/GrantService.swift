import CaravanAllocation
import CaravanDomain
import CaravanPermits
import Fluent
import FluentSQL
import Foundation
import Vapor

/// Study grants: universities and their programmes, rounds with their window, seed, quotas and ceilings, students'
/// applications, the recorded scores, freezing the input, running and publishing the allocation, answers, and the
/// course of study after. Pages and the API call these same operations; every decision is one transaction with its
/// audit event (ids and counts only: never a name or a certificate number).
struct GrantService: Sendable {
    let app: Application
    let database: any Database

    var now: Date { app.dependencies.now() }
    var today: CalendarDate { CalendarDate(now, in: PermitRegistry.moscow) }
    var audit: AuditLog { AuditLog(now: app.dependencies.now) }

    static func roundSubject(_ id: UUID?) -> String { "grant-round:\(id?.uuidString.lowercased() ?? "unknown")" }
    static func applicationSubject(_ id: UUID?) -> String { "grant-application:\(id?.uuidString.lowercased() ?? "unknown")" }

    /// The longest name, city, title or certificate number taken.
    static let textMaximum = 200

    static func failure(_ problems: [AllocationRules.Problem]) -> AppError {
        .validation(ValidationFailure(problems.map { FieldError(field: $0.field, code: $0.code, arguments: $0.arguments) }))
    }

    private func require(_ user: User, _ roles: Set<Role>) throws {
        guard let role = user.domainRole, roles.contains(role) else { throw AppError.forbidden }
    }

    private func text(_ value: String, field: String, into errors: inout [FieldError]) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { errors.append(FieldError(field: field, code: "field.required")) }
        if trimmed.unicodeScalars.count > Self.textMaximum {
            errors.append(FieldError(field: field, code: "text.tooLong", arguments: ["max": "\(Self.textMaximum)"]))
        }
        return trimmed
    }

    // MARK: Universities and programmes

    func universities() async throws -> [University] {
        try await University.query(on: database).sort(\.$name).all()
    }

    func createUniversity(name: String, city: String, districtGroup: String, by user: User) async throws -> University {
        try require(user, [.admin])
        var errors: [FieldError] = []
        let name = text(name, field: "name", into: &errors)
        let city = text(city, field: "city", into: &errors)
        if DistrictGroup(rawValue: districtGroup) == nil { errors.append(FieldError(field: "districtGroup", code: "field.choice")) }
        guard errors.isEmpty else { throw AppError.validation(ValidationFailure(errors)) }
        let university = University(name: name, city: city, districtGroup: districtGroup)
        do {
            try await database.writeTransaction { db in
                try await university.create(on: db)
                try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "grant.university-added",
                                                  subject: "university:\(university.id?.uuidString.lowercased() ?? "")",
                                                  payload: ["districtGroup": districtGroup]), on: db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw AppError.conflict(code: "university-exists")
        }
        return university
    }

    /// The university an admissions account acts for; nil for anyone else.
    func staffUniversity(of user: User) async throws -> UUID? {
        guard user.domainRole == .universityAdmissions, let id = user.id else { return nil }
        return try await UniversityStaffMember.query(on: database).filter(\.$userID == id).first()?.universityID
    }

    /// An admin names the admissions account a university's (by e-mail); one university per account.
    func assignStaff(email: String, universityID: UUID, by user: User) async throws {
        try require(user, [.admin])
        guard let university = try await University.find(universityID, on: database) else { throw AppError.notFound }
        let address = email.trimmingCharacters(in: .whitespaces).lowercased()
        guard let staff = try await User.query(on: database).filter(\.$email == address).first(), let staffID = staff.id else {
            throw AppError.validation(ValidationFailure(field: "email", code: "grant.staffUnknown"))
        }
        guard staff.domainRole == .universityAdmissions else { throw AppError.validation(ValidationFailure(field: "email", code: "grant.staffNotAdmissions")) }
        do {
            try await database.writeTransaction { db in
                try await UniversityStaffMember.query(on: db).filter(\.$userID == staffID).delete()
                try await UniversityStaffMember(userID: staffID, universityID: try university.requireID()).create(on: db)
                try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "grant.staff-assigned", subject: AuditEntry.user(staffID),
                                                  payload: ["university": universityID.uuidString.lowercased()]), on: db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another assignment of the same account at the same moment: one of them stands.
            throw AppError.conflict(code: "grant-staff-concurrent")
        }
    }

    struct ProgrammeInput: Sendable {
        var name: String
        var field: String
        var level: String
        var language: String
        var seats: Int
        var weights: [String: Int]
    }

    func programmes(universityID: UUID? = nil, level: String? = nil) async throws -> [GrantProgramme] {
        let query = GrantProgramme.query(on: database)
        if let universityID { query.filter(\.$universityID == universityID) }
        if let level { query.filter(\.$level == level) }
        return try await query.sort(\.$code).all()
    }

    /// Admins add programmes anywhere; admissions staff only at their own university.
    func createProgramme(at universityID: UUID, _ input: ProgrammeInput, by user: User) async throws -> GrantProgramme {
        try require(user, [.admin, .universityAdmissions])
        guard try await University.find(universityID, on: database) != nil else { throw AppError.notFound }
        if user.domainRole == .universityAdmissions, try await staffUniversity(of: user) != universityID { throw AppError.forbidden }
        var errors: [FieldError] = []
        let name = text(input.name, field: "name", into: &errors)
        let field = text(input.field, field: "field", into: &errors)
        if !["ru", "en"].contains(input.language) { errors.append(FieldError(field: "language", code: "field.choice")) }
        errors += GrantCatalogueRules.checkProgramme(level: input.level, seats: input.seats, weights: input.weights)
            .map { FieldError(field: $0.field, code: $0.code, arguments: $0.arguments) }
        guard errors.isEmpty else { throw AppError.validation(ValidationFailure(errors)) }
        let programme = GrantProgramme()
        programme.universityID = universityID
        programme.name = name
        programme.field = field
        programme.level = input.level
        programme.language = input.language
        programme.seats = input.seats
        programme.weights = input.weights.filter { $0.value > 0 }
        try await database.writeTransaction { db in
            programme.code = String(format: "GP-%04d", try await CentreCounter.next("grant-programme", on: db))
            try await programme.create(on: db)
            try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "grant.programme-added",
                                              subject: "grant-programme:\(programme.code)",
                                              payload: ["seats": "\(programme.seats)", "level": programme.level]), on: db)
        }
        return programme
    }

    /// A programme's places and the weights of its formula, changed by an admin or its own university's admissions
    /// (its level stays: applications already rank it for that level). A round takes the places as they are when its
    /// window closes.
    func updateProgramme(_ code: String, seats: Int, weights: [String: Int], by user: User) async throws -> GrantProgramme {
        try require(user, [.admin, .universityAdmissions])
        guard let programme = try await GrantProgramme.query(on: database).filter(\.$code == code).first() else { throw AppError.notFound }
        if user.domainRole == .universityAdmissions, try await staffUniversity(of: user) != programme.universityID { throw AppError.forbidden }
        var problems = GrantCatalogueRules.checkProgramme(level: programme.level, seats: seats, weights: weights)
        // Not below a ceiling an open round already gives it (the ministry's split would promise places it has not).
        let open = try await GrantRound.query(on: database).filter(\.$status == .open).all().compactMap(\.id)
        if let programmeID = programme.id, !open.isEmpty,
           let highest = try await GrantCeiling.query(on: database).filter(\.$programmeID == programmeID).filter(\.$roundID ~~ open).all()
            .map(\.ceiling).max(), seats < highest {
            problems.append(.init("seats", "allocation.ceilingOverSeats", ["programme": code, "seats": "\(seats)"]))
        }
        guard problems.isEmpty else { throw Self.failure(problems) }
        let before = programme.seats
        programme.seats = seats
        programme.weights = weights.filter { $0.value > 0 }
        try await database.writeTransaction { db in
            try await programme.update(on: db)
            try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "grant.programme-changed", subject: "grant-programme:\(code)",
                                              payload: ["seats": "\(seats)", "seatsBefore": "\(before)",
                                                        "weights": programme.weights.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")]),
                                   on: db)
        }
        return programme
    }

    // MARK: Rounds

    func rounds() async throws -> [GrantRound] {
        try await GrantRound.query(on: database).sort(\.$opensOn, .descending).sort(\.$title).all()
    }

    func round(_ id: UUID) async throws -> GrantRound {
        guard let round = try await GrantRound.find(id, on: database) else { throw AppError.notFound }
        return round
    }

    struct RoundInput: Sendable {
        var title: String
        var opensOn: String
        var closesOn: String
        var answerUntil: String
        var quotas: [String: Int]
        var maximumChoices = 6
        var maximumPerGroup = 2
    }

    static let quotaMaximum = 1_000_000

    /// A round opens with its seed drawn at once and published with it: fixed long before the window closes.
    func createRound(_ input: RoundInput, previous: GrantRound? = nil, seats: [String: Int]? = nil, by user: User) async throws -> GrantRound {
        try require(user, [.admin])
        var errors: [FieldError] = []
        let title = text(input.title, field: "title", into: &errors)
        let opens = CalendarDate(input.opensOn), closes = CalendarDate(input.closesOn), answer = CalendarDate(input.answerUntil)
        if opens == nil { errors.append(FieldError(field: "opensOn", code: "date.invalid")) }
        if closes == nil { errors.append(FieldError(field: "closesOn", code: "date.invalid")) }
        if answer == nil { errors.append(FieldError(field: "answerUntil", code: "date.invalid")) }
        if let opens, let closes, closes < opens { errors.append(FieldError(field: "closesOn", code: "grant.closesBeforeOpening")) }
        if let closes, let answer, answer <= closes { errors.append(FieldError(field: "answerUntil", code: "grant.answerBeforeClosing")) }
        if input.quotas.isEmpty { errors.append(FieldError(field: "quotas", code: "field.required")) }
        for (country, quota) in input.quotas.sorted(by: { $0.key < $1.key }) {
            if CountryCode(rawValue: country) == nil { errors.append(FieldError(field: "quotas.\(country)", code: "field.choice")) }
            if !(0...Self.quotaMaximum).contains(quota) {
                errors.append(FieldError(field: "quotas.\(country)", code: "allocation.quotaRange", arguments: ["max": "\(Self.quotaMaximum)"]))
            }
        }
        if !(1...12).contains(input.maximumChoices) { errors.append(FieldError(field: "maximumChoices", code: "limit.range", arguments: ["max": "12"])) }
        if !(1...12).contains(input.maximumPerGroup) { errors.append(FieldError(field: "maximumPerGroup", code: "limit.range", arguments: ["max": "12"])) }
        guard errors.isEmpty else { throw AppError.validation(ValidationFailure(errors)) }
        let round = GrantRound()
        round.title = title
        round.opensOn = input.opensOn
        round.closesOn = input.closesOn
        round.answerUntil = input.answerUntil
        round.seed = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined()
        round.maximumChoices = input.maximumChoices
        round.maximumPerGroup = input.maximumPerGroup
        round.quotas = input.quotas
        round.status = .open
        round.previousRoundID = previous?.id
        round.seats = seats
        round.revision = 1
        do {
            try await database.writeTransaction { db in
                try await round.create(on: db)
                try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "grant.round-opened", subject: Self.roundSubject(round.id),
                                                  payload: ["seed": round.seed, "opensOn": round.opensOn, "closesOn": round.closesOn,
                                                            "previous": previous?.id?.uuidString.lowercased() ?? ""]), on: db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // A title taken, or a second round after this one opened at the same moment.
            if let previousID = previous?.id, try await GrantRound.query(on: database).filter(\.$previousRoundID == previousID).count() > 0 {
                throw AppError.conflict(code: "grant-second-round-exists")
            }
            throw AppError.conflict(code: "grant-round-exists")
        }
        return round
    }

    /// A second round on what the first left: after the first's answer deadline, each programme offers the seats
    /// nobody took up; everyone the first did not place (or who declined or let the deadline pass) may apply.
    func openSecondRound(after first: UUID, _ input: RoundInput, by user: User) async throws -> GrantRound {
        try require(user, [.admin])
        let previous = try await round(first)
        guard previous.status == .published else { throw AppError.conflict(code: "grant-round-not-published") }
        guard try await GrantRound.query(on: database).filter(\.$previousRoundID == first).count() == 0 else {
            throw AppError.conflict(code: "grant-second-round-exists")
        }
        guard let deadline = CalendarDate(previous.answerUntil), today > deadline else { throw AppError.conflict(code: "grant-answers-pending") }
        // What the first round offered is what its published input says; what is left is that less the places taken up.
        guard let offered = previous.publishedInput?.programmes else { throw AppError.conflict(code: "grant-round-not-published") }
        let taken = try await GrantApplication.query(on: database).filter(\.$roundID == first).all()
            .filter { GrantLifecycle.tookPlace($0.status) }
        var used: [String: Int] = [:]
        for application in taken { if let code = application.placedCode { used[code, default: 0] += 1 } }
        var seats: [String: Int] = [:]
        for programme in offered { seats[programme.id] = max(0, programme.seats - used[programme.id, default: 0]) }
        // A programme added since the first round offers its places whole.
        for programme in try await GrantProgramme.query(on: database).all() where seats[programme.code] == nil { seats[programme.code] = programme.seats }
        return try await createRound(input, previous: previous, seats: seats, by: user)
    }

    /// Everyone may read a round's ceilings (they are published with the input).
    func ceilings(of roundID: UUID) async throws -> [GrantCeiling] {
        try await GrantCeiling.query(on: database).filter(\.$roundID == roundID).all()
    }

    struct CeilingRow: Sendable, Hashable {
        let programme: String
        let country: String
        let ceiling: Int
    }

    /// The ministry's split, replaced whole while the round is open: all rows or none.
    func setCeilings(of roundID: UUID, _ rows: [CeilingRow], by user: User) async throws -> Int {
        try require(user, [.admin])
        let round = try await round(roundID)
        guard round.status == .open else { throw AppError.conflict(code: "grant-round-frozen") }
        let programmes = Dictionary(uniqueKeysWithValues: try await GrantProgramme.query(on: database).all().map { ($0.code, $0) })
        guard rows.count <= GrantCeilingsCSV.maximumRows else {
            throw AppError.validation(ValidationFailure(field: "rows", code: "grant.csvTooLong", arguments: ["max": "\(GrantCeilingsCSV.maximumRows)"]))
        }
        var errors: [FieldError] = []
        var seen = Set<String>()
        for (index, row) in rows.enumerated() {
            if programmes[row.programme] == nil {
                errors.append(FieldError(field: "rows[\(index + 1)].programme", code: "allocation.programmeUnknown", arguments: ["programme": row.programme]))
            }
            if round.quotas[row.country] == nil {
                errors.append(FieldError(field: "rows[\(index + 1)].country", code: "allocation.quotaMissing", arguments: ["country": row.country]))
            }
            if !seen.insert("\(row.programme) \(row.country)").inserted {
                errors.append(FieldError(field: "rows[\(index + 1)]", code: "allocation.idTwice"))
            }
        }
        errors += GrantCatalogueRules.checkCeilings(
            rows.filter { programmes[$0.programme] != nil }.map { (programme: $0.programme, seats: round.seats?[$0.programme] ?? programmes[$0.programme]?.seats ?? 0, country: $0.country, ceiling: $0.ceiling) },
            quotas: round.quotas
        ).map { FieldError(field: $0.field, code: $0.code, arguments: $0.arguments) }
        guard errors.isEmpty else { throw AppError.validation(ValidationFailure(errors)) }
        let records = try rows.map { GrantCeiling(roundID: roundID, programmeID: try programmes[$0.programme]!.requireID(), country: $0.country, ceiling: $0.ceiling) }
        try await database.writeTransaction { db in
            try await touch(roundID, whileOpen: true, on: db)
            try await GrantCeiling.query(on: db).filter(\.$roundID == roundID).delete()
            for start in stride(from: 0, to: records.count, by: 500) {
                try await Array(records[start..<min(start + 500, records.count)]).create(on: db)
            }
            try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "grant.ceilings-set", subject: Self.roundSubject(roundID),
                                              payload: ["rows": "\(records.count)"]), on: db)
        }
        return records.count
    }

    /// Takes the round's row for the rest of the transaction (and bumps its revision), so that freezing waits for a
    /// save in progress and a save after freezing sees it frozen.
    private func touch(_ roundID: UUID, whileOpen: Bool, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "grant-round-frozen") }
        var query = sql.update(GrantRound.schema).set(SQLIdentifier("revision"), to: SQLRaw("revision + 1")).where("id", .equal, roundID)
        if whileOpen { query = query.where("status", .equal, GrantRound.Status.open.rawValue) }
        let rows = try await query.returning("id").all()
        guard !rows.isEmpty else { throw AppError.conflict(code: "grant-round-frozen") }
    }

    // MARK: Applying

    struct ApplicationInput: Sendable {
        var name: String
        var country: String
        var level: String
        var schoolCertificate: String
        var choices: [String]
    }

    func application(in roundID: UUID, of user: User) async throws -> GrantApplication? {
        guard let userID = user.id else { return nil }
        return try await GrantApplication.query(on: database).filter(\.$roundID == roundID).filter(\.$userID == userID).first()
    }

    func applications(of user: User) async throws -> [GrantApplication] {
        guard let userID = user.id else { return [] }
        return try await GrantApplication.query(on: database).filter(\.$userID == userID).sort(\.$createdAt, .descending).all()
    }

    func application(_ id: UUID) async throws -> GrantApplication {
        guard let application = try await GrantApplication.find(id, on: database) else { throw AppError.notFound }
        return application
    }

    /// The window as the round's dates and state say: open from its first day to its last, while not frozen.
    func isWindowOpen(_ round: GrantRound) -> Bool {
        guard round.status == .open, let opens = CalendarDate(round.opensOn), let closes = CalendarDate(round.closesOn) else { return false }
        return opens <= today && today <= closes
    }

    /// Sends or changes the specialist's one application in the round, all of it checked before anything is saved.
    func saveApplication(in roundID: UUID, _ input: ApplicationInput, by user: User) async throws -> GrantApplication {
        try require(user, [.specialist])
        let userID = try user.requireID()
        let round = try await round(roundID)
        guard isWindowOpen(round) else { throw AppError.conflict(code: "grant-window-closed") }
        var errors: [FieldError] = []
        let name = text(input.name, field: "name", into: &errors)
        let certificate = text(input.schoolCertificate, field: "schoolCertificate", into: &errors)
        if round.quotas[input.country] == nil {
            errors.append(FieldError(field: "country", code: "grant.countryNoQuota"))
        }
        if StudyLevel(rawValue: input.level) == nil { errors.append(FieldError(field: "level", code: "field.choice")) }
        if input.choices.isEmpty { errors.append(FieldError(field: "choices", code: "grant.choicesEmpty")) }
        let catalogue = try await inputProgrammes(for: round)
        errors += AllocationRules.checkChoices(input.choices, level: input.level, rules: round.rules,
                                               programmes: Dictionary(uniqueKeysWithValues: catalogue.map { ($0.id, $0) }), field: "choices")
            .map { FieldError(field: $0.field, code: $0.code, arguments: $0.arguments) }
        guard errors.isEmpty else { throw AppError.validation(ValidationFailure(errors)) }
        // A second round is for those the first left without a place: not for anyone who took one up.
        if let previous = round.previousRoundID,
           let earlier = try await GrantApplication.query(on: database).filter(\.$roundID == previous).filter(\.$userID == userID).first(),
           GrantLifecycle.tookPlace(earlier.status) {
            throw AppError.conflict(code: "grant-not-eligible")
        }
        // A verified Russian test from a centre counts: its level, and its marks' mean as the Russian score.
        let verified = try await verifiedRussian(of: userID)
        do {
            return try await database.writeTransaction { db -> GrantApplication in
                try await touch(roundID, whileOpen: true, on: db)
                // Read again once the round is taken: scores recorded meanwhile are kept, not overwritten.
                let existing = try await GrantApplication.query(on: db).filter(\.$roundID == roundID).filter(\.$userID == userID).first()
                let application = existing ?? GrantApplication()
                application.name = name
                application.country = input.country
                application.level = input.level
                application.schoolCertificate = certificate
                application.choices = input.choices
                if existing == nil {
                    application.roundID = roundID
                    application.userID = userID
                    application.scores = [:]
                    application.scoreSources = [:]
                    application.status = .applied
                    application.revision = 0
                }
                if let verified {
                    application.russianVerified = verified.level
                    if let score = verified.score {
                        application.scores["russian"] = score
                        application.scoreSources["russian"] = "test"
                    }
                }
                application.revision += 1
                if existing == nil {
                    application.number = String(format: "A%06d", try await CentreCounter.next("grant-application", on: db))
                    try await application.create(on: db)
                } else {
                    try await application.update(on: db)
                }
                try await audit.append(AuditEntry(actor: AuditEntry.user(userID), action: existing == nil ? "grant.applied" : "grant.application-changed",
                                                  subject: Self.applicationSubject(application.id),
                                                  payload: ["round": roundID.uuidString.lowercased(), "choices": "\(input.choices.count)"]), on: db)
                return application
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw AppError.conflict(code: "grant-application-concurrent")
        }
    }

    private func verifiedRussian(of userID: UUID) async throws -> (level: String, score: Int?)? {
        guard let profile = try await SpecialistProfile.query(on: database).filter(\.$user.$id == userID).first(),
              let level = profile.russianVerifiedLevel else { return nil }
        let result = try await CentreResult.query(on: database).filter(\.$user.$id == userID).filter(\.$personKey == "self")
            .filter(\.$passed == true).filter(\.$cefr == level).sort(\.$recordedAt, .descending).first()
        let marks = result?.marks?.values.map { $0 } ?? []
        return (level, marks.isEmpty ? nil : (marks.reduce(0, +) + marks.count / 2) / marks.count)
    }

    /// Centre staff (any application) or admissions (one that ranks their university) record subject scores while
    /// the window is open; a verified test's Russian score is not overwritten.
    func recordScores(of applicationID: UUID, _ scores: [String: Int], by user: User) async throws -> GrantApplication {
        try require(user, [.centreStaff, .universityAdmissions])
        let application = try await application(applicationID)
        let source: String
        if user.domainRole == .universityAdmissions {
            guard let university = try await staffUniversity(of: user) else { throw AppError.forbidden }
            let own = Set(try await programmes(universityID: university).map(\.code))
            guard application.choices.contains(where: own.contains) else { throw AppError.notFound }
            source = "admissions"
        } else {
            source = "centre"
        }
        let round = try await round(application.roundID)
        guard round.status == .open else { throw AppError.conflict(code: "grant-round-frozen") }
        var problems = GrantCatalogueRules.checkScores(scores)
        if scores.isEmpty { problems.append(.init("scores", "field.required")) }
        if scores["russian"] != nil, application.scoreSources["russian"] == "test" { problems.append(.init("scores.russian", "grant.scoreVerified")) }
        guard problems.isEmpty else { throw Self.failure(problems) }
        return try await database.writeTransaction { db -> GrantApplication in
            try await touch(application.roundID, whileOpen: true, on: db)
            // Read again once the round is taken: another desk's scores recorded meanwhile are kept.
            guard let fresh = try await GrantApplication.find(applicationID, on: db) else { throw AppError.notFound }
            if scores["russian"] != nil, fresh.scoreSources["russian"] == "test" {
                throw Self.failure([.init("scores.russian", "grant.scoreVerified")])
            }
            for (subject, score) in scores {
                fresh.scores[subject] = score
                fresh.scoreSources[subject] = source
            }
            fresh.revision += 1
            try await fresh.update(on: db)
            try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "grant.scores-recorded", subject: Self.applicationSubject(fresh.id),
                                              payload: ["subjects": scores.keys.sorted().joined(separator: ",")]), on: db)
            return fresh
        }
    }

    /// Applications of a round for the score desk: staff see all, admissions those that rank their university.
    func deskApplications(in roundID: UUID, search: String?, by user: User) async throws -> [GrantApplication] {
        try require(user, [.centreStaff, .universityAdmissions])
        let all = try await GrantApplication.query(on: database).filter(\.$roundID == roundID).sort(\.$number).all()
        var visible = all
        if user.domainRole == .universityAdmissions {
            guard let university = try await staffUniversity(of: user) else { return [] }
            let own = Set(try await programmes(universityID: university).map(\.code))
            visible = all.filter { $0.choices.contains(where: own.contains) }
        }
        let words = (search ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard !words.isEmpty else { return visible }
        return visible.filter { $0.number.lowercased() == words || $0.name.lowercased().contains(words) }
    }

    // MARK: Freezing, running, publishing

    /// The programmes as the round offers them: every programme, its seats (the round's own for a second round),
    /// its ceilings — written out for every quota country, 0 where the ministry gave none, so no country can
    /// exceed its quota.
    func inputProgrammes(for round: GrantRound) async throws -> [AllocationInput.Programme] {
        let universities = try await universitiesByID()
        let ceilings = Dictionary(grouping: try await ceilings(of: try round.requireID()), by: \.programmeID)
        return try await GrantProgramme.query(on: database).sort(\.$code).all().compactMap { programme in
            guard let id = programme.id, let university = universities[programme.universityID] else { return nil }
            var perCountry = Dictionary(uniqueKeysWithValues: round.quotas.keys.map { ($0, 0) })
            for ceiling in ceilings[id] ?? [] { perCountry[ceiling.country] = ceiling.ceiling }
            return AllocationInput.Programme(id: programme.code, university: university.name, districtGroup: university.districtGroup,
                                             level: programme.level, seats: round.seats?[programme.code] ?? programme.seats,
                                             ceilings: perCountry, weights: programme.weights)
        }
    }

    /// Closes the window (on its last day or earlier, by an admin) and fixes the input: every application as it
    /// stands, by its opaque number, with the programmes, ceilings and seed; its digest is published.
    func freeze(_ roundID: UUID, by user: User) async throws -> GrantRound {
        try require(user, [.admin])
        let round = try await round(roundID)
        guard round.status == .open else { throw AppError.conflict(code: "grant-round-frozen") }
        try await database.writeTransaction { db in
            // Taken first: a save in progress finishes before, and none after sees the window open.
            try await touch(roundID, whileOpen: true, on: db)
            let service = GrantService(app: app, database: db)
            let programmes = try await service.inputProgrammes(for: round)
            let applications = try await GrantApplication.query(on: db).filter(\.$roundID == roundID).filter(\.$status == .applied).all()
            let input = AllocationInput(
                round: round.title, seed: round.seed, rules: round.rules, countryQuotas: round.quotas, programmes: programmes,
                applicants: applications.map { .init(id: $0.number, country: $0.country, level: $0.level, scores: $0.scores, choices: $0.choices) }
            )
            let problems = AllocationRules.validate(input)
            guard problems.isEmpty else { throw Self.failure(problems) }
            round.input = String(decoding: input.canonicalData, as: UTF8.self)
            round.inputDigest = input.digest
            round.status = .frozen
            round.frozenAt = now
            round.revision += 1
            try await round.update(on: db)
            try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "grant.round-frozen", subject: Self.roundSubject(roundID),
                                              payload: ["inputDigest": input.digest, "applications": "\(applications.count)"]), on: db)
        }
        return round
    }

    /// Runs the mechanism on the frozen input and publishes: the result and its digest on the round, each
    /// application placed or not. Once only.
    func runAndPublish(_ roundID: UUID, by user: User) async throws -> GrantRound {
        try require(user, [.admin])
        let round = try await round(roundID)
        guard round.status == .frozen, let input = round.publishedInput else {
            throw AppError.conflict(code: round.status == .open ? "grant-round-open" : "grant-round-published")
        }
        // The stored input must still be the one whose digest was published.
        guard input.digest == round.inputDigest else { throw AppError.conflict(code: "grant-input-digest-differs") }
        let result: AllocationResult
        do {
            result = try Allocation.run(input).0
        } catch {
            if case .invalid(let problems) = error { throw Self.failure(problems) }
            throw error
        }
        let placements = Dictionary(uniqueKeysWithValues: result.placements.map { ($0.applicant, $0.programme) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let resultText = String(decoding: try encoder.encode(result), as: UTF8.self)
        try await database.writeTransaction { db in
            guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "grant-round-published") }
            let claimed = try await sql.update(GrantRound.schema).set("status", to: GrantRound.Status.published.rawValue)
                .where("id", .equal, roundID).where("status", .equal, GrantRound.Status.frozen.rawValue).returning("id").all()
            guard !claimed.isEmpty else { throw AppError.conflict(code: "grant-round-published") }
            round.status = .published
            round.result = resultText
            round.resultDigest = result.digest
            round.publishedAt = now
            round.revision += 1
            try await round.update(on: db)
            let applications = try await GrantApplication.query(on: db).filter(\.$roundID == roundID).filter(\.$status == .applied).all()
            for application in applications {
                let placed = placements[application.number] ?? nil
                application.status = placed == nil ? .unplaced : .placed
                application.placedCode = placed
                application.revision += 1
                try await application.update(on: db)
            }
            try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "grant.round-published", subject: Self.roundSubject(roundID),
                                              payload: ["inputDigest": result.inputDigest, "resultDigest": result.digest,
                                                        "placed": "\(placements.values.compactMap { $0 }.count)", "code": result.codeVersion]), on: db)
            try await NotificationService(app: app, database: db).notify(
                applications.compactMap(\.userID), kind: "grant.published", arguments: ["round": round.title], link: SiteURL.grantsMine.path
            )
        }
        await app.outbox.sweep(app: app, on: database)
        return round
    }

    // MARK: After the allocation

    /// The applicant accepts or declines the place by the deadline. A decline frees nothing in this round: the
    /// published run stands, and a second round offers what is left.
    func respond(_ applicationID: UUID, accept: Bool, by user: User) async throws -> GrantApplication {
        let application = try await own(applicationID, by: user)
        let userID = try user.requireID()
        let round = try await round(application.roundID)
        let to: GrantStatus = accept ? .accepted : .declined
        guard GrantLifecycle.mayMove(from: application.status, to: to, by: .applicant) else { throw AppError.conflict(code: "grant-status") }
        guard let deadline = CalendarDate(round.answerUntil), today <= deadline else { throw AppError.conflict(code: "grant-answer-late") }
        try await move(application, from: application.status, to: to, actor: AuditEntry.user(userID))
        return application
    }

    /// Admissions keep the course of study for places at their university: enrolled, studying, graduated (or left).
    func advance(_ applicationID: UUID, to: GrantStatus, graduatedOn: String?, by user: User) async throws -> GrantApplication {
        let application = try await student(applicationID, by: user)
        guard GrantLifecycle.mayMove(from: application.status, to: to, by: .admissions) else { throw AppError.conflict(code: "grant-status") }
        if to == .graduated {
            guard let date = graduatedOn.flatMap(CalendarDate.init) else { throw AppError.validation(ValidationFailure(field: "graduatedOn", code: "date.invalid")) }
            guard date <= today else { throw AppError.validation(ValidationFailure(field: "graduatedOn", code: "grant.graduationInFuture")) }
            application.graduatedOn = date.description
        }
        try await move(application, from: application.status, to: to, actor: AuditEntry.user(user.id))
        return application
    }

    /// An application placed at the admissions account's university; 404 for anyone else's.
    func student(_ applicationID: UUID, by user: User) async throws -> GrantApplication {
        try require(user, [.universityAdmissions])
        let application = try await application(applicationID)
        guard let university = try await staffUniversity(of: user), let code = application.placedCode,
              try await GrantProgramme.query(on: database).filter(\.$code == code).first()?.universityID == university else { throw AppError.notFound }
        return application
    }

    /// The applicant's own application; 404 for anyone else's.
    func own(_ applicationID: UUID, by user: User) async throws -> GrantApplication {
        try require(user, [.specialist])
        let application = try await application(applicationID)
        guard let userID = user.id, application.userID == userID else { throw AppError.notFound }
        return application
    }

    /// Places not answered by the round's deadline lapse (the published run stands; a second round offers them).
    /// Returns how many lapsed.
    @discardableResult
    func sweepLapsed() async throws -> Int {
        var lapsed = 0
        for round in try await GrantRound.query(on: database).filter(\.$status == .published).all() {
            guard let deadline = CalendarDate(round.answerUntil), today > deadline, let roundID = round.id else { continue }
            for application in try await GrantApplication.query(on: database).filter(\.$roundID == roundID).filter(\.$status == .placed).all() {
                do {
                    try await move(application, from: .placed, to: .lapsed, actor: "system")
                    lapsed += 1
                } catch AppError.conflict {
                    // Answered meanwhile.
                }
            }
        }
        return lapsed
    }

    /// One move, if nobody moved it first.
    private func move(_ application: GrantApplication, from: GrantStatus, to: GrantStatus, actor: String) async throws {
        let id = try application.requireID()
        try await database.writeTransaction { db in
            guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "grant-status") }
            let claimed = try await sql.update(GrantApplication.schema).set("status", to: to.rawValue)
                .where("id", .equal, id).where("status", .equal, from.rawValue).returning("id").all()
            guard !claimed.isEmpty else { throw AppError.conflict(code: "grant-status") }
            application.status = to
            application.revision += 1
            try await application.update(on: db)
            try await audit.append(AuditEntry(actor: actor, action: "grant.\(to.rawValue)", subject: Self.applicationSubject(id),
                                              payload: ["from": from.rawValue, "programme": application.placedCode ?? ""]), on: db)
        }
    }

    /// The places at an admissions account's university, by programme.
    func admitted(by user: User) async throws -> (university: University, programmes: [GrantProgramme], applications: [GrantApplication]) {
        try require(user, [.universityAdmissions])
        guard let universityID = try await staffUniversity(of: user), let university = try await University.find(universityID, on: database) else {
            throw AppError.conflict(code: "grant-staff-unassigned")
        }
        let programmes = try await programmes(universityID: universityID)
        let codes = programmes.map(\.code)
        let applications = codes.isEmpty ? [] : try await GrantApplication.query(on: database).filter(\.$placedCode ~~ codes).sort(\.$number).all()
        return (university, programmes, applications)
    }

    /// Retention of a round's graduates at 1, 3 and 5 years: working in Russia through Caravan (an accepted job
    /// offer, from its decision on) and holding a residence permit (an issued case, while valid).
    func retention(_ roundID: UUID) async throws -> (graduates: Int, horizons: [Retention.Horizon]) {
        let graduates = try await GrantApplication.query(on: database).filter(\.$roundID == roundID).filter(\.$status == .graduated).all()
        let people = Array(Set(graduates.compactMap(\.userID)))
        // Two reads for the whole cohort (the public round page asks on every visit), not two per graduate.
        let hires = people.isEmpty ? [] : try await JobApplication.query(on: database).filter(\.$specialist.$id ~~ people)
            .filter(\.$stage == ApplicationStage.hired.rawValue).all()
        let permits = people.isEmpty ? [] : try await PermitCase.query(on: database).filter(\.$principal.$id ~~ people).all()
        var working: [UUID: [ClosedRange<Int>]] = [:]
        for hire in hires {
            // Working through Caravan: from the day of the hiring step (the application's history), not its last
            // edit, while nothing says it ended.
            let hired = hire.history.last { $0.stage == ApplicationStage.hired.rawValue }?.at ?? hire.createdAt ?? now
            working[hire.$specialist.id, default: []].append(CalendarDate(hired, in: PermitRegistry.moscow).dayNumber...Int.max / 2)
        }
        var held: [UUID: [ClosedRange<Int>]] = [:]
        for permit in permits {
            // Holding a permit: issued (or the arrival registered on it), until a cancellation or the contract's end.
            guard let from = permit.permitIssuedOn.flatMap(CalendarDate.init)?.dayNumber else { continue }
            let inForce = [.permitIssued, .arrivalRegistered].contains(permit.caseStatus)
            let until = inForce ? Int.max / 2 : (permit.contractEndedOn.flatMap(CalendarDate.init)?.dayNumber ?? from)
            held[permit.$principal.id, default: []].append(from...max(from, until))
        }
        let facts = graduates.compactMap { graduate -> Retention.Graduate? in
            guard let day = graduate.graduatedOn.flatMap(CalendarDate.init) else { return nil }
            return Retention.Graduate(graduated: day.dayNumber, working: graduate.userID.flatMap { working[$0] } ?? [],
                                      permits: graduate.userID.flatMap { held[$0] } ?? [])
        }
        return (graduates.count, Retention.cohort(facts, today: today.dayNumber))
    }

    /// Every university by id: what programme lists and outcomes name them by.
    func universitiesByID() async throws -> [UUID: University] {
        Dictionary(uniqueKeysWithValues: try await universities().compactMap { university in university.id.map { ($0, university) } })
    }
}

extension Request {
    var grants: GrantService { GrantService(app: application, database: database) }
}
