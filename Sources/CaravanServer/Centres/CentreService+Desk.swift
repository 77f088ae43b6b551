import CaravanCentres
import CaravanDomain
import CaravanPermits
import Crypto
import Fluent
import FluentSQL
import Foundation
import Vapor

/// What staff record about a visit, as a form or an API body sends it.
struct VisitResultRequest: Sendable {
    /// The Russian test: a level id (`trki1`) and the five subtests' marks (nil: not given; unparsable text is
    /// passed as nil and reported as required).
    var level: String?
    var marks: [String: Int?] = [:]
    /// An IT assessment: 0–100.
    var score: Int?
}

extension CentreBookingService {
    /// The centre a staff account works at (nil: not assigned yet — an admin assigns it).
    func staffCentre(of user: User) async throws -> Centre? {
        guard user.domainRole == .centreStaff else { return nil }
        let member = try await CentreStaffMember.query(on: database).filter(\.$user.$id == user.requireID()).first()
        return member.flatMap { directory.centre($0.centre) }
    }

    /// The staff account's centre, or 403 (anyone else, or staff not assigned to a centre).
    func requireStaff(_ user: User) async throws -> Centre {
        guard user.domainRole == .centreStaff else { throw AppError.forbidden }
        guard let centre = try await staffCentre(of: user) else { throw AppError.conflict(code: "centre-staff-unassigned") }
        return centre
    }

