import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// A few entry bans for the demo, loaded once through the same import as `caravan entry-bans import` (audited as
/// `cli`). One names a real person of the demo: a family member on the oldest case in review, so the officer
/// who checks that case meets a ban. Call after `DemoPermits.load`.
enum DemoEntryBans {
    static let legalBasis = "114-FZ art. 27 §1(2)"

    /// Fictional people, with the shapes a registry holds: by passport only, by name and birth date only, both, and
    /// one whose term is over (on record, not in force).
    static let fictional: [[String]] = [
        ["UZ", "FA 1234567", "", "", "2024-03-01", "2029-03-01", legalBasis, "demo"],
        ["TJ", "", "Рахимов Фаррух", "1988-11-02", "2023-07-15", "", "114-FZ art. 26(4)", "demo"],
        ["KG", "AC 0456789", "Абдыкадыров Эрлан", "1992-02-19", "2020-01-10", "2023-01-10", "114-FZ art. 26(1)", "demo"],
        ["KZ", "N09876543", "", "", "2025-05-20", "2030-05-20", "114-FZ art. 27 §1(1)", "demo"],
    ]

    /// The person of a demo case the registry bans: name, birth date and citizenship from the case's persons
    /// (which `DemoPermits` copied from the specialist's profile family).
    struct Banned: Sendable, Equatable {
        let name: String
        let birthDate: String
        let citizenship: String
    }

    /// The first case in review (oldest submission first) that has a family member with a birth date.
    static func person(on database: any Database) async throws -> Banned? {
        let cases = try await PermitCase.query(on: database)
            .filter(\.$status == CaseStatus.inReview.rawValue)
            .sort(\.$submittedOn, .ascending).sort(\.$id)
            .all()
        for permitCase in cases {
            if let member = permitCase.persons.first(where: { $0.relation != "principal" && !$0.birthDate.isEmpty && !$0.citizenship.isEmpty }) {
                return Banned(name: member.name, birthDate: member.birthDate, citizenship: member.citizenship)
            }
        }
        return nil
    }

    /// Loads the bans unless the registry already has any; returns the demo person banned, if one was found.
    @discardableResult
    static func load(on app: Application) async throws -> Banned? {
        guard try await EntryBan.query(on: app.db).count() == 0 else { return nil }
        var rows = fictional
        let banned = try await person(on: app.db)
        if let banned {
            rows.append([banned.citizenship, "", banned.name, banned.birthDate, "2025-06-01", "", legalBasis, "demo"])
        }
        let outcome = try await app.entryBans.importRows(
            header: EntryBanImport.columns, rows: rows.enumerated().map { .init(line: $0.offset + 2, fields: $0.element) },
            source: "demo", by: .cli
        )
        if case .refused(let report) = outcome {
            // The rows above are fixed and checked by the tests; a refusal here is a bug in them, not bad input.
            app.logger.error("demo entry bans refused: \(report.refused.map { "\($0.line) \($0.field) \($0.code)" })")
        }
        return banned
    }
}
