import CaravanCentres
import CaravanDomain
import CaravanPermits
import Fluent
import FluentSQL
import Foundation
import Vapor

/// A Russian course: at a centre or online, a level, a teacher (centre staff), a schedule, seats. `enrolled` is the
/// seat count the database holds (`CHECK (enrolled <= capacity)`), changed only with the course's row locked.
final class Course: Model, @unchecked Sendable {
    static let schema = "courses"

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "level") var level: String
    /// A centre id; nil for an online course.
    @OptionalField(key: "centre") var centre: String?
    @Field(key: "city") var city: String
    @Field(key: "schedule") var schedule: String
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "ends_on") var endsOn: String
    @Field(key: "capacity") var capacity: Int
    @Field(key: "enrolled") var enrolled: Int
    @Field(key: "sponsored") var sponsored: Bool
    @Field(key: "teacher_id") var teacherID: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// One person on a course, in the order they asked (`position`).
final class CourseEnrolment: Model, @unchecked Sendable {
    static let schema = "course_enrolments"

    @ID(key: .id) var id: UUID?
    @Field(key: "course_id") var courseID: UUID
    @Parent(key: "user_id") var user: User
    /// `EnrolmentStatus.rawValue`.
    @Field(key: "status") var status: String
    @Field(key: "position") var position: Int
    /// Session days attended (`yyyy-MM-dd`), as the teacher marked them.
    @Field(key: "attended") var attended: [String]
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var enrolmentStatus: EnrolmentStatus { EnrolmentStatus(rawValue: status) ?? .withdrawn }
}

struct CreateCourseTables: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Course.schema)
            .id()
            .field("title", .string, .required)
            .field("level", .string, .required)
            .field("centre", .string)
            .field("city", .string, .required)
            .field("schedule", .string, .required)
            .field("starts_on", .string, .required)
            .field("ends_on", .string, .required)
            .field("capacity", .int, .required)
            .field("enrolled", .int, .required)
            .field("sponsored", .bool, .required)
            .field("teacher_id", .uuid, .required, .references(User.schema, .id))
            .field("created_at", .datetime, .required)
            .constraint(.sql(raw: "CHECK (enrolled >= 0 AND enrolled <= capacity)"))
            .create()
        try await database.schema(CourseEnrolment.schema)
            .id()
            .field("course_id", .uuid, .required, .references(Course.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, .id, onDelete: .cascade))
            .field("status", .string, .required)
            .field("position", .int, .required)
            .field("attended", .array(of: .string), .required)
            .field("created_at", .datetime, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.raw("""
                CREATE UNIQUE INDEX course_enrolments_one_active ON course_enrolments (course_id, user_id) \
                WHERE status IN ('enrolled', 'waiting')
                """).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CourseEnrolment.schema).delete()
        try await database.schema(Course.schema).delete()
    }
}

/// Courses: staff open them at their centre (or online) and teach them; specialists enrol or queue; a freed seat
/// goes to the first in the queue in the same transaction. Every change is audited; people are told.
struct CourseService: Sendable {
    let app: Application
    let database: any Database

    private var now: Date { app.dependencies.now() }
    private var audit: AuditLog { AuditLog(now: app.dependencies.now) }

    func courses() async throws -> [Course] {
        try await Course.query(on: database).sort(\.$startsOn).sort(\.$title).all()
    }

    func course(_ id: UUID) async throws -> Course {
        guard let course = try await Course.find(id, on: database) else { throw AppError.notFound }
        return course
    }

