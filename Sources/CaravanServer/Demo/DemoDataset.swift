import CaravanDomain
import CaravanPermits
import Fluent
import Foundation
import Vapor

/// The demo: one account for each role, with people who look like the programme's. Loading it twice
/// changes nothing (accounts are found by e-mail before they are made).
enum DemoDataset {
    struct Account {
        let role: Role
        let email: String
        let displayName: String
        let language: LanguageCode
    }

    /// Every demo account shares this password; it is printed by `caravan demo` and is not for real installs.
    static let password = "caravan-demo-2026"

    static let accounts: [Account] = [
        Account(role: .specialist, email: "aziz.karimov@demo.caravan.test", displayName: "Азиз Каримов", language: .russian),
        Account(role: .employer, email: "hr@kazan-soft.demo.caravan.test", displayName: "Елена Галиева", language: .russian),
        Account(role: .migrationOfficer, email: "officer@demo.caravan.test", displayName: "Ирина Волкова", language: .russian),
        Account(role: .centreStaff, email: "centre.tashkent@demo.caravan.test", displayName: "Нодира Юсупова", language: .russian),
        Account(role: .universityAdmissions, email: "admissions@demo.caravan.test", displayName: "Алексей Петров", language: .russian),
        Account(role: .registryOfficer, email: "registry@demo.caravan.test", displayName: "Марат Ахметов", language: .russian),
        // A freelancer who stays at home and becomes a digital resident (passkeys are added in the browser).
        Account(role: .specialist, email: "aibek.freelancer@demo.caravan.test", displayName: "Айбек Токтогулов", language: .russian),
        // His co-founder, a digital resident too: together they found a company online.
        Account(role: .specialist, email: "gulnara.cofounder@demo.caravan.test", displayName: "Гульнара Сейтова", language: .russian),
        Account(role: .analyst, email: "analyst@demo.caravan.test", displayName: "Dana Seitkali", language: .english),
        Account(role: .admin, email: "admin@demo.caravan.test", displayName: "Caravan Admin", language: .english),
    ]

    /// Creates what is missing; returns how many accounts were made this time.
    @discardableResult
    static func load(on app: Application) async throws -> Int {
        let service = AccountService(app: app)
        var created = 0
        for account in accounts {
            if try await User.query(on: app.db).filter(\.$email == account.email).first() != nil { continue }
            _ = try await service.create(
                SignUpRequest(
                    email: account.email, password: password, displayName: account.displayName,
                    role: account.role.rawValue, language: account.language.rawValue
                ),
                by: nil, asOperator: true
            )
            created += 1
        }
        // Everyone in the market shares the demo password; one bcrypt hash serves them all (2,000 hashes
        // at cost 12 would take minutes).
        let hash = try await service.hashPassword(password)
        try await DemoMarket.load(on: app, passwordHash: hash)
        try await DemoPermits.load(on: app)
        try await DemoCentres.load(on: app)
        let bansBefore = try await EntryBan.query(on: app.db).count()
        try await DemoEntryBans.load(on: app)
        // The registry changed after the demo's reviews started: ask it again for the cases in review, as an officer
        // would, so one of them shows the ban it meets.
        if bansBefore == 0, let officer = try await User.query(on: app.db).filter(\.$role == Role.migrationOfficer.rawValue).sort(\.$email).first() {
            let permits = PermitService(app: app, database: app.db)
            for permitCase in try await PermitCase.query(on: app.db).filter(\.$status == CaseStatus.inReview.rawValue).all() {
                try await permits.checkEntryBans(on: permitCase, as: .officer, by: officer)
            }
        }
        // After the entry bans: it files one of its own, which the bans' loader would take for a loaded registry.
        try await DemoResidency.load(on: app)
        try await DemoGrants.load(on: app)
        try await DemoFlows.load(on: app)
        return created
    }
}
