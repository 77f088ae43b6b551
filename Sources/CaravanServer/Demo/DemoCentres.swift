import CaravanCentres
import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// The centres in the demo: the Tashkent staff account at its desk, and appointments on the next open days made
/// through the same booking operation people use — a family's biometrics, and Russian tests — so the desk has a
/// queue and the public pages show seats taken.
enum DemoCentres {
    static func load(on app: Application) async throws {
        guard try await CentreBooking.query(on: app.db).count() == 0 else { return }
        let service = CentreBookingService(app: app, database: app.db)
        guard let admin = try await User.query(on: app.db).filter(\.$role == Role.admin.rawValue).sort(\.$email).first() else { return }
        for staff in try await User.query(on: app.db).filter(\.$role == Role.centreStaff.rawValue).all() {
            let city = staff.email.split(separator: "@").first?.split(separator: ".").last.map(String.init) ?? ""
            let centre = app.centres.centre(city) ?? app.centres.centres[0]
            try await service.assign(try staff.requireID(), to: centre.id, by: admin)
        }
        guard let tashkent = app.centres.centre("tashkent") else { return }
        let specialists = try await User.query(on: app.db).filter(\.$role == Role.specialist.rawValue).sort(\.$email).limit(40).all()
        // The family's biometrics first (the demo's main specialist, whose permit case needs fingerprints), then tests.
        let ordered = specialists.sorted { ($0.email.hasPrefix("aziz") ? 0 : 1, $0.email) < ($1.email.hasPrefix("aziz") ? 0 : 1, $1.email) }
        var booked = 0
        for user in ordered.prefix(12) {
            let persons = try await service.persons(of: user).prefix(booked == 0 ? 4 : 1).map(\.id)
            let kind: CaravanCentres.CentreService = booked == 0 ? .biometrics : .russianTest
            guard let start = try await service.nextFree(kind, at: tashkent, persons: persons.count, limit: 1).first?.start else { continue }
            do {
                _ = try await service.book(BookingRequest(centre: tashkent.id, service: kind.rawValue, start: start, persons: persons), by: user)
                booked += 1
            } catch let error as AppError {
                app.logger.info("demo booking skipped", metadata: ["reason": .string(error.slug)])
            }
        }
    }
}
