import CaravanCentres
import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// Russian courses: the public list (enrol or queue for specialists, open a course for centre staff) and a
/// course's page (the teacher's roster with attendance and completion). Every action calls `CourseService`.
struct CoursePages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.courses.pathComponents, use: list)
        routes.get(SiteURL.course(UUID()).pathComponents, use: show)
        let signedIn = routes.grouped(SignedInOnly())
        signedIn.post(SiteURL.courses.pathComponents, use: create)
        signedIn.post(SiteURL.courseEnrol(UUID()).pathComponents, use: enrol)
        signedIn.post(SiteURL.courseWithdraw(UUID()).pathComponents, use: withdraw)
        signedIn.post(SiteURL.courseMark(UUID()).pathComponents, use: mark)
    }

    struct CourseCard: Encodable {
        let id: String
        let link: String
        let title: String
        let facts: String
        let schedule: String
        let seats: String
        let sponsored: Bool
        var mine: String?
        var enrolAction: String?
        var withdrawAction: String?
    }

    struct CreateForm: Content {
        var title: String?
        var level: String?
        var place: String?
        var city: String?
        var schedule: String?
        var startsOn: String?
        var endsOn: String?
        var capacity: String?
        var sponsored: String?
    }

    struct ListPage: Encodable {
        let layout: PageLayout
        let courses: [CourseCard]
        let notice: String?
        let createAction: String?
        let form: CreateForm
        let levels: [AuthPages.Choice]
        let places: [AuthPages.Choice]
        let errors: [String: String]
        let error: String?
    }

    static func card(_ course: Course, waiting: Int, mine: CourseEnrolment?, user: User?, _ req: Request) throws -> CourseCard {
        let id = try course.requireID()
        let place = course.centre.flatMap { req.application.centres.centre($0) }.map { $0.city.text(req.language.rawValue) } ?? req.t("course.online")
        let facts = [req.t("level.\(course.level)"), place, req.t("course.dates", ["from": req.date(course.startsOn), "to": req.date(course.endsOn)])]
        var card = CourseCard(
            id: id.uuidString.lowercased(), link: SiteURL.course(id).path, title: course.title, facts: facts.joined(separator: " · "),
            schedule: course.schedule,
            seats: req.t("course.seats", ["free": String(max(0, course.capacity - course.enrolled)), "capacity": String(course.capacity), "waiting": String(waiting)]),
            sponsored: course.sponsored
        )
        if let mine, mine.enrolmentStatus.isActive || mine.enrolmentStatus == .completed {
            card.mine = req.t("course.mine.\(mine.status)")
            if mine.enrolmentStatus.isActive { card.withdrawAction = SiteURL.courseWithdraw(id).path }
        } else if user?.domainRole == .specialist {
            card.enrolAction = SiteURL.courseEnrol(id).path
        }
        return card
    }

    func list(req: Request) async throws -> Response {
        try await renderList(req, form: CreateForm(level: "B1", place: "", capacity: "12"), errors: [:], status: .ok)
    }

    private func renderList(_ req: Request, form: CreateForm, errors: [String: String], status: HTTPStatus, error: String? = nil) async throws -> Response {
        let user = req.auth.get(User.self)
        let service = req.courses
        let courses = try await service.courses()
        var mine: [CourseEnrolment] = []
        if let user { mine = try await service.enrolments(of: user) }
        let waiting = try await CourseEnrolment.query(on: req.database).filter(\.$status == EnrolmentStatus.waiting.rawValue).all()
        let counts = Dictionary(grouping: waiting, by: \.courseID).mapValues(\.count)
        let cards = try courses.map { course in
            try Self.card(course, waiting: counts[course.id ?? UUID()] ?? 0,
                          mine: mine.first { $0.courseID == course.id && $0.enrolmentStatus != .withdrawn }, user: user, req)
        }
        var createAction: String?
        var places: [AuthPages.Choice] = []
        if let user, let centre = try await CentreBookingService(app: req.application, database: req.database).staffCentre(of: user) {
            createAction = SiteURL.courses.path
            places = [AuthPages.Choice(value: centre.id, label: centre.city.text(req.language.rawValue), selected: form.place != "online"),
                      AuthPages.Choice(value: "online", label: req.t("course.online"), selected: form.place == "online")]
        }
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { ["created", "enrolled", "waiting", "withdrawn"].contains($0) ? req.t("course.notice.\($0)") : nil }
        return try await req.renderPage("courses", ListPage(
            layout: try PageLayout(request: req, titleKey: "courses.title"), courses: cards, notice: notice, createAction: createAction, form: form,
            levels: CEFRLevel.allCases.map { AuthPages.Choice(value: $0.rawValue, label: req.t("level.\($0.rawValue)"), selected: $0.rawValue == form.level) },
            places: places, errors: errors, error: error
        ), status: status)
    }

    func create(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        let form = (try? req.content.decode(CreateForm.self)) ?? CreateForm()
        func cut(_ text: String?, _ limit: Int) -> String { String((text ?? "").prefix(limit)) }
        do {
            _ = try await req.courses.create(CourseInput(
                title: cut(form.title, 400), level: cut(form.level, 10), place: cut(form.place, 40), city: cut(form.city, 200),
                schedule: cut(form.schedule, 600), startsOn: cut(form.startsOn, 20), endsOn: cut(form.endsOn, 20),
                capacity: cut(form.capacity, 10), sponsored: form.sponsored == "yes"
            ), by: user)
        } catch AppError.validation(let failure) {
            return try await renderList(req, form: form, errors: fieldMessages(failure, req), status: .unprocessableEntity)
        }
        return req.redirect(to: SiteURL.courses.path + "?notice=created", redirectType: .normal)
    }

    func enrol(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("courseID", as: UUID.self) else { throw AppError.notFound }
        do {
            let enrolment = try await req.courses.enrol(in: id, by: user)
            return req.redirect(to: SiteURL.courses.path + "?notice=\(enrolment.status)", redirectType: .normal)
        } catch AppError.validation(let failure) {
            return try await renderList(req, form: CreateForm(), errors: [:], status: .unprocessableEntity, error: failure.errors.first.map(req.message(for:)))
        } catch AppError.conflict(let code) {
            return try await renderList(req, form: CreateForm(), errors: [:], status: .conflict, error: req.t("error.\(code)"))
        }
    }

    func withdraw(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("courseID", as: UUID.self) else { throw AppError.notFound }
        try await req.courses.withdraw(from: id, by: user)
        return req.redirect(to: SiteURL.courses.path + "?notice=withdrawn", redirectType: .normal)
    }

    // MARK: One course

    struct RosterLine: Encodable {
        let id: String
        let name: String
        let status: String
        let attended: String
        let markAction: String?
        var error: String?
    }

    struct CoursePage: Encodable {
        let layout: PageLayout
        let card: CourseCard
        let roster: [RosterLine]?
        let today: String
        let notice: String?
    }

    func show(req: Request) async throws -> Response {
        try await renderCourse(req, status: .ok)
    }

    private func renderCourse(_ req: Request, status: HTTPStatus, refused: (UUID, String)? = nil) async throws -> Response {
        guard let id = req.parameters.get("courseID", as: UUID.self) else { throw AppError.notFound }
        let course = try await req.courses.course(id)
        let user = req.auth.get(User.self)
        var mine: CourseEnrolment?
        if let user { mine = try await req.courses.enrolments(of: user).first { $0.courseID == id && $0.enrolmentStatus != .withdrawn } }
        let waiting = try await CourseEnrolment.query(on: req.database).filter(\.$courseID == id).filter(\.$status == EnrolmentStatus.waiting.rawValue).count()
        var roster: [RosterLine]?
        if let user, user.domainRole == .centreStaff, course.teacherID == user.id {
            roster = try await req.courses.roster(of: course, by: user).compactMap { enrolment, person in
                guard let enrolmentID = enrolment.id else { return nil }
                var line = RosterLine(
                    id: enrolmentID.uuidString.lowercased(), name: person.displayName, status: req.t("course.status.\(enrolment.status)"),
                    attended: req.t("course.attended", ["count": String(enrolment.attended.count)]),
                    markAction: enrolment.enrolmentStatus == .enrolled ? SiteURL.courseMark(enrolmentID).path : nil
                )
                if let refused, refused.0 == enrolmentID { line.error = refused.1 }
                return line
            }
        }
        let notice = (try? req.query.get(String.self, at: "notice")) == "marked" ? req.t("course.notice.marked") : nil
        return try await req.renderPage("course", CoursePage(
            layout: try PageLayout(request: req, titleKey: "course.title", titleArguments: ["title": course.title]),
            card: try Self.card(course, waiting: waiting, mine: mine, user: user, req), roster: roster,
            today: CalendarDate(req.now, in: PermitRegistry.moscow).description, notice: notice
        ), status: status)
    }

    func mark(req: Request) async throws -> Response {
        let user = try req.auth.require(User.self)
        guard let id = req.parameters.get("enrolmentID", as: UUID.self),
              let enrolment = try await CourseEnrolment.find(id, on: req.database) else { throw AppError.notFound }
        let day = String(((try? req.content.get(String.self, at: "day")) ?? "").prefix(20))
        let completed = (try? req.content.get(String.self, at: "completed")) == "yes"
        do {
            try await req.courses.mark(id, attended: day, completed: completed, by: user)
        } catch AppError.validation(let failure) {
            req.parameters.set("courseID", to: enrolment.courseID.uuidString)
            return try await renderCourse(req, status: .unprocessableEntity, refused: (id, failure.errors.first.map(req.message(for:)) ?? ""))
        }
        return req.redirect(to: SiteURL.course(enrolment.courseID).path + "?notice=marked", redirectType: .normal)
    }
}
