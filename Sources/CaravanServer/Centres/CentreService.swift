import CaravanCentres
import CaravanDomain
import CaravanPermits
import Fluent
import FluentSQL
import Foundation
import Vapor

/// A slot still open, as a person is offered it.
struct FreeSlot: Sendable, Equatable {
    let centre: String
    let start: Int
    let free: Int
}

/// Someone a specialist may book for: themself (`p0`) or a family member on the profile (`p1`…).
struct BookablePerson: Sendable {
    let id: String
    let name: String
    let birthDate: String
    let relation: String?
    let key: String
}

/// What a booking asks for, as a form or an API body sends it.
struct BookingRequest: Sendable {
    var centre: String
    var service: String
    /// The first slot's start, seconds since 1970 (UTC).
    var start: Int?
    var persons: [String]
}

/// Appointments at the centres, and what the visits produce. Every change is one transaction with its audit
/// event and notices; a seat is taken by the database's own check, never by a count read first.
struct CentreBookingService: Sendable {
    let app: Application
    let database: any Database

    var directory: CentreDirectory { app.centres }
    var generator: SlotGenerator { SlotGenerator(directory: directory) }
    var now: Date { app.dependencies.now() }
    private var audit: AuditLog { AuditLog(now: app.dependencies.now) }

    /// The most people one booking takes at once (a large family).
    static let maximumPersons = 8

    // MARK: Looking

    /// The free seats of `service` at `centre` from `from` for `days` local days, slot by slot (slots in the past
    /// left out). One read of the stored counters for the window.
    func availability(_ service: CentreService, at centre: Centre, from day: CalendarDate, days: Int) async throws -> [(Slot, Int)] {
        let slots = generator.slots(service, at: centre, from: day, days: days).filter { TimeInterval($0.start) > now.timeIntervalSince1970 }
        guard let first = slots.first, let last = slots.last else { return [] }
        let stored = try await CentreSlot.query(on: database).filter(\.$centre == centre.id).filter(\.$service == service.rawValue)
            .filter(\.$startsAt >= first.start).filter(\.$startsAt <= last.start).all()
        let booked = Dictionary(stored.map { ($0.startsAt, $0.booked) }, uniquingKeysWith: { first, _ in first })
        return slots.map { ($0, max(0, $0.desks - booked[$0.start, default: 0])) }
    }

    /// The next starts where `persons` people fit in consecutive free slots, at most `limit` of them, within
    /// the coming 60 days.
    func nextFree(_ service: CentreService, at centre: Centre, persons: Int = 1, after start: Int? = nil, limit: Int = 5) async throws -> [FreeSlot] {
        let today = CalendarDate(now, in: centre.zone)
        let open = try await availability(service, at: centre, from: today, days: 60)
        var result: [FreeSlot] = []
        var index = 0
        while index < open.count, result.count < limit {
            let (slot, free) = open[index]
            if free > 0, slot.start > (start ?? 0), index + persons <= open.count {
                let run = open[index..<(index + persons)]
                if run.allSatisfy({ $0.1 > 0 && $0.0.localDay == slot.localDay }),
                   zip(run.dropFirst(), run).allSatisfy({ $0.0.0.start == $0.1.0.start + $0.1.0.minutes * 60 }) {
                    result.append(FreeSlot(centre: centre.id, start: slot.start, free: free))
                }
            }
            index += 1
        }
        return result
    }

    /// Who `user` may book for: themself and each family member on the profile.
    func persons(of user: User) async throws -> [BookablePerson] {
        let profile = try await SpecialistProfile.query(on: database).filter(\.$user.$id == user.requireID()).first()
        var persons = [BookablePerson(id: "p0", name: user.displayName, birthDate: profile?.birthDate ?? "", relation: nil, key: "self")]
        for (index, member) in (profile?.family ?? []).enumerated() {
            persons.append(BookablePerson(id: "p\(index + 1)", name: member.name, birthDate: member.birthDate, relation: member.relation.rawValue,
                                          key: app.dataKeyring.blindIndex(person: member.name, birthDate: member.birthDate)))
        }
        return persons
    }

