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

extension PermitService {
    /// Asks the entry-ban registry about every person on the case and records each answer on the person (clear
    /// or banned, which record, on which day), audited without personal data. A person whose citizenship is
    /// not known cannot be checked: their rule stays "not checked", which blocks an approval.
    func checkEntryBans(on permitCase: PermitCase, as viewer: CaseViewer, by user: User) async throws {
        let registry = app.entryBanRegistry(app, database)
        let today = self.today
        var results: [String: String] = [:]
        for index in permitCase.persons.indices {
            let person = permitCase.persons[index]
            guard let citizenship = CountryCode(rawValue: person.citizenship) else { continue }
            let subject = EntryBanSubject(citizenship: citizenship, passportNumber: person.passportNumber, name: person.name,
                                          birthDate: CalendarDate(person.birthDate))
            let check = try await registry.check(subject, on: today)
            permitCase.persons[index].entryBanCheck = check
            results[person.id] = check.result.rawValue + (check.recordID.map { ":\($0)" } ?? "")
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
