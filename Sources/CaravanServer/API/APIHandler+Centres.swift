import CaravanCentres
import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

extension APIHandler {
    func listCentres(_ input: Operations.ListCentres.Input) async throws -> Operations.ListCentres.Output {
        let req = APIRequestContext.current
        let service = req.centreBookings
        var centres: [Components.Schemas.Centre] = []
        for centre in req.application.centres.centres {
            var offers: [Components.Schemas.Centre.ServicesPayloadPayload] = []
            for offer in centre.services {
                let next = try await service.nextFree(offer.service, at: centre, limit: 1).first
                offers.append(.init(
                    service: try Self.kind(offer.service), name: req.t("centre.service.\(offer.service.rawValue)"), minutes: offer.minutes,
                    desks: offer.desks, changeCutoffHours: offer.changeCutoffHours,
                    nextFree: next.map { Self.slot($0.start, minutes: offer.minutes, free: $0.free, at: centre, req) }
                ))
            }
            let today = CalendarDate(req.now, in: centre.zone)
            centres.append(.init(
                id: centre.id, city: centre.city.text(req.language.rawValue), address: centre.address.text(req.language.rawValue),
                country: centre.country, timeZone: centre.timeZone,
                utcOffset: String(CentreText.clock(centre, at: req.now, in: .english).split(separator: " ").last ?? ""),
                hours: Weekday.allCases.compactMap { day in
                    centre.hours(on: day).flatMap { hours in
                        Components.Schemas.Centre.HoursPayloadPayload.WeekdayPayload(rawValue: day.name).map {
                            .init(weekday: $0, opens: hours.opens.description, closes: hours.closes.description)
                        }
                    }
                },
                holidaysProvisional: service.generator.isProvisional(centre, year: today.year) || service.generator.isProvisional(centre, year: today.year + 1),
                services: offers
            ))
        }
        return .ok(.init(body: .json(.init(centres: centres))))
    }

    func listCentreSlots(_ input: Operations.ListCentreSlots.Input) async throws -> Operations.ListCentreSlots.Output {
        let req = APIRequestContext.current
        guard let centre = req.application.centres.centre(input.path.centreId) else { throw AppError.notFound }
        guard let kind = CaravanCentres.CentreService(rawValue: input.query.service.rawValue), let offer = centre.offer(kind) else {
            throw AppError.validation(ValidationFailure(field: "service", code: "centre.booking.serviceNotOffered"))
        }
        let today = CalendarDate(req.now, in: centre.zone)
        var from = today
        if let text = input.query.from {
            guard let day = CalendarDate(text) else { throw AppError.validation(ValidationFailure(field: "from", code: "date.invalid")) }
            guard day <= today.adding(days: 60) else { throw AppError.validation(ValidationFailure(field: "from", code: "centre.booking.tooFarAhead", arguments: ["count": "60"])) }
            from = max(day, today)
        }
        let days = input.query.days ?? 7
        guard (1...31).contains(days) else { throw AppError.validation(ValidationFailure(field: "days", code: "centre.daysRange")) }
        let open = try await req.centreBookings.availability(kind, at: centre, from: from, days: days)
        return .ok(.init(body: .json(.init(
            centre: centre.id, service: try Self.kind(kind),
            slots: open.map { Self.slot($0.0.start, minutes: offer.minutes, free: $0.1, at: centre, req) }
        ))))
    }

