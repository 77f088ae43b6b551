import CaravanCentres
import CaravanDomain
import CaravanPermits
import CaravanRegistry
import Fluent
import Foundation
import Vapor

/// The centres' pages: the public list and each centre's free slots (no sign-in to look), a specialist's
/// booking and appointments, the staff's desk. Every action calls `CentreBookingService`, as the API does.
struct CentrePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.centres.pathComponents, use: list)
        routes.get(SiteURL.centre("x").pathComponents, use: show)
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.post(SiteURL.centreBook("x").pathComponents, use: book)
        signedIn.get(SiteURL.appointments.pathComponents, use: appointments)
        signedIn.get(SiteURL.appointmentCalendar(UUID()).pathComponents, use: calendar)
        signedIn.post(SiteURL.appointmentCancel(UUID()).pathComponents, use: cancel)
        signedIn.post(SiteURL.appointmentMove(UUID()).pathComponents, use: move)
        signedIn.get(SiteURL.centreDesk.pathComponents, use: desk)
        signedIn.post(SiteURL.centreDeskMark(UUID()).pathComponents, use: mark)
        signedIn.post(SiteURL.centreDeskResult(UUID()).pathComponents, use: result)
        signedIn.post(SiteURL.centreStaff("x").pathComponents, use: assignStaff)
    }

    // MARK: The list

    struct ServiceLine: Encodable {
        let id: String
        let name: String
        let length: String
        let desks: String
        let next: String
        let link: String
    }

    struct CentreCard: Encodable {
        let id: String
        let city: String
        let address: String
        let clock: String
        let link: String
        let services: [ServiceLine]
        let provisional: String?
    }

    struct ListPage: Encodable {
        let layout: PageLayout
        let centres: [CentreCard]
        let appointmentsLink: String?
    }

    func list(req: Request) async throws -> Response {
        let service = req.centreBookings
        var cards: [CentreCard] = []
        for centre in req.application.centres.centres {
            cards.append(try await card(centre, service, req))
        }
        let user = req.auth.get(User.self)
        return try await req.renderPage("centres", ListPage(
            layout: try PageLayout(request: req, titleKey: "centres.title"), centres: cards,
            appointmentsLink: user?.domainRole == .specialist ? SiteURL.appointments.path : nil
        ))
    }

    private func card(_ centre: Centre, _ service: CentreBookingService, _ req: Request) async throws -> CentreCard {
        var lines: [ServiceLine] = []
        for offer in centre.services {
            let next = try await service.nextFree(offer.service, at: centre, limit: 1).first
            lines.append(ServiceLine(
                id: offer.service.rawValue, name: req.t("centre.service.\(offer.service.rawValue)"),
                length: req.t("centre.minutes", ["count": String(offer.minutes)]), desks: req.t("centre.desks", ["count": String(offer.desks)]),
                next: next.map { CentreText.moment($0.start, at: centre, in: req.language) } ?? req.t("centre.noFreeSlots"),
                link: SiteURL.centre(centre.id).path + "?service=\(offer.service.rawValue)#book"
            ))
        }
        let today = CalendarDate(req.now, in: centre.zone)
        let provisional = service.generator.isProvisional(centre, year: today.year) || service.generator.isProvisional(centre, year: today.year + 1)
        return CentreCard(
            id: centre.id, city: centre.city.text(req.language.rawValue), address: centre.address.text(req.language.rawValue),
            clock: CentreText.clock(centre, at: req.now, in: req.language), link: SiteURL.centre(centre.id).path, services: lines,
            provisional: provisional ? req.t("centre.provisional") : nil
        )
    }

    // MARK: One centre

    struct TimeChoice: Encodable {
        let value: String
        let label: String
        let free: String
        let selected: Bool
        let full: Bool
    }

    struct DayGroup: Encodable {
        let heading: String
        let times: [TimeChoice]
    }

    struct CentrePage: Encodable {
        let layout: PageLayout
        let card: CentreCard
        let service: String
        let serviceName: String
        let services: [AuthPages.Choice]
        let days: [DayGroup]
        let closedDays: [String]
        let persons: [AuthPages.Choice]
        let canBook: Bool
        let signInLink: String?
        let action: String
        let errors: [String: String]
        let nextFree: [String]
        let earlier: String?
        let later: String
        var staffAction: String?
        var staffEmail = ""
    }

    static let daysShown = 7

    func show(req: Request) async throws -> Response {
        try await renderCentre(req, errors: [:], status: .ok)
    }

    private func renderCentre(_ req: Request, errors: [String: String], status: HTTPStatus, chosenPersons: [String] = ["p0"],
                              chosenStart: String? = nil, nextFree: [FreeSlot] = [], staffEmail: String = "") async throws -> Response {
        guard let id = req.parameters.get("centreID"), let centre = req.application.centres.centre(id) else { throw AppError.notFound }
        let bookings = req.centreBookings
        let requested = (try? req.query.get(String.self, at: "service")).flatMap(CaravanCentres.CentreService.init(rawValue:))
            ?? (try? req.content.get(String.self, at: "service")).flatMap(CaravanCentres.CentreService.init(rawValue:))
        let offer = requested.flatMap(centre.offer) ?? centre.services[0]
        let today = CalendarDate(req.now, in: centre.zone)
        let lastDay = today.adding(days: 59)
        let asked = (try? req.query.get(String.self, at: "from")).flatMap(CalendarDate.init) ?? today
        let from = min(max(asked, today), lastDay)
        let open = try await bookings.availability(offer.service, at: centre, from: from, days: Self.daysShown)
        var days: [DayGroup] = []
        var closed: [String] = []
        for offset in 0..<Self.daysShown {
            let day = from.adding(days: offset)
            let times = open.filter { $0.0.localDay == day }
            if times.isEmpty {
                switch bookings.generator.hours(of: centre, on: day) {
                case .failure(.holiday(let note)): closed.append(req.t("centre.closedHoliday", ["day": CentreText.day(day, in: req.language), "holiday": note]))
                case .failure(.yearNotCovered): closed.append(req.t("centre.closedUnknown", ["day": CentreText.day(day, in: req.language)]))
                default: break
                }
                continue
            }
            days.append(DayGroup(heading: CentreText.day(day, in: req.language), times: times.map { slot, free in
                let value = CentreText.rfc3339(slot.start)
                return TimeChoice(value: value, label: CentreText.time(slot.start, at: centre),
                                  free: free == 0 ? req.t("centre.full") : req.t("centre.free", ["count": String(free)]),
                                  selected: value == chosenStart, full: free == 0)
            }))
        }
        let user = req.auth.get(User.self)
        let canBook = user?.domainRole == .specialist
        var persons: [AuthPages.Choice] = []
        if let user, canBook {
            persons = try await bookings.persons(of: user).map { person in
                let label = "\(person.name) — " + (person.relation.map { req.t("relation.\($0)") } ?? req.t("centre.self"))
                return AuthPages.Choice(value: person.id, label: label, selected: chosenPersons.contains(person.id))
            }
        }
        let base = SiteURL.centre(centre.id).path + "?service=\(offer.service.rawValue)"
        var page = CentrePage(
            layout: try PageLayout(request: req, titleKey: "centre.title", titleArguments: ["city": centre.city.text(req.language.rawValue)]),
            card: try await card(centre, bookings, req), service: offer.service.rawValue, serviceName: req.t("centre.service.\(offer.service.rawValue)"),
            services: centre.services.map { AuthPages.Choice(value: $0.service.rawValue, label: req.t("centre.service.\($0.service.rawValue)"), selected: $0.service == offer.service) },
            days: days, closedDays: closed, persons: persons, canBook: canBook,
            signInLink: user == nil ? SiteURL.signIn.path + "?next=" + ((SiteURL.centre(centre.id).path + "?service=\(offer.service.rawValue)").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") : nil,
            action: SiteURL.centreBook(centre.id).path, errors: errors,
            nextFree: nextFree.map { CentreText.moment($0.start, at: centre, in: req.language) },
            earlier: from > today ? base + "&from=\(max(today, from.adding(days: -Self.daysShown)))#book" : nil,
            later: base + "&from=\(min(lastDay, from.adding(days: Self.daysShown)))#book"
        )
        if user?.domainRole == .admin {
            page.staffAction = SiteURL.centreStaff(centre.id).path
            page.staffEmail = staffEmail
        }
        return try await req.renderPage("centre", page, status: status)
    }

    struct BookingForm: Content {
        var service: String?
        var start: String?
        var persons: [String]?
    }

    func book(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("centreID"), req.application.centres.centre(id) != nil else { throw AppError.notFound }
        let form = (try? req.content.decode(BookingForm.self)) ?? BookingForm()
        let persons = Array((form.persons ?? []).prefix(20)).map { String($0.prefix(10)) }
        let start = CentreText.start(form.start)
        do {
            if form.start.map({ !$0.isEmpty }) == true, start == nil {
                throw AppError.validation(ValidationFailure(field: "start", code: "centre.booking.startInvalid"))
            }
            _ = try await req.centreBookings.book(BookingRequest(centre: id, service: form.service ?? "", start: start, persons: persons), by: user)
            return req.redirect(to: SiteURL.appointments.path + "?notice=booked", redirectType: .normal)
        } catch AppError.validation(let failure) {
            return try await renderCentre(req, errors: fieldMessages(failure, req), status: .unprocessableEntity,
                                          chosenPersons: persons, chosenStart: form.start)
        } catch AppError.slotFull(let next) {
            return try await renderCentre(req, errors: ["start": req.t("problem.centre-slot-full.detail")], status: .conflict,
                                          chosenPersons: persons, nextFree: next)
        } catch AppError.conflict(let code) {
            return try await renderCentre(req, errors: ["persons": req.t("error.\(code)")], status: .conflict, chosenPersons: persons)
        }
    }

    // MARK: A specialist's appointments

    struct AppointmentLine: Encodable {
        let id: String
        let person: String
        let service: String
        let centre: String
        let when: String
        let status: String
        let statusKey: String
        let calendarLink: String
        let cancelAction: String?
        let moveAction: String?
        let moveChoices: [AuthPages.Choice]
        let result: String?
        var error: String?
    }

    struct AppointmentsPage: Encodable {
        let layout: PageLayout
        let upcoming: [AppointmentLine]
        let past: [AppointmentLine]
        let notice: String?
        let centresLink: String
        let errors: [String]
    }

    func appointments(req: Request) async throws -> Response {
        try await renderAppointments(req, errors: [], status: .ok)
    }

    private func renderAppointments(_ req: Request, errors: [String], status: HTTPStatus, refused: (UUID, String)? = nil) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        let service = req.centreBookings
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { ["booked", "cancelled", "moved"].contains($0) ? req.t("appointments.notice.\($0)") : nil }
        var upcoming: [AppointmentLine] = []
        var past: [AppointmentLine] = []
        let results = Dictionary(try await service.results(of: user.requireID()).map { ($0.bookingID, $0) }, uniquingKeysWith: { first, _ in first })
        for booking in try await service.bookings(of: user).sorted(by: { $0.startsAt < $1.startsAt }) {
            guard let centre = req.application.centres.centre(booking.centre), let id = booking.id else { continue }
            let changeable = booking.bookingStatus == .booked && BookingRules.changeProblem(
                startingAt: booking.startsAt, cutoffHours: centre.offer(booking.centreService)?.changeCutoffHours ?? 0, now: req.now) == nil
            let choices = changeable ? try await service.nextFree(booking.centreService, at: centre, limit: 8).map {
                AuthPages.Choice(value: CentreText.rfc3339($0.start), label: CentreText.moment($0.start, at: centre, in: req.language), selected: false)
            } : []
            var line = AppointmentLine(
                id: id.uuidString.lowercased(), person: booking.personName, service: req.t("centre.service.\(booking.service)"),
                centre: centre.address.text(req.language.rawValue),
                when: CentreText.moment(booking.startsAt, at: centre, in: req.language),
                status: req.t("centre.status.\(booking.status)"), statusKey: booking.status,
                calendarLink: SiteURL.appointmentCalendar(id).path,
                cancelAction: changeable ? SiteURL.appointmentCancel(id).path : nil,
                moveAction: changeable && !choices.isEmpty ? SiteURL.appointmentMove(id).path : nil, moveChoices: choices,
                result: results[id].map { resultText($0, req) }
            )
            if let refused, refused.0 == id { line.error = refused.1 }
            if booking.bookingStatus.isActive && TimeInterval(booking.startsAt + booking.minutes * 60) > req.now.timeIntervalSince1970 {
                upcoming.append(line)
            } else {
                past.append(line)
            }
        }
        return try await req.renderPage("appointments", AppointmentsPage(
            layout: try PageLayout(request: req, titleKey: "appointments.title"), upcoming: upcoming, past: past.reversed(), notice: notice,
            centresLink: SiteURL.centres.path, errors: errors
        ), status: status)
    }

    /// A result in words: the test's level, pass or not, and the certificate.
    func resultText(_ result: CentreResult, _ req: Request) -> String {
        switch CaravanCentres.CentreService(rawValue: result.service) {
        case .russianTest:
            let level = result.level.flatMap { req.application.russianTest.level($0) }
            let name = level?.name.text(req.language.rawValue) ?? ""
            return result.passed
                ? req.t("centre.result.testPassed", ["level": name, "cefr": result.cefr ?? "", "certificate": result.certificate ?? ""])
                : req.t("centre.result.testFailed", ["level": name])
        case .itAssessment: return req.t("centre.result.assessment", ["score": String(result.score ?? 0)])
        case .biometrics: return req.t("centre.result.biometrics")
        case .identityVerification, .none: return req.t("centre.result.identity")
        }
    }

    func calendar(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("bookingID", as: UUID.self) else { throw AppError.notFound }
        let booking = try await req.centreBookings.booking(id, of: user)
        let text = req.centreBookings.calendarFile(booking, language: req.language)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "calendar", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"appointment.ics\"")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    func cancel(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("bookingID", as: UUID.self) else { throw AppError.notFound }
        do {
            _ = try await req.centreBookings.cancel(id, by: user)
        } catch AppError.validation(let failure) {
            return try await renderAppointments(req, errors: failure.errors.map(req.message(for:)), status: .unprocessableEntity,
                                                refused: (id, failure.errors.first.map(req.message(for:)) ?? ""))
        }
        return req.redirect(to: SiteURL.appointments.path + "?notice=cancelled", redirectType: .normal)
    }

    func move(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("bookingID", as: UUID.self) else { throw AppError.notFound }
        let text = try? req.content.get(String.self, at: "start")
        _ = try await req.centreBookings.booking(id, of: user)
        do {
            guard let start = CentreText.start(text) else {
                throw AppError.validation(ValidationFailure(field: "start", code: (text ?? "").isEmpty ? "field.required" : "centre.booking.startInvalid"))
            }
            _ = try await req.centreBookings.reschedule(id, to: start, by: user)
        } catch AppError.validation(let failure) {
            return try await renderAppointments(req, errors: failure.errors.map(req.message(for:)), status: .unprocessableEntity,
                                                refused: (id, failure.errors.first.map(req.message(for:)) ?? ""))
        } catch AppError.slotFull {
            return try await renderAppointments(req, errors: [req.t("problem.centre-slot-full.detail")], status: .conflict,
                                                refused: (id, req.t("problem.centre-slot-full.detail")))
        }
        return req.redirect(to: SiteURL.appointments.path + "?notice=moved", redirectType: .normal)
    }

    // MARK: The desk

    struct DeskLine: Encodable {
        let id: String
        let time: String
        let person: String
        let birthDate: String
        let service: String
        let serviceKey: String
        let status: String
        let statusKey: String
        let markAction: String
        let resultAction: String
        var markFields: [MarkField]
        let result: String?
        let mayArrive: Bool
        let mayFinish: Bool
        let mayMiss: Bool
        let needsResult: Bool
        /// The person's identity as a centre verified it (the evidence later services rely on), if it was.
        var identity: String?
        /// For an identity check: the digital-residency application's identity, to compare with the passport shown.
        var residency: String?
        var errors: [String: String] = [:]
        var typed: [String: String] = [:]
        var errorList: [String] = []
    }

    struct MarkField: Encodable {
        let id: String
        let name: String
        let label: String
        let value: String
        let error: String?
    }

    struct DeskPage: Encodable {
        let layout: PageLayout
        let centre: String
        let clock: String
        let day: String
        let dayValue: String
        let previous: String
        let next: String
        let lines: [DeskLine]
        let levels: [AuthPages.Choice]
        let subtests: [AuthPages.Choice]
        let notice: String?
        let unassigned: Bool
        let errors: [String]
    }

    func desk(req: Request) async throws -> Response {
        try await renderDesk(req, status: .ok)
    }

    private func renderDesk(_ req: Request, status: HTTPStatus, refused: (UUID, [String: String], [String: String])? = nil, errors: [String] = []) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard user.domainRole == .centreStaff else { throw AppError.forbidden }
        let service = req.centreBookings
        guard let centre = try await service.staffCentre(of: user) else {
            return try await req.renderPage("centre-desk", DeskPage(
                layout: try PageLayout(request: req, titleKey: "desk.title"), centre: "", clock: "", day: "", dayValue: "", previous: "", next: "",
                lines: [], levels: [], subtests: [], notice: nil, unassigned: true, errors: []
            ), status: status)
        }
        let today = CalendarDate(req.now, in: centre.zone)
        let asked = (try? req.query.get(String.self, at: "day")).flatMap(CalendarDate.init)
        let day = asked.map { min(max($0, today.adding(days: -366)), today.adding(days: 366)) } ?? today
        let queue = try await service.queue(of: centre, on: day)
        let results = try await service.results(of: queue)
        // Identity checked in person at any centre: shown beside every later visit of the same person.
        let checked = try await CentreResult.query(on: req.database).filter(\.$service == CaravanCentres.CentreService.identityVerification.rawValue)
            .filter(\.$user.$id ~~ Set(queue.map { $0.$user.id })).all()
        // An identity check for a digital-residency application is made against the passport it names: the desk shows
        // what to compare (the read is logged for the applicant).
        let identityHolders = Set(queue.filter { $0.centreService == .identityVerification && $0.personKey == "self" }.map { $0.$user.id })
        let applications = identityHolders.isEmpty ? [] : try await ResidencyApplication.query(on: req.database)
            .filter(\.$user.$id ~~ identityHolders).filter(\.$status == ResidencyApplicationStatus.submitted.rawValue).all()
        if !applications.isEmpty {
            try await DataAccessLog(app: req.application, database: req.database).record(
                .caseFile, applications.map { (subject: $0.$user.id, context: DataAccess.Context.residencyApplication, contextID: $0.id) }, by: user
            )
        }
        let lines: [DeskLine] = try queue.compactMap { booking in
            guard let id = booking.id else { return nil }
            let status = booking.bookingStatus
            let needsResult = [.russianTest, .itAssessment].contains(booking.centreService)
            var line = DeskLine(
                id: id.uuidString.lowercased(), time: CentreText.time(booking.startsAt, at: centre), person: booking.personName,
                birthDate: req.date(booking.personBirthDate), service: req.t("centre.service.\(booking.service)"), serviceKey: booking.service,
                status: req.t("centre.status.\(booking.status)"), statusKey: booking.status,
                markAction: SiteURL.centreDeskMark(id).path, resultAction: SiteURL.centreDeskResult(id).path,
                markFields: [], result: results[id].map { resultText($0, req) },
                mayArrive: status.mayMark(.arrived), mayFinish: status.mayMark(.done) && !needsResult && status == .arrived,
                mayMiss: status.mayMark(.noShow), needsResult: needsResult && status == .arrived
            )
            if let verified = checked.first(where: { $0.$user.id == booking.$user.id && $0.personKey == booking.personKey }),
               let place = req.application.centres.centre(verified.centre) {
                line.identity = req.t("desk.identityVerified", ["centre": place.city.text(req.language.rawValue),
                                                                "date": req.date(CalendarDate(verified.recordedAt, in: place.zone).description)])
            }
            if booking.centreService == .identityVerification, booking.personKey == "self",
               let application = applications.first(where: { $0.$user.id == booking.$user.id }) {
                line.residency = req.text("desk.residencyIdentity", [
                    "name": application.nameOriginal, "latin": application.nameLatin, "passport": application.passportNumber,
                    "date": application.birthDate,
                ])
            }
            if let refused, refused.0 == id { (line.errors, line.typed, line.errorList) = (refused.1, refused.2, Array(refused.1.values).sorted()) }
            line.markFields = req.application.russianTest.subtests.map { subtest in
                MarkField(id: "m-\(subtest)-\(line.id)", name: "marks.\(subtest)", label: req.t("centre.subtest.\(subtest)"),
                          value: line.typed[subtest] ?? "", error: line.errors["marks.\(subtest)"])
            }
            return line
        }
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { ["marked", "recorded"].contains($0) ? req.t("desk.notice.\($0)") : nil }
        return try await req.renderPage("centre-desk", DeskPage(
            layout: try PageLayout(request: req, titleKey: "desk.title"), centre: centre.city.text(req.language.rawValue),
            clock: CentreText.clock(centre, at: req.now, in: req.language), day: CentreText.day(day, in: req.language), dayValue: day.description,
            previous: SiteURL.centreDesk.path + "?day=\(day.adding(days: -1))", next: SiteURL.centreDesk.path + "?day=\(day.adding(days: 1))",
            lines: lines,
            levels: req.application.russianTest.levels.map { AuthPages.Choice(value: $0.id, label: "\($0.name.text(req.language.rawValue)) — \($0.cefr.rawValue)", selected: false) },
            subtests: req.application.russianTest.subtests.map { AuthPages.Choice(value: $0, label: req.t("centre.subtest.\($0)"), selected: false) },
            notice: notice, unassigned: false, errors: errors
        ), status: status)
    }

    func mark(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("bookingID", as: UUID.self) else { throw AppError.notFound }
        let status = String(((try? req.content.get(String.self, at: "status")) ?? "").prefix(20))
        let day = (try? req.content.get(String.self, at: "day")).flatMap(CalendarDate.init)
        do {
            _ = try await req.centreBookings.mark(id, as: status, by: user)
        } catch AppError.validation(let failure) {
            return try await renderDesk(req, status: .unprocessableEntity, errors: failure.errors.map(req.message(for:)))
        }
        return req.redirect(to: SiteURL.centreDesk.path + "?notice=marked" + (day.map { "&day=\($0)" } ?? ""), redirectType: .normal)
    }

    func result(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("bookingID", as: UUID.self) else { throw AppError.notFound }
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        var typed: [String: String] = [:]
        var marks: [String: Int?] = [:]
        for subtest in req.application.russianTest.subtests {
            let text = String((form["marks.\(subtest)"] ?? "").prefix(10)).trimmingCharacters(in: .whitespaces)
            typed[subtest] = text
            marks[subtest] = text.isEmpty ? .some(nil) : (Int(text) ?? 1000)
        }
        typed["level"] = String((form["level"] ?? "").prefix(20))
        typed["score"] = String((form["score"] ?? "").prefix(10))
        let score = (form["score"] ?? "").isEmpty ? nil : (Int(form["score"] ?? "") ?? 1000)
        let day = form["day"].flatMap(CalendarDate.init)
        do {
            _ = try await req.centreBookings.record(id, VisitResultRequest(level: typed["level"], marks: marks, score: score), by: user)
        } catch AppError.validation(let failure) {
            let byField = Dictionary(failure.errors.map { ($0.field, req.message(for: $0)) }, uniquingKeysWith: { first, _ in first })
            let name = try await CentreBooking.find(id, on: req.database)?.personName ?? ""
            return try await renderDesk(req, status: .unprocessableEntity, refused: (id, byField, typed),
                                        errors: failure.errors.map { "\(name): \(req.message(for: $0))" })
        }
        return req.redirect(to: SiteURL.centreDesk.path + "?notice=recorded" + (day.map { "&day=\($0)" } ?? ""), redirectType: .normal)
    }

    // MARK: Staff assignment (admin)

    func assignStaff(req: Request) async throws -> Response {
        let admin = try req.auth.require(User.self)
        guard admin.domainRole == .admin else { throw AppError.forbidden }
        guard let id = req.parameters.get("centreID"), req.application.centres.centre(id) != nil else { throw AppError.notFound }
        let email = String(((try? req.content.get(String.self, at: "email")) ?? "").prefix(320)).trimmingCharacters(in: .whitespaces).lowercased()
        do {
            guard let staff = try await User.query(on: req.database).filter(\.$email == email).first() else {
                throw AppError.validation(ValidationFailure(field: "email", code: email.isEmpty ? "field.required" : "centre.staffNotFound"))
            }
            try await req.centreBookings.assign(try staff.requireID(), to: id, by: admin)
        } catch AppError.validation(let failure) {
            return try await renderCentre(req, errors: ["staff": failure.errors.first.map(req.message(for:)) ?? ""], status: .unprocessableEntity, staffEmail: email)
        }
        return req.redirect(to: SiteURL.centre(id).path + "?notice=staff", redirectType: .normal)
    }
}