    /// An admin puts a centre-staff account at a centre (or moves it), audited.
    func assign(_ staffID: UUID, to centreID: String, by admin: User) async throws {
        guard admin.domainRole == .admin else { throw AppError.forbidden }
        guard directory.centre(centreID) != nil else { throw AppError.validation(ValidationFailure(field: "centre", code: "centre.booking.unknownCentre")) }
        guard let staff = try await User.find(staffID, on: database), staff.domainRole == .centreStaff else {
            throw AppError.validation(ValidationFailure(field: "user", code: "centre.staffRoleRequired"))
        }
        try await database.writeTransaction { db in
            try await CentreStaffMember.query(on: db).filter(\.$user.$id == staffID).delete()
            try await CentreStaffMember(userID: staffID, centre: centreID).create(on: db)
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: AuditEntry.user(admin.id), action: "centre.staff-assigned", subject: AuditEntry.user(staff.id), payload: ["centre": centreID]
            ), on: db)
        }
    }

    /// The centre's appointments on its local `day`, by time (cancelled ones left out).
    func queue(of centre: Centre, on day: CalendarDate) async throws -> [CentreBooking] {
        guard let from = SlotGenerator.moment(day, LocalTime(minutes: 0)!, in: centre.zone),
              let to = SlotGenerator.moment(day.adding(days: 1), LocalTime(minutes: 0)!, in: centre.zone) else { return [] }
        return try await CentreBooking.query(on: database).filter(\.$centre == centre.id)
            .filter(\.$startsAt >= from).filter(\.$startsAt < to).filter(\.$status != BookingStatus.cancelled.rawValue)
            .sort(\.$startsAt).sort(\.$person).all()
    }

    /// A booking at the staff member's own centre (404 for any other: staff see their centre only).
    func deskBooking(_ id: UUID, by user: User) async throws -> (CentreBooking, Centre) {
        let centre = try await requireStaff(user)
        guard let booking = try await CentreBooking.find(id, on: database), booking.centre == centre.id else { throw AppError.notFound }
        return (booking, centre)
    }

    /// Staff mark a visit: arrived, no-show, or done. Done on an identity check or biometrics is their result
    /// (recorded with it); a test or an assessment is done by recording its result.
    func mark(_ id: UUID, as rawStatus: String, by user: User) async throws -> CentreBooking {
        let (booking, centre) = try await deskBooking(id, by: user)
        guard let next = BookingStatus(rawValue: rawStatus), [.arrived, .noShow, .done].contains(next) else {
            throw AppError.validation(ValidationFailure(field: "status", code: rawStatus.isEmpty ? "field.required" : "centre.desk.unknownStatus"))
        }
        guard booking.bookingStatus.mayMark(next) else { throw AppError.centreStage(booking) }
        if next == .done, [.russianTest, .itAssessment].contains(booking.centreService) {
            throw AppError.validation(ValidationFailure(field: "status", code: "centre.desk.resultNeeded"))
        }
        if let problem = BookingRules.markProblem(next, startingAt: booking.startsAt, in: centre.zone, now: now) {
            throw AppError.validation(ValidationFailure(field: "status", code: "centre.desk.\(problem)"))
        }
        try await change(booking, to: next, at: centre, by: user, result: nil)
        return booking
    }

    /// Records a Russian test or an IT assessment for a person who came (arrived) to this centre.
    func record(_ id: UUID, _ request: VisitResultRequest, by user: User) async throws -> CentreResult {
        let (booking, centre) = try await deskBooking(id, by: user)
        guard [.russianTest, .itAssessment].contains(booking.centreService) else {
            throw AppError.validation(ValidationFailure(field: "service", code: "centre.desk.noResultForService"))
        }
        // Only for someone the centre saw: arrived (a no-show or a future booking has no result).
        guard booking.bookingStatus == .arrived else { throw AppError.centreStage(booking) }
        let result = CentreResult()
        switch booking.centreService {
        case .russianTest:
            switch app.russianTest.score(level: request.level ?? "", marks: request.marks) {
            case .failure(let problems):
                throw AppError.validation(ValidationFailure(problems.list.map {
                    $0.field == "level" && $0.code == "required" ? FieldError(field: "level", code: "field.required")
                        : FieldError(field: $0.field, code: "centre.test.\($0.code)")
                }))
            case .success(let outcome):
                result.level = outcome.level.id
                result.cefr = outcome.level.cefr.rawValue
                result.marks = outcome.marks
                result.passed = outcome.passed
            }
        default:
            guard let score = request.score, (0...100).contains(score) else {
                throw AppError.validation(ValidationFailure(field: "score", code: request.score == nil ? "field.required" : "centre.test.markOutOfRange"))
            }
            result.score = score
            result.passed = true
        }
        try await change(booking, to: .done, at: centre, by: user, result: result)
        return result
    }

    /// The result recorded for a booking, if any.
    func result(of booking: CentreBooking) async throws -> CentreResult? {
        try await CentreResult.query(on: database).filter(\.$bookingID == booking.requireID()).first()
    }

    /// The results recorded for these bookings, by booking (what the desk shows beside each visit).
    func results(of bookings: [CentreBooking]) async throws -> [UUID: CentreResult] {
        let ids = bookings.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        let results = try await CentreResult.query(on: database).filter(\.$bookingID ~~ ids).all()
        return Dictionary(results.map { ($0.bookingID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every verified result of an account's people (the profile and the permit case read them).
    func results(of userID: UUID) async throws -> [CentreResult] {
        try await CentreResult.query(on: database).filter(\.$user.$id == userID).sort(\.$recordedAt, .descending).all()
    }

    // MARK: Private

    /// One transaction: the booking's new status (claimed from the status it was read in, so two desks cannot
    /// both record), the result and what it changes elsewhere, the audit event, the person's notice.
    private func change(_ booking: CentreBooking, to next: BookingStatus, at centre: Centre, by staff: User, result: CentreResult?) async throws {
        let bookingID = try booking.requireID()
        let from = booking.status
        let service = booking.centreService
        var made = result
        if next == .done, made == nil, [.biometrics, .identityVerification].contains(service) {
            made = CentreResult()
            made?.passed = true
        }
        let result = made
        try await database.writeTransaction { db in
            guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "centre-concurrent") }
            let claimed = try await sql.update(CentreBooking.schema).set("status", to: next.rawValue).set("updated_at", to: now)
                .where("id", .equal, bookingID).where("status", .equal, from).returning("id").all()
            guard !claimed.isEmpty else { throw AppError.stageConflict(current: "centre.\(from)") }
            booking.status = next.rawValue
            var payload = ["from": from, "to": next.rawValue, "service": service.rawValue]
            if let result {
                result.bookingID = bookingID
                result.$user.id = booking.$user.id
                result.personKey = booking.personKey
                result.centre = centre.id
                result.service = service.rawValue
                result.recordedBy = try staff.requireID()
                result.recordedAt = now
                if service == .russianTest, result.passed {
                    result.certificate = try await certificateNumber(at: centre, on: db)
                }
                try await result.create(on: db)
                payload["passed"] = String(result.passed)
                if let level = result.level { payload["level"] = level }
                if let certificate = result.certificate { payload["certificate"] = certificate }
                try await apply(result, of: booking, on: db)
            }
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: AuditEntry.user(staff.id), action: result == nil ? "centre.marked" : "centre.result-recorded",
                subject: Self.subject(bookingID), payload: payload
            ), on: db)
            let kind = result.map { "notice.centre.result.\(service.rawValue).\($0.passed ? "passed" : "failed")" } ?? "notice.centre.marked.\(next.rawValue)"
            var arguments = ["service": service.rawValue, "centre": centre.id, "when": CentreText.whenArgument(booking), "person": booking.personName]
            if let level = result?.level { arguments["testLevel"] = level }
            if let certificate = result?.certificate { arguments["certificate"] = certificate }
            try await NotificationService(app: app, database: db).notify([booking.$user.id], kind: kind, arguments: arguments, link: SiteURL.appointments.path)
        }
        await app.outbox.sweep(app: app, on: database)
        if result != nil, booking.personKey == "self", let profile = try await SpecialistProfile.query(on: database).filter(\.$user.$id == booking.$user.id).first() {
            // The indexes read the verified level: brought up to date here and on every other instance.
            await app.candidateIndex.update(profile)
        }
    }

    /// The next certificate serial of the centre's year, from a counter row taken by UPDATE … RETURNING.
    private func certificateNumber(at centre: Centre, on db: any Database) async throws -> String {
        let year = CalendarDate(now, in: centre.zone).year
        let serial = try await CentreCounter.next("certificate:\(centre.id):\(year)", on: db)
        return CertificateNumber.make(centreCode: centre.code, year: year, serial: serial)
    }

    /// What a result changes beyond itself: a passed test verifies the account holder's Russian level; an
    /// identity check records the holder's verified identity; biometrics satisfy that person's fingerprint
    /// registration on every open permit case of the account.
    private func apply(_ result: CentreResult, of booking: CentreBooking, on db: any Database) async throws {
        let service = booking.centreService
        if booking.personKey == "self", service == .russianTest || service == .identityVerification {
            // The holder's profile, made if they never saved one: the result is theirs either way.
            let profile = try await SpecialistProfile.query(on: db).filter(\.$user.$id == booking.$user.id).first()
                ?? SpecialistProfile(userID: booking.$user.id)
            if service == .russianTest, result.passed, let cefr = result.cefr {
                // A lower pass never lowers a verified level.
                let current = profile.russianVerifiedLevel.flatMap(CEFRLevel.init(rawValue:))
                if let level = CEFRLevel(rawValue: cefr), current == nil || level > current! {
                    profile.russianVerifiedLevel = cefr
                    profile.russianLevel = cefr
                    profile.russianCertificate = result.certificate
                    profile.russianVerifiedOn = CalendarDate(now, in: PermitRegistry.moscow).description
                }
            }
            if service == .identityVerification { profile.identityVerifiedAt = CalendarDate(now, in: PermitRegistry.moscow).description }
            try await profile.save(on: db)
            try await app.changeFeed.publish(.profile, profile.$user.id, on: db, at: now)
        }
        if service == .biometrics {
            try await PermitService(app: app, database: db).acceptCentreBiometrics(
                of: booking.$user.id, name: booking.personName, birthDate: booking.personBirthDate, isPrincipal: booking.personKey == "self",
                bookingID: try booking.requireID(), centre: booking.centre, on: db
            )
        }
    }
}