    /// A specialist's appointments, soonest first, then the past ones.
    func bookings(of user: User) async throws -> [CentreBooking] {
        try await CentreBooking.query(on: database).filter(\.$user.$id == user.requireID()).sort(\.$startsAt, .descending).all()
    }

    func booking(_ id: UUID, of user: User) async throws -> CentreBooking {
        guard let booking = try await CentreBooking.find(id, on: database), booking.$user.id == user.id else { throw AppError.notFound }
        return booking
    }

    // MARK: Booking

    /// Books `request.persons` into consecutive slots from `request.start`, all or none. A full slot is 409
    /// `centre-slot-full` with the next starts the same people fit.
    func book(_ request: BookingRequest, by user: User) async throws -> [CentreBooking] {
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        let (centre, service, persons) = try await check(request, of: user)
        guard let start = request.start else { throw AppError.validation(ValidationFailure(field: "start", code: "field.required")) }
        let slots = try rule(BookingRules(generator: generator).slots(for: persons.count, service, at: centre.id, startingAt: start, now: now))
        let groupID = UUID()
        let userID = try user.requireID()
        let made: [CentreBooking]
        do {
            made = try await database.writeTransaction { db in
                try await lockAccount(userID, on: db)
                try await checkLimits(of: userID, adding: persons.count, at: centre, on: slots[0].localDay, db)
                for (slot, person) in zip(slots, persons) {
                    try await requireNoActive(person, service, of: userID, on: db)
                    try await requireFree(person.key, person.name, slot, of: userID, except: nil, on: db)
                }
                var made: [CentreBooking] = []
                for (slot, person) in zip(slots, persons) {
                    let seat = try await takeSeat(slot, on: db)
                    let booking = CentreBooking()
                    booking.$user.id = userID
                    booking.centre = centre.id
                    booking.service = service.rawValue
                    booking.slotID = seat
                    booking.startsAt = slot.start
                    booking.minutes = slot.minutes
                    booking.person = person.id
                    booking.personKey = person.key
                    booking.personName = person.name
                    booking.personBirthDate = person.birthDate
                    booking.status = BookingStatus.booked.rawValue
                    booking.groupID = groupID
                    booking.createdAt = now
                    booking.updatedAt = now
                    try await booking.create(on: db)
                    try await audit.append(AuditEntry(
                        actor: AuditEntry.user(userID), action: "centre.booked", subject: Self.subject(booking.id),
                        payload: ["centre": centre.id, "service": service.rawValue, "start": String(slot.start), "person": person.id]
                    ), on: db)
                    made.append(booking)
                }
                try await announce(made, kind: "notice.centre.booked", to: user, on: db)
                return made
            }
        } catch is SlotFull {
            throw AppError.slotFull(next: try await nextFree(service, at: centre, persons: persons.count, after: start))
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // The partial unique index: another request booked the same person meanwhile.
            throw AppError.conflict(code: "centre-booking-exists")
        }
        await app.outbox.sweep(app: app, on: database)
        return made
    }