    /// Staff open a course at their own centre or online; they teach it.
    func create(_ input: CourseInput, by user: User) async throws -> Course {
        let centre = try await CentreBookingService(app: app, database: database).requireStaff(user)
        if input.place != "online", input.place != centre.id {
            throw AppError.validation(ValidationFailure(field: "place", code: "course.otherCentre"))
        }
        let valid: ValidCourse
        switch CourseRules.validate(input, centres: app.centres, today: CalendarDate(now, in: centre.zone)) {
        case .success(let course): valid = course
        case .failure(let failure): throw AppError.validation(failure)
        }
        let course = Course()
        course.title = valid.title
        course.level = valid.level.rawValue
        course.centre = valid.centre
        course.city = valid.city
        course.schedule = valid.schedule
        course.startsOn = valid.startsOn.description
        course.endsOn = valid.endsOn.description
        course.capacity = valid.capacity
        course.enrolled = 0
        course.sponsored = valid.sponsored
        course.teacherID = try user.requireID()
        course.createdAt = now
        try await database.writeTransaction { db in
            try await course.create(on: db)
            try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: "course.created", subject: Self.subject(course.id),
                                              payload: ["capacity": String(valid.capacity), "level": valid.level.rawValue]), on: db)
        }
        return course
    }

    /// The caller's place on each course (active ones).
    func enrolments(of user: User) async throws -> [CourseEnrolment] {
        try await CourseEnrolment.query(on: database).filter(\.$user.$id == user.requireID()).sort(\.$createdAt, .descending).all()
    }

    /// A specialist asks for a seat: enrolled while one is free and nobody waits, queued otherwise.
    func enrol(in courseID: UUID, by user: User) async throws -> CourseEnrolment {
        guard user.domainRole == .specialist else { throw AppError.forbidden }
        let course = try await course(courseID)
        guard let ends = CalendarDate(course.endsOn), ends >= CalendarDate(now, in: PermitRegistry.moscow) else {
            throw AppError.validation(ValidationFailure(field: "course", code: "course.over"))
        }
        let userID = try user.requireID()
        let enrolment = CourseEnrolment()
        do {
            try await database.writeTransaction { db in
                let locked = try await lock(courseID, on: db)
                let mine = try await CourseEnrolment.query(on: db).filter(\.$courseID == courseID).filter(\.$user.$id == userID)
                    .filter(\.$status ~~ [EnrolmentStatus.enrolled.rawValue, EnrolmentStatus.waiting.rawValue]).first()
                if mine != nil { throw AppError.conflict(code: "course-already-enrolled") }
                let waiting = try await CourseEnrolment.query(on: db).filter(\.$courseID == courseID).filter(\.$status == EnrolmentStatus.waiting.rawValue).count()
                let last = try await CourseEnrolment.query(on: db).filter(\.$courseID == courseID).sort(\.$position, .descending).first()?.position ?? 0
                let placed = CourseRules.placement(enrolled: locked.enrolled, capacity: locked.capacity, waiting: waiting)
                if placed == .enrolled { try await changeSeats(courseID, by: 1, on: db) }
                enrolment.courseID = courseID
                enrolment.$user.id = userID
                enrolment.status = placed.rawValue
                enrolment.position = last + 1
                enrolment.attended = []
                enrolment.createdAt = now
                try await enrolment.create(on: db)
                try await audit.append(AuditEntry(actor: AuditEntry.user(userID), action: "course.\(placed.rawValue)", subject: Self.subject(courseID)), on: db)
                try await NotificationService(app: app, database: db).notify([userID], kind: "notice.course.\(placed.rawValue)",
                                                                              arguments: ["course": course.title], link: SiteURL.course(courseID).path)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw AppError.conflict(code: "course-already-enrolled")
        }
        await app.outbox.sweep(app: app, on: database)
        return enrolment
    }

    /// Leaves a course (or its queue); a freed seat goes to the first person waiting, in the same transaction.
    func withdraw(from courseID: UUID, by user: User) async throws {
        let userID = try user.requireID()
        try await database.writeTransaction { db in
            _ = try await lock(courseID, on: db)
            guard let mine = try await CourseEnrolment.query(on: db).filter(\.$courseID == courseID).filter(\.$user.$id == userID)
                .filter(\.$status ~~ [EnrolmentStatus.enrolled.rawValue, EnrolmentStatus.waiting.rawValue]).first() else { throw AppError.notFound }
            let held = mine.enrolmentStatus == .enrolled
            mine.status = EnrolmentStatus.withdrawn.rawValue
            try await mine.save(on: db)
            try await audit.append(AuditEntry(actor: AuditEntry.user(userID), action: "course.withdrawn", subject: Self.subject(courseID)), on: db)
            if held {
                try await changeSeats(courseID, by: -1, on: db)
                try await promote(courseID, on: db)
            }
        }
        await app.outbox.sweep(app: app, on: database)
    }

    /// The teacher marks a day's attendance or a completion; a completed course points to the test.
    func mark(_ enrolmentID: UUID, attended day: String?, completed: Bool, by user: User) async throws {
        guard let enrolment = try await CourseEnrolment.find(enrolmentID, on: database) else { throw AppError.notFound }
        let course = try await course(enrolment.courseID)
        guard user.domainRole == .centreStaff, course.teacherID == user.id else { throw AppError.forbidden }
        guard enrolment.enrolmentStatus == .enrolled else { throw AppError.stageConflict(current: "course.\(enrolment.status)") }
        var validator = Validator()
        var date: CalendarDate?
        if let day, !day.isEmpty {
            date = CalendarDate(day)
            if let date {
                if let starts = CalendarDate(course.startsOn), let ends = CalendarDate(course.endsOn), !(starts...ends).contains(date) {
                    validator.add("day", "course.dayOutside")
                }
            } else {
                validator.add("day", "date.invalid")
            }
        } else if !completed {
            validator.add("day", "field.required")
        }
        do { try validator.check() } catch { throw AppError.validation(error) }
        let day = date
        try await database.writeTransaction { db in
            if let date = day, !enrolment.attended.contains(date.description) { enrolment.attended = (enrolment.attended + [date.description]).sorted() }
            if completed {
                _ = try await lock(course.requireID(), on: db)
                enrolment.status = EnrolmentStatus.completed.rawValue
            }
            try await enrolment.save(on: db)
            if completed {
                // The seat is free for the next in the queue.
                try await changeSeats(course.requireID(), by: -1, on: db)
                try await promote(course.requireID(), on: db)
            }
            try await audit.append(AuditEntry(actor: AuditEntry.user(user.id), action: completed ? "course.completed" : "course.attended",
                                              subject: Self.subject(course.id), payload: day.map { ["day": $0.description] } ?? [:]), on: db)
            if completed {
                let next = course.centre.map { SiteURL.centre($0).path + "?service=russian_test#book" } ?? SiteURL.centres.path
                try await NotificationService(app: app, database: db).notify([enrolment.$user.id], kind: "notice.course.completed",
                                                                              arguments: ["course": course.title], link: next)
            }
        }
        await app.outbox.sweep(app: app, on: database)
    }

    /// Everyone on a course, seats first then the queue in order (the teacher's view).
    func roster(of course: Course, by user: User) async throws -> [(CourseEnrolment, User)] {
        guard user.domainRole == .centreStaff, course.teacherID == user.id else { throw AppError.forbidden }
        let enrolments = try await CourseEnrolment.query(on: database).filter(\.$courseID == course.requireID()).with(\.$user).sort(\.$position).all()
        return enrolments.map { ($0, $0.user) }
    }

    // MARK: Private

    /// Locks the course's row for the transaction (`UPDATE … SET enrolled = enrolled`: a row lock on PostgreSQL,
    /// the write lock on SQLite) and reads it: every seat decision on a course is taken one at a time.
    private func lock(_ courseID: UUID, on db: any Database) async throws -> Course {
        guard let sql = db as? any SQLDatabase else { throw AppError.conflict(code: "centre-concurrent") }
        let rows = try await sql.raw("UPDATE \(ident: Course.schema) SET enrolled = enrolled WHERE id = \(bind: courseID) RETURNING id").all()
        guard !rows.isEmpty, let course = try await Course.find(courseID, on: db) else { throw AppError.notFound }
        return course
    }

    private func changeSeats(_ courseID: UUID, by delta: Int, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        let rows = try await sql.raw("""
            UPDATE \(ident: Course.schema) SET enrolled = enrolled + \(bind: delta) WHERE id = \(bind: courseID) \
            AND enrolled + \(bind: delta) BETWEEN 0 AND capacity RETURNING id
            """).all()
        if rows.isEmpty { throw AppError.conflict(code: "course-full") }
    }

    /// The first in the queue takes the freed seat, and is told.
    private func promote(_ courseID: UUID, on db: any Database) async throws {
        guard let next = try await CourseEnrolment.query(on: db).filter(\.$courseID == courseID)
            .filter(\.$status == EnrolmentStatus.waiting.rawValue).sort(\.$position).first() else { return }
        try await changeSeats(courseID, by: 1, on: db)
        next.status = EnrolmentStatus.enrolled.rawValue
        try await next.save(on: db)
        let course = try await Course.find(courseID, on: db)
        try await audit.append(AuditEntry(actor: "system:course-queue", action: "course.promoted", subject: Self.subject(courseID)), on: db)
        try await NotificationService(app: app, database: db).notify([next.$user.id], kind: "notice.course.promoted",
                                                                      arguments: ["course": course?.title ?? ""], link: SiteURL.course(courseID).path)
    }

    static func subject(_ id: UUID?) -> String { "course:\(id?.uuidString.lowercased() ?? "unknown")" }
}

extension Request {
    var courses: CourseService { CourseService(app: application, database: database) }
}
