import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

extension Application {
    private struct EntryBanRegistryKey: StorageKey {
        typealias Value = @Sendable (Application, any Database) -> any EntryBanRegistry
    }

    /// The entry-ban registry a check asks, on a given database connection (so a check inside a transaction
    /// reads through it). `configure` sets the registry officers' table; tests may put a listed registry in its place.
    var entryBanRegistry: @Sendable (Application, any Database) -> any EntryBanRegistry {
        get {
            guard let registry = storage[EntryBanRegistryKey.self] else { preconditionFailure("configure sets the entry-ban registry") }
            return registry
        }
        set { storage[EntryBanRegistryKey.self] = newValue }
    }
}

extension PermitCase.Person {
    /// Who the registry is asked about: nil when the citizenship is not known (such a person cannot be checked,
    /// so their rule stays "not checked", which blocks an approval).
    var entryBanSubject: EntryBanSubject? {
        CountryCode(rawValue: citizenship).map {
            EntryBanSubject(citizenship: $0, passportNumber: passportNumber, name: name, birthDate: CalendarDate(birthDate))
        }
    }
}

extension PermitService {
    /// Asks the entry-ban registry about the person at `index` and records the answer on them (clear or banned,
    /// which record, on which day). The caller saves the case.
    @discardableResult
    func recordEntryBanCheck(of index: Int, on permitCase: PermitCase) async throws -> EntryBanCheck? {
        guard let subject = permitCase.persons[index].entryBanSubject else { return nil }
        let check = try await app.entryBanRegistry(app, database).check(subject, on: today)
        permitCase.persons[index].entryBanCheck = check
        return check
    }

    /// Asks the registry about every person on the case, records each answer and saves them, audited without
    /// personal data (the person's id on the case and the record's id only).
    func checkEntryBans(on permitCase: PermitCase, as viewer: CaseViewer, by user: User) async throws {
        var results: [String: String] = [:]
        for index in permitCase.persons.indices {
            guard let check = try await recordEntryBanCheck(of: index, on: permitCase) else { continue }
            results[permitCase.persons[index].id] = check.result.rawValue + (check.recordID.map { ":\($0)" } ?? "")
        }
        let caseID = try permitCase.requireID()
        let payload = results
        try await commit(permitCase, as: viewer) { db in
            try await AuditLog(now: app.dependencies.now).append(AuditEntry(
                actor: AuditEntry.user(user.id), action: "permit.entry-ban-checked", subject: Self.subject(caseID), payload: payload
            ), on: db)
        }
    }
}