    func bookCentre(_ input: Operations.BookCentre.Input) async throws -> Operations.BookCentre.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard req.application.centres.centre(input.path.centreId) != nil else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        guard let start = CentreText.start(body.start) else {
            guard user.domainRole == .specialist else { throw AppError.forbidden }
            throw AppError.validation(ValidationFailure(field: "start", code: "centre.booking.startInvalid"))
        }
        let made = try await req.centreBookings.book(BookingRequest(
            centre: input.path.centreId, service: body.service.rawValue, start: start, persons: body.persons
        ), by: user)
        return .created(.init(body: .json(.init(bookings: try made.map { try Self.booking($0, result: nil, req) }))))
    }

    func assignCentreStaff(_ input: Operations.AssignCentreStaff.Input) async throws -> Operations.AssignCentreStaff.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard user.domainRole == .admin else { throw AppError.forbidden }
        guard req.application.centres.centre(input.path.centreId) != nil else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let email = body.email.trimmingCharacters(in: .whitespaces).lowercased()
        guard let staff = try await User.query(on: req.database).filter(\.$email == email).first() else {
            throw AppError.validation(ValidationFailure(field: "email", code: email.isEmpty ? "field.required" : "centre.staffNotFound"))
        }
        try await req.centreBookings.assign(try staff.requireID(), to: input.path.centreId, by: user)
        return .noContent(.init())
    }

    func listMyCentreBookings(_ input: Operations.ListMyCentreBookings.Input) async throws -> Operations.ListMyCentreBookings.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        let results = Dictionary(try await req.centreBookings.results(of: user.requireID()).map { ($0.bookingID, $0) }, uniquingKeysWith: { first, _ in first })
        let bookings = try await req.centreBookings.bookings(of: user)
        return .ok(.init(body: .json(.init(bookings: try bookings.map { try Self.booking($0, result: $0.id.flatMap { results[$0] }, req) }))))
    }

    func cancelCentreBooking(_ input: Operations.CancelCentreBooking.Input) async throws -> Operations.CancelCentreBooking.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.bookingId) else { throw AppError.notFound }
        let booking = try await req.centreBookings.cancel(id, by: user)
        return .ok(.init(body: .json(try Self.booking(booking, result: nil, req))))
    }

    func rescheduleCentreBooking(_ input: Operations.RescheduleCentreBooking.Input) async throws -> Operations.RescheduleCentreBooking.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.bookingId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        _ = try await req.centreBookings.booking(id, of: user)
        guard let start = CentreText.start(body.start) else {
            throw AppError.validation(ValidationFailure(field: "start", code: "centre.booking.startInvalid"))
        }
        let booking = try await req.centreBookings.reschedule(id, to: start, by: user)
        return .ok(.init(body: .json(try Self.booking(booking, result: nil, req))))
    }

    func getCentreBookingCalendar(_ input: Operations.GetCentreBookingCalendar.Input) async throws -> Operations.GetCentreBookingCalendar.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.bookingId) else { throw AppError.notFound }
        let booking = try await req.centreBookings.booking(id, of: user)
        return .ok(.init(body: .textCalendar(HTTPBody(req.centreBookings.calendarFile(booking, language: req.language)))))
    }

    func listCentreDesk(_ input: Operations.ListCentreDesk.Input) async throws -> Operations.ListCentreDesk.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        let centre = try await req.centreBookings.requireStaff(user)
        var day = CalendarDate(req.now, in: centre.zone)
        if let text = input.query.day {
            guard let asked = CalendarDate(text) else { throw AppError.validation(ValidationFailure(field: "day", code: "date.invalid")) }
            day = asked
        }
        let queue = try await req.centreBookings.queue(of: centre, on: day)
        let results = try await req.centreBookings.results(of: queue)
        return .ok(.init(body: .json(.init(
            centre: centre.id, day: day.description, bookings: try queue.map { try Self.booking($0, result: $0.id.flatMap { results[$0] }, req) }
        ))))
    }

    func markCentreBooking(_ input: Operations.MarkCentreBooking.Input) async throws -> Operations.MarkCentreBooking.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.bookingId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let booking = try await req.centreBookings.mark(id, as: body.status.rawValue, by: user)
        return .ok(.init(body: .json(try Self.booking(booking, result: try await req.centreBookings.result(of: booking), req))))
    }

    func recordCentreResult(_ input: Operations.RecordCentreResult.Input) async throws -> Operations.RecordCentreResult.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.bookingId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        var marks: [String: Int?] = [:]
        for subtest in req.application.russianTest.subtests { marks[subtest] = .some(nil) }
        if let sent = body.marks {
            marks["reading"] = sent.reading
            marks["writing"] = sent.writing
            marks["grammar_vocabulary"] = sent.grammarVocabulary
            marks["listening"] = sent.listening
            marks["speaking"] = sent.speaking
        }
        let result = try await req.centreBookings.record(id, VisitResultRequest(level: body.level, marks: marks, score: body.score), by: user)
        return .ok(.init(body: .json(Self.result(result, req))))
    }

    // MARK: Mapping

    static func kind(_ service: CaravanCentres.CentreService) throws -> Components.Schemas.CentreServiceKind {
        guard let kind = Components.Schemas.CentreServiceKind(rawValue: service.rawValue) else { throw AppError.malformedRequest }
        return kind
    }

    static func slot(_ start: Int, minutes: Int, free: Int, at centre: Centre, _ req: Request) -> Components.Schemas.CentreSlot {
        .init(start: Date(timeIntervalSince1970: TimeInterval(start)), end: Date(timeIntervalSince1970: TimeInterval(start + minutes * 60)),
              local: CentreText.moment(start, at: centre, in: req.language), free: free)
    }

    static func booking(_ booking: CentreBooking, result: CentreResult?, _ req: Request) throws -> Components.Schemas.CentreBooking {
        let centre = req.application.centres.centre(booking.centre)
        return .init(
            id: try booking.requireID().uuidString.lowercased(), centre: booking.centre, service: try kind(booking.centreService),
            person: booking.person, personName: booking.personName,
            start: Date(timeIntervalSince1970: TimeInterval(booking.startsAt)),
            end: Date(timeIntervalSince1970: TimeInterval(booking.startsAt + booking.minutes * 60)),
            local: centre.map { CentreText.moment(booking.startsAt, at: $0, in: req.language) } ?? "",
            status: Components.Schemas.CentreBooking.StatusPayload(rawValue: booking.status) ?? .cancelled,
            result: result.map { Self.result($0, req) }
        )
    }

    static func result(_ result: CentreResult, _ req: Request) -> Components.Schemas.CentreResult {
        .init(
            service: Components.Schemas.CentreServiceKind(rawValue: result.service) ?? .identityVerification, passed: result.passed,
            level: result.level, cefr: result.cefr, marks: result.marks.map { .init(additionalProperties: $0) },
            certificate: result.certificate, score: result.score, recordedAt: result.recordedAt,
            text: CentrePages().resultText(result, req)
        )
    }
}
