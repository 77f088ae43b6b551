import CaravanCentres
import CaravanDomain
import Fluent
import Foundation
import OpenAPIRuntime
import Vapor

extension APIHandler {
    func listCourses(_ input: Operations.ListCourses.Input) async throws -> Operations.ListCourses.Output {
        let req = APIRequestContext.current
        let user = try? await req.bearerUser().0
        var mine: [CourseEnrolment] = []
        if let user { mine = try await req.courses.enrolments(of: user) }
        let waiting = Dictionary(grouping: try await CourseEnrolment.query(on: req.database).filter(\.$status == EnrolmentStatus.waiting.rawValue).all(),
                                 by: \.courseID).mapValues(\.count)
        let courses = try await req.courses.courses().map { course in
            try Self.course(course, waiting: waiting[course.id ?? UUID()] ?? 0,
                            mine: mine.first { $0.courseID == course.id && $0.enrolmentStatus != .withdrawn })
        }
        return .ok(.init(body: .json(.init(courses: courses))))
    }

    func createCourse(_ input: Operations.CreateCourse.Input) async throws -> Operations.CreateCourse.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        let course = try await req.courses.create(CourseInput(
            title: body.title, level: body.level, place: body.place, city: body.city ?? "", schedule: body.schedule,
            startsOn: body.startsOn, endsOn: body.endsOn, capacity: String(body.capacity), sponsored: body.sponsored ?? false
        ), by: user)
        return .created(.init(body: .json(try Self.course(course, waiting: 0, mine: nil))))
    }

    func enrolInCourse(_ input: Operations.EnrolInCourse.Input) async throws -> Operations.EnrolInCourse.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.courseId) else { throw AppError.notFound }
        let enrolment = try await req.courses.enrol(in: id, by: user)
        return .created(.init(body: .json(try Self.enrolment(enrolment, name: nil))))
    }

    func withdrawFromCourse(_ input: Operations.WithdrawFromCourse.Input) async throws -> Operations.WithdrawFromCourse.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.courseId) else { throw AppError.notFound }
        try await req.courses.withdraw(from: id, by: user)
        return .noContent(.init())
    }

    func getCourseRoster(_ input: Operations.GetCourseRoster.Input) async throws -> Operations.GetCourseRoster.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.courseId) else { throw AppError.notFound }
        let course = try await req.courses.course(id)
        let roster = try await req.courses.roster(of: course, by: user)
        return .ok(.init(body: .json(.init(enrolments: try roster.map { try Self.enrolment($0.0, name: $0.1.displayName) }))))
    }

    func markCourseEnrolment(_ input: Operations.MarkCourseEnrolment.Input) async throws -> Operations.MarkCourseEnrolment.Output {
        let req = APIRequestContext.current
        let (user, _) = try await req.bearerUser()
        guard let id = UUID(uuidString: input.path.enrolmentId) else { throw AppError.notFound }
        guard case .json(let body) = input.body else { throw AppError.malformedRequest }
        try await req.courses.mark(id, attended: body.day, completed: body.completed ?? false, by: user)
        return .noContent(.init())
    }

    static func course(_ course: Course, waiting: Int, mine: CourseEnrolment?) throws -> Components.Schemas.Course {
        .init(
            id: try course.requireID().uuidString.lowercased(), title: course.title, level: course.level, place: course.centre ?? "online",
            city: course.city, schedule: course.schedule, startsOn: course.startsOn, endsOn: course.endsOn, capacity: course.capacity,
            enrolled: course.enrolled, waiting: waiting, sponsored: course.sponsored, mine: try mine.map { try enrolment($0, name: nil) }
        )
    }

    static func enrolment(_ enrolment: CourseEnrolment, name: String?) throws -> Components.Schemas.CourseEnrolment {
        .init(id: try enrolment.requireID().uuidString.lowercased(), courseId: enrolment.courseID.uuidString.lowercased(), name: name,
              status: Components.Schemas.CourseEnrolment.StatusPayload(rawValue: enrolment.status) ?? .withdrawn,
              position: enrolment.position, attended: enrolment.attended)
    }
}