extension PermitService {
    /// Biometrics taken at a programme centre stand for the fingerprint registration of that person on each of
    /// the holder's open cases: an accepted document whose evidence is the centre's record (not an upload). Runs
    /// inside the caller's transaction; each case's revision is claimed, so a concurrent change is not lost.
    func acceptCentreBiometrics(of principalID: UUID, name: String, birthDate: String, isPrincipal: Bool, bookingID: UUID, centre: String,
                                on db: any Database) async throws {
        let kind = DocumentKind.fingerprintRegistration.rawValue
        let cases = try await PermitCase.query(on: db).filter(\.$principal.$id == principalID).all().filter { $0.caseStatus.acceptsUploads }
        guard !cases.isEmpty, let sql = db as? any SQLDatabase else { return }
        let record = "Caravan centre record\ncentre: \(centre)\nservice: biometrics\nbooking: \(bookingID.uuidString.lowercased())\n"
        let data = Data(record.utf8)
        let sha = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let url = documentURL(sha)
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try app.dataKeyring.seal(bytes: data).write(to: url, options: .atomic)
        }
        let normalized = name.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for permitCase in cases {
            guard let index = permitCase.persons.firstIndex(where: { person in
                isPrincipal ? person.id == "p0"
                    : person.birthDate == birthDate && person.name.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ") == normalized
            }) else { continue }
            let caseID = try permitCase.requireID()
            let person = permitCase.persons[index].id
            let expected = permitCase.revision
            let claimed = try await sql.update(PermitCase.schema).set("revision", to: expected + 1)
                .where("id", .equal, caseID).where("revision", .equal, expected).returning("id").all()
            guard !claimed.isEmpty else { throw AppError.conflict(code: "permit-concurrent") }
            permitCase.revision = expected + 1
            permitCase.persons[index].documents.removeAll { $0 == kind }
            permitCase.persons[index].documents.append(kind)
            try await permitCase.save(on: db)
            try await PermitDocumentFile.query(on: db).filter(\.$permitCase.$id == caseID).filter(\.$person == person)
                .filter(\.$kind == kind).filter(\.$status != "replaced").set(\.$status, to: "replaced").update()
            let file = PermitDocumentFile()
            file.$permitCase.id = caseID
            file.person = person
            file.kind = kind
            file.sha256 = sha
            file.contentType = "text/plain"
            file.size = data.count
            file.status = "accepted"
            file.uploadedAt = now
            file.reviewedAt = now
            file.source = "centre-booking:\(bookingID.uuidString.lowercased())"
            try await file.create(on: db)
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: "system:centre:\(centre)", action: "permit.document-accepted", subject: Self.subject(caseID),
                payload: ["person": person, "kind": kind, "source": file.source ?? ""]
            ), on: db)
        }
    }
}