    /// Cancels a booking until its service's cut-off; the seat is free again at once.
    func cancel(_ id: UUID, by user: User) async throws -> CentreBooking {
        let booking = try await booking(id, of: user)
        try checkChangeable(booking)
        try await database.writeTransaction { db in
            try await release(booking, on: db)
            booking.status = BookingStatus.cancelled.rawValue
            booking.updatedAt = now
            try await booking.save(on: db)
            try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "centre.cancelled", subject: Self.subject(booking.id)), on: db)
            try await announce([booking], kind: "notice.centre.cancelled", to: user, cancelled: true, on: db)
        }
        await app.outbox.sweep(app: app, on: database)
        return booking
    }

    /// Moves a booking to another slot of the same service and centre, until the cut-off: the new seat is taken
    /// and the old one freed in one transaction (a full slot changes nothing).
    func reschedule(_ id: UUID, to start: Int?, by user: User) async throws -> CentreBooking {
        let booking = try await booking(id, of: user)
        try checkChangeable(booking)
        guard let start else { throw AppError.validation(ValidationFailure(field: "start", code: "field.required")) }
        guard let centre = directory.centre(booking.centre) else { throw AppError.notFound }
        let slot = try rule(BookingRules(generator: generator).slots(for: 1, booking.centreService, at: centre.id, startingAt: start, now: now))[0]
        if slot.start == booking.startsAt { return booking }
        do {
            try await database.writeTransaction { db in
                try await lockAccount(booking.$user.id, on: db)
                try await requireFree(booking.personKey, booking.personName, slot, of: booking.$user.id, except: booking.id, on: db)
                let seat = try await takeSeat(slot, on: db)
                try await release(booking, on: db)
                let from = booking.startsAt
                booking.slotID = seat
                booking.startsAt = slot.start
                booking.updatedAt = now
                try await booking.save(on: db)
                try await audit.append(AuditEntry(
                    actor: AuditEntry.user(user.id), action: "centre.rescheduled", subject: Self.subject(booking.id),
                    payload: ["from": String(from), "to": String(slot.start)]
                ), on: db)
                try await announce([booking], kind: "notice.centre.rescheduled", to: user, on: db)
            }
        } catch is SlotFull {
            throw AppError.slotFull(next: try await nextFree(booking.centreService, at: centre, after: start))
        }
        await app.outbox.sweep(app: app, on: database)
        return booking
    }

    // MARK: Private — booking

    struct SlotFull: Error {}

    private func check(_ request: BookingRequest, of user: User) async throws -> (Centre, CentreService, [BookablePerson]) {
        var validator = Validator()
        let centre = directory.centre(request.centre)
        if centre == nil { validator.add("centre", request.centre.isEmpty ? "field.required" : "centre.booking.unknownCentre") }
        let service = CentreService(rawValue: request.service)
        if service == nil { validator.add("service", request.service.isEmpty ? "field.required" : "centre.booking.unknownService") }
        let everyone = try await persons(of: user)
        var chosen: [BookablePerson] = []
        if request.persons.isEmpty { validator.add("persons", "centre.booking.noPersons") }
        if request.persons.count > Self.maximumPersons { validator.add("persons", "centre.booking.tooManyPersons", ["max": String(Self.maximumPersons)]) }
        for id in request.persons.prefix(Self.maximumPersons) {
            if let person = everyone.first(where: { $0.id == id }) {
                if !chosen.contains(where: { $0.id == id }) { chosen.append(person) }
            } else {
                validator.add("persons", "centre.booking.unknownPerson", ["person": String(id.prefix(20))])
            }
        }
        if let centre, let service, centre.offer(service) == nil {
            validator.add("service", "centre.booking.serviceNotOffered", ["service": service.rawValue, "centre": centre.id])
        }
        do { try validator.check() } catch { throw AppError.validation(error) }
        guard let centre, let service else { throw AppError.malformedRequest }
        return (centre, service, chosen)
    }

    /// The rules' answer, or the 422 naming the start and why.
    private func rule<T>(_ result: Result<T, BookingProblem>) throws -> T {
        switch result {
        case .success(let value): return value
        case .failure(let problem): throw AppError.validation(ValidationFailure([Self.fieldError(problem)]))
        }
    }

    static func fieldError(_ problem: BookingProblem) -> FieldError {
        var arguments: [String: String] = [:]
        switch problem {
        case .holiday(let note): arguments["holiday"] = note
        case .outsideHours(let opens, let closes): (arguments["opens"], arguments["closes"]) = (opens.description, closes.description)
        case .yearNotCovered(let year): arguments["year"] = String(year)
        case .familyDoesNotFit(let persons): arguments["count"] = String(persons)
        case .tooManyActive(let limit), .tooManyThatDay(let limit), .tooManyThisHour(let limit): arguments["count"] = String(limit)
        case .pastChangeCutoff(let hours): arguments["count"] = String(hours)
        default: break
        }
        let field = switch problem {
        case .tooManyActive, .tooManyThatDay, .tooManyThisHour, .noPersons, .familyDoesNotFit: "persons"
        case .unknownCentre: "centre"
        case .serviceNotOffered: "service"
        default: "start"
        }
        return FieldError(field: field, code: "centre.booking.\(problem.code)", arguments: arguments)
    }

    /// Takes the account's row lock first, so one account's bookings are judged one at a time (its limits and
    /// "one active booking per person and service" cannot be raced by its own parallel requests).
    private func lockAccount(_ userID: UUID, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("UPDATE \(ident: User.schema) SET id = id WHERE id = \(bind: userID)").run()
    }

    private func checkLimits(of userID: UUID, adding: Int, at centre: Centre, on day: CalendarDate, _ db: any Database) async throws {
        let active = try await CentreBooking.query(on: db).filter(\.$user.$id == userID)
            .filter(\.$status ~~ [BookingStatus.booked.rawValue, BookingStatus.arrived.rawValue]).all()
        let sameDay = active.filter { $0.centre == centre.id && CalendarDate(Date(timeIntervalSince1970: TimeInterval($0.startsAt)), in: centre.zone) == day }.count
        let lastHour = try await CentreBooking.query(on: db).filter(\.$user.$id == userID).filter(\.$createdAt > now.addingTimeInterval(-3600)).count()
        if let problem = BookingRules.limitProblem(directory.limits, active: active.count, sameDay: sameDay, lastHour: lastHour, adding: adding) {
            throw AppError.validation(ValidationFailure([Self.fieldError(problem)]))
        }
    }

    private func requireNoActive(_ person: BookablePerson, _ service: CentreService, of userID: UUID, on db: any Database) async throws {
        let existing = try await CentreBooking.query(on: db).filter(\.$user.$id == userID).filter(\.$personKey == person.key)
            .filter(\.$service == service.rawValue).filter(\.$status ~~ [BookingStatus.booked.rawValue, BookingStatus.arrived.rawValue]).first()
        if existing != nil {
            throw AppError.validation(ValidationFailure(field: "persons", code: "centre.booking.alreadyBooked",
                                                        arguments: ["person": person.name, "service": service.rawValue]))
        }
    }

    /// The person is not expected anywhere else while this slot runs (another service, another centre).
    private func requireFree(_ key: String, _ name: String, _ slot: Slot, of userID: UUID, except: UUID?, on db: any Database) async throws {
        let end = slot.start + slot.minutes * 60
        let clash = try await CentreBooking.query(on: db).filter(\.$user.$id == userID).filter(\.$personKey == key)
            .filter(\.$status ~~ [BookingStatus.booked.rawValue, BookingStatus.arrived.rawValue])
            .filter(\.$startsAt < end).all()
            .first { $0.id != except && $0.startsAt + $0.minutes * 60 > slot.start }
        if let clash {
            throw AppError.validation(ValidationFailure(field: "start", code: "centre.booking.overlaps", arguments: [
                "person": name, "service": clash.service, "when": CentreText.whenArgument(clash),
            ]))
        }
    }

    /// One seat of `slot`: the slot's row is made if missing, then one seat taken by an UPDATE that only matches
    /// while a seat is free. No row back means full.
    private func takeSeat(_ slot: Slot, on db: any Database) async throws -> UUID {
        guard let sql = db as? any SQLDatabase else { throw SlotFull() }
        try await sql.raw("""
            INSERT INTO \(ident: CentreSlot.schema) (id, centre, service, starts_at, capacity, booked) \
            VALUES (\(bind: UUID()), \(bind: slot.centre), \(bind: slot.service.rawValue), \(bind: slot.start), \(bind: slot.desks), 0) \
            ON CONFLICT (centre, service, starts_at) DO NOTHING
            """).run()
        let rows = try await sql.raw("""
            UPDATE \(ident: CentreSlot.schema) SET booked = booked + 1 \
            WHERE centre = \(bind: slot.centre) AND service = \(bind: slot.service.rawValue) AND starts_at = \(bind: slot.start) \
            AND booked < capacity RETURNING id
            """).all()
        guard let row = rows.first else { throw SlotFull() }
        return try row.decode(column: "id", as: UUID.self)
    }

    private func release(_ booking: CentreBooking, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("UPDATE \(ident: CentreSlot.schema) SET booked = booked - 1 WHERE id = \(bind: booking.slotID) AND booked > 0").run()
    }

    private func checkChangeable(_ booking: CentreBooking) throws {
        guard booking.bookingStatus == .booked else { throw AppError.stageConflict(current: "centre.\(booking.status)") }
        let cutoff = directory.centre(booking.centre)?.offer(booking.centreService)?.changeCutoffHours ?? 0
        if let problem = BookingRules.changeProblem(startingAt: booking.startsAt, cutoffHours: cutoff, now: now) {
            throw AppError.validation(ValidationFailure([Self.fieldError(problem)]))
        }
    }

    /// A notice and an e-mail with the calendar file for each booking (one per person, so each has its own
    /// entry in the calendar).
    private func announce(_ bookings: [CentreBooking], kind: String, to user: User, cancelled: Bool = false, on db: any Database) async throws {
        let language = LanguageCode(rawValue: user.language) ?? .russian
        for booking in bookings {
            try await NotificationService(app: app, database: db).notify(
                try user.requireID(), kind: kind,
                arguments: ["service": booking.service, "centre": booking.centre, "when": CentreText.whenArgument(booking)],
                link: SiteURL.appointments.path, calendar: calendarFile(booking, language: language, cancelled: cancelled)
            )
        }
    }

    /// The booking as an iCalendar file in `language`: the service, the centre and its address, no personal data.
    func calendarFile(_ booking: CentreBooking, language: LanguageCode, cancelled: Bool? = nil) -> String {
        let centre = directory.centre(booking.centre)
        let lang = language.rawValue
        let service = app.catalogs.text("centre.service.\(booking.service)", in: language)
        let city = centre?.city.text(lang) ?? booking.centre
        let start = Date(timeIntervalSince1970: TimeInterval(booking.startsAt))
        return CalendarFile(
            uid: "\(booking.id?.uuidString.lowercased() ?? UUID().uuidString)@caravan",
            stamp: booking.updatedAt, start: start, end: start.addingTimeInterval(TimeInterval(booking.minutes * 60)),
            summary: app.catalogs.text("centre.calendar.summary", in: language, ["service": service, "city": city]),
            location: centre?.address.text(lang) ?? "",
            description: app.catalogs.text("centre.calendar.description", in: language, ["link": app.caravanConfiguration.baseURL.absoluteString.trimmingSuffix("/") + SiteURL.appointments.path]),
            cancelled: cancelled ?? (booking.bookingStatus == .cancelled),
            sequence: Int(booking.updatedAt.timeIntervalSince(booking.createdAt))
        ).text
    }

    static func subject(_ id: UUID?) -> String { "centre-booking:\(id?.uuidString.lowercased() ?? "unknown")" }
}

extension AppError {
    static func centreStage(_ booking: CentreBooking) -> AppError { .stageConflict(current: "centre.\(booking.status)") }
}

extension Application {
    private struct CentresKey: StorageKey {
        typealias Value = CentreDirectory
    }

    private struct RussianTestKey: StorageKey {
        typealias Value = RussianTestRules
    }

    /// The centres and their host countries' holidays, loaded once at start.
    var centres: CentreDirectory {
        get {
            guard let directory = storage[CentresKey.self] else { preconditionFailure("configure loads the centres") }
            return directory
        }
        set { storage[CentresKey.self] = newValue }
    }

    var russianTest: RussianTestRules {
        get {
            guard let rules = storage[RussianTestKey.self] else { preconditionFailure("configure loads the Russian test's rules") }
            return rules
        }
        set { storage[RussianTestKey.self] = newValue }
    }
}

extension Request {
    var centreBookings: CentreBookingService { CentreBookingService(app: application, database: database) }
}
