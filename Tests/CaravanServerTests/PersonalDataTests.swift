import CaravanDomain
import CaravanPermits
@testable import CaravanServer
import Fluent
import FluentSQL
import Foundation
import Testing
import Vapor
import VaporTesting

/// Personal data at rest: sealed in every row and file, readable through the models, found through the blind
/// index, re-sealed by a rotation that survives being stopped, and loud (not silent, not a crash) when altered.
@Suite struct PersonalDataTests {
    /// What the world below stores, and must never be readable in a row or a file.
    static let plainSecrets = [
        "Дилноза Каримова", "Тимур Каримов", "1992-04-01", "2016-09-10",  // the family on the profile and the case
        "AB3456789", "1990-05-14",  // the principal's passport and birth date on the profile
        "FA0123456", "FA1123456", "FA2123456",  // the passports the officer read off the documents
        "ZZ7654321", "1985-03-03",  // a ban's passport and birth date
    ]

    // MARK: The keyring alone

    @Test func aValueRoundTripsAndAnAlteredOneIsRefusedByName() throws {
        // setup
        let keyring = DataKeyring.generate()

        // act
        let sealed = try keyring.seal("AB3456789")

        // check
        #expect(sealed.hasPrefix("v1:\(keyring.activeID):") && !sealed.contains("AB3456789"))
        #expect(try keyring.seal("AB3456789") != sealed, "a fresh nonce every time")
        #expect(try keyring.open(sealed) == "AB3456789")
        let body = sealed.dropFirst("v1:\(keyring.activeID):".count)
        let flipped = "v1:\(keyring.activeID):" + (body.first == "A" ? "B" : "A") + body.dropFirst()
        #expect(throws: SealingError.failedAuthentication(keyID: keyring.activeID)) { try keyring.open(flipped) }
        // Relabelled with another key's id: that key does not open it (the label is authenticated too).
        let rotated = keyring.addingNewActiveKey()
        let relabelled = sealed.replacingOccurrences(of: keyring.activeID, with: rotated.activeID)
        #expect(throws: SealingError.failedAuthentication(keyID: rotated.activeID)) { try rotated.open(relabelled) }
        #expect(throws: SealingError.unknownKey(rotated.activeID)) { try keyring.open(try rotated.seal("x")) }
        #expect(throws: SealingError.notSealed) { try keyring.open("AB3456789") }
        // Files too.
        let pdf = Data("%PDF-1.4 scan".utf8)
        let sealedFile = try keyring.seal(bytes: pdf)
        #expect(DataKeyring.keyID(of: sealedFile) == keyring.activeID && DataKeyring.keyID(of: pdf) == nil)
        #expect(try rotated.open(bytes: sealedFile) == pdf)
    }

    @Test func theKeyFileIsMadeOnceReadBackAndABadOneNamesTheProblem() throws {
        // setup
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("caravan-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = DataKeyring.defaultFile(in: folder)

        // act
        let made = try DataKeyring.loadOrCreate(file: file)
        let again = try DataKeyring.loadOrCreate(file: file)

        // check
        #expect(again.activeID == made.activeID && again.keyIDs == made.keyIDs)
        #expect(try again.open(try made.seal("x")) == "x")
        #expect(again.blindIndex(passport: "AB1") == made.blindIndex(passport: "AB1"))
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // The environment's form: `;` between entries, the last key active unless one is named.
        let two = made.addingNewActiveKey()
        let inline = two.fileText.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("active") }.joined(separator: "; ")
        #expect(try DataKeyring.parse(inline).activeID == two.activeID && DataKeyring.parse(inline).keyIDs == [made.activeID, two.activeID])
        #expect(throws: ConfigurationError.self) {
            try AppConfiguration.parse(environment: ["CARAVAN_DATA_KEYS": "key k1 notbase64"])
        }
        try "index abc\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: ConfigurationError.self) { try DataKeyring.loadOrCreate(file: file) }
    }

    // MARK: In the database

    @Test func rowsAndFilesHoldNoPlainPersonalDataAndTheModelsReadItBack() async throws {
        try await withTestApp { app in
            // setup
            let caseID = try await sealedWorld(app)

            // check: nothing readable in a row or a file
            let stored = try await rawPersonalData(app)
            for secret in Self.plainSecrets {
                #expect(!stored.text.contains(secret), "\(secret) is stored in plain")
            }
            #expect(Set(stored.keyIDs) == [app.dataKeyring.activeID])
            // 2 family members × 2 on the profile, 3 identity values, 3 persons × 4 on the case, 2 on the ban.
            let expected = 4 + 3 + 12 + 2
            #expect(stored.keyIDs.count == expected)
            #expect(stored.files.count >= 3 && stored.files.allSatisfy { DataKeyring.keyID(of: $0) == app.dataKeyring.activeID })

            // check: the models and pages read them as before
            let permitCase = try #require(try await PermitCase.find(caseID, on: app.db))
            #expect(permitCase.persons.map(\.name) == ["Test Person", "Дилноза Каримова", "Тимур Каримов"])
            #expect(permitCase.persons.map(\.passportNumber) == ["FA0123456", "FA1123456", "FA2123456"])
            #expect(permitCase.persons[1].birthDate == "1992-04-01")
            let profile = try #require(try await SpecialistProfile.query(on: app.db).first())
            #expect(profile.identity.passportNumber == "AB3456789" && profile.birthDate == "1990-05-14")
            #expect(profile.family.map(\.name) == ["Дилноза Каримова", "Тимур Каримов"])
            let officer = try await officerClient(app)
            let page = try await officer.get("/permits/\(caseID.uuidString.lowercased())")
            #expect(page.text.contains("Дилноза Каримова"))
            let document = try #require(try await PermitDocumentFile.query(on: app.db).filter(\.$kind == "passport").first())
            let download = try await officer.get("/permits/\(caseID.uuidString.lowercased())/documents/\(try document.requireID().uuidString.lowercased())")
            #expect(download.status == .ok && Data(download.body.readableBytesView) == Data(PermitTests.pdf))
        }
    }

    @Test func theEntryBanCheckFindsAPassportThroughTheBlindIndex() async throws {
        try await withTestApp { app in
            // setup
            let registrar = try await registryOfficer(app)
            let ban = try await app.entryBans.add(
                .init(citizenship: "UZ", passportNumber: "zz 765-43 21", birthDate: "1985-03-03", from: "2025-01-01", legalBasis: "114-FZ art. 27"),
                by: registrar
            )

            // check: the row holds the index and a sealed number, not the number
            let sql = try #require(app.db as? any SQLDatabase)
            let row = try #require(try await sql.select().column("passport_number").column("passport_index").column("birth_date")
                .from(EntryBan.schema).first())
            let number = try row.decode(column: "passport_number", as: String.self)
            #expect(DataKeyring.keyID(of: number) == app.dataKeyring.activeID && !number.contains("ZZ7654321"))
            #expect(DataKeyring.keyID(of: try row.decode(column: "birth_date", as: String.self)) == app.dataKeyring.activeID)
            #expect(try row.decode(column: "passport_index", as: String.self) == app.dataKeyring.blindIndex(passport: "ZZ7654321"))

            // act / check: the check and the officers' search find it by the number, however it is typed
            let uz = try #require(CountryCode(rawValue: "UZ"))
            let today = try #require(CalendarDate("2026-11-18"))
            let subject = EntryBanSubject(citizenship: uz, passportNumber: "ZZ-7654321", name: "Кто-то", birthDate: nil)
            #expect(try await app.entryBans.bans(naming: subject, on: today).map(\.id) == [try ban.requireID().uuidString.lowercased()])
            let other = EntryBanSubject(citizenship: uz, passportNumber: "ZZ7654322", name: "Кто-то", birthDate: nil)
            #expect(try await app.entryBans.bans(naming: other, on: today).isEmpty)
            #expect(try await app.entryBans.list(search: "zz7654321", limit: 10, by: registrar).bans.map(\.passportNumber) == ["ZZ7654321"])
        }
    }

    @Test func anAlteredValueIsAClearErrorNotACrash() async throws {
        try await withTestApp { app in
            // setup
            try await app.signUp(email: "aziz@example.uz")
            let token = try await app.token(email: "aziz@example.uz")
            let saved = try await app.api(.PUT, "/profile", raw: #"{"birthDate":"1990-05-14","passportNumber":"AB3456789","passportExpiresOn":"2031-08-20"}"#, token: token)
            #expect(saved.status == .ok, "\(saved.text)")
            let sql = try #require(app.db as? any SQLDatabase)
            let row = try #require(try await sql.select().column("passport_number").from(SpecialistProfile.schema).first())
            let sealed = try row.decode(column: "passport_number", as: String.self)
            let prefix = "v1:\(app.dataKeyring.activeID):"
            let body = sealed.dropFirst(prefix.count)
            let altered = prefix + (body.first == "A" ? "B" : "A") + body.dropFirst()

            // act
            try await sql.update(SpecialistProfile.schema).set("passport_number", to: altered).run()

            // check: loading names the field and the cause; the API answers 500 and keeps serving
            do {
                _ = try await SpecialistProfile.query(on: app.db).first()
                Issue.record("an altered value loaded")
            } catch {
                let text = String(describing: error)
                #expect(text.contains("passport_number") && text.contains("altered"), "\(text)")
                #expect(!text.contains("AB3456789"))
            }
            #expect(try await app.api(.GET, "/profile", token: token).status == .internalServerError)
            #expect(try await app.api(.GET, "/me", token: token).status == .ok)
        }
    }

    // MARK: The migration

    @Test func theMigrationSealsPlainRowsInPlaceAndItsRevertOpensThem() async throws {
        try await withTestApp { app in
            // setup: the world, then opened back to plain as before sealing existed
            _ = try await sealedWorld(app)
            let migration = SealPersonalData(keys: app.dataKeys, dataDirectory: app.caravanConfiguration.dataDirectory)
            try await migration.revert(on: app.db)
            let plain = try await rawPersonalData(app)
            #expect(plain.keyIDs.isEmpty && plain.text.contains("AB3456789") && plain.text.contains("Дилноза Каримова"))
            #expect(plain.files.allSatisfy { $0.starts(with: Data("%PDF".utf8)) })

            // act
            try await migration.prepare(on: app.db)

            // check
            let sealed = try await rawPersonalData(app)
            for secret in Self.plainSecrets { #expect(!sealed.text.contains(secret), "\(secret) is stored in plain") }
            let expected = 4 + 3 + 12 + 2
            #expect(sealed.keyIDs.count == expected)
            #expect(Set(sealed.keyIDs) == [app.dataKeyring.activeID])
            #expect(sealed.files.allSatisfy { DataKeyring.keyID(of: $0) == app.dataKeyring.activeID })
            let uz = try #require(CountryCode(rawValue: "UZ"))
            let subject = EntryBanSubject(citizenship: uz, passportNumber: "ZZ7654321", name: "x", birthDate: nil)
            #expect(try await app.entryBans.bans(naming: subject, on: try #require(CalendarDate("2026-11-18"))).count == 1)
        }
    }

    // MARK: Rotation

    @Test func rotationResealsEverythingUnderANewKeyAndOldValuesReadMeanwhile() async throws {
        try await withTestApp { app in
            // setup
            let caseID = try await sealedWorld(app)
            let old = app.dataKeyring.activeID

            // act
            let lines = Lines()
            let outcome = try await KeyRotation(app: app, batchSize: 2, output: { lines.append($0) }).run()

            // check: a new key, active, in the key file with the old one; everything under it
            guard case .done(let new, let newKey, let report) = outcome else { Issue.record("\(outcome)"); return }
            #expect(newKey && new != old && app.dataKeyring.activeID == new)
            #expect(report.changed >= 21 && !lines.all.isEmpty)
            guard case .file(let file) = app.caravanConfiguration.dataKeys else { Issue.record("no key file"); return }
            let onDisk = try DataKeyring.parse(try String(contentsOf: file, encoding: .utf8))
            #expect(onDisk.activeID == new && onDisk.keyIDs == [old, new])
            let stored = try await rawPersonalData(app)
            #expect(stored.keyIDs.count == 21 && Set(stored.keyIDs) == [new])
            #expect(stored.files.allSatisfy { DataKeyring.keyID(of: $0) == new })
            for secret in Self.plainSecrets { #expect(!stored.text.contains(secret)) }
            let permitCase = try #require(try await PermitCase.find(caseID, on: app.db))
            #expect(permitCase.persons.map(\.passportNumber) == ["FA0123456", "FA1123456", "FA2123456"])
            let uz = try #require(CountryCode(rawValue: "UZ"))
            let subject = EntryBanSubject(citizenship: uz, passportNumber: "ZZ7654321", name: "x", birthDate: nil)
            #expect(try await app.entryBans.bans(naming: subject, on: try #require(CalendarDate("2026-11-18"))).count == 1)

            // check: what is written now is sealed under the new key; a value under the old key still opens
            let profile = try #require(try await SpecialistProfile.query(on: app.db).first())
            profile.passportNumber = "AB3456780"
            try await profile.save(on: app.db)
            let sql = try #require(app.db as? any SQLDatabase)
            let row = try #require(try await sql.select().column("passport_number").from(SpecialistProfile.schema).first())
            #expect(DataKeyring.keyID(of: try row.decode(column: "passport_number", as: String.self)) == new)
            let underOld = try DataKeyring(keys: [(old, try #require(app.dataKeyring.keys[old]))], activeID: old, indexKey: app.dataKeyring.indexKey)
                .seal("AB3456781")
            try await sql.update(SpecialistProfile.schema).set("passport_number", to: underOld).run()
            #expect(try await SpecialistProfile.query(on: app.db).first()?.passportNumber == "AB3456781")
        }
    }

    @Test func aRotationStoppedAfterOneBatchIsFinishedByTheNextRun() async throws {
        try await withTestApp { app in
            // setup
            _ = try await sealedWorld(app)
            let old = app.dataKeyring.activeID

            // act: one row per batch, stopped after the first, as a crash would
            let first = try await KeyRotation(app: app, batchSize: 1, batchLimit: 1).run()

            // check: stopped, a new key made, values under both keys
            guard case .stopped(let new, let partial) = first else { Issue.record("\(first)"); return }
            #expect(!partial.finished && partial.batches == 1 && new != old)
            let halfway = try await rawPersonalData(app)
            #expect(Set(halfway.keyIDs).isSuperset(of: [old]) && halfway.keyIDs.count == 21)

            // act: run again
            let second = try await KeyRotation(app: app, batchSize: 1).run()

            // check: no third key; it finished under the key the first run made; what that run did is skipped
            guard case .done(let finishedUnder, let madeKey, let report) = second else { Issue.record("\(second)"); return }
            #expect(finishedUnder == new && !madeKey && app.dataKeyring.keyIDs == [old, new])
            #expect(report.found[new, default: 0] == partial.changed)
            // 21 values and one file (every upload was the same PDF, so one file by its hash).
            #expect(partial.changed > 0 && report.changed == 21 + 1 - partial.changed)
            let done = try await rawPersonalData(app)
            #expect(done.keyIDs.count == 21 && Set(done.keyIDs) == [new])
            #expect(done.files.allSatisfy { DataKeyring.keyID(of: $0) == new })
        }
    }

    // MARK: Helpers

    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    /// A specialist with a family, their birth date and passport on the profile, a case with every document
    /// uploaded and accepted (the officer read a passport number off each), and a ban naming a passport.
    func sealedWorld(_ app: Application) async throws -> UUID {
        let tests = PermitTests()
        let (aziz, officer, _, _, application) = try await tests.hired(app)
        try await aziz.get("/profile")
        #expect(try await aziz.post("/profile/identity", form: ["birthDate": "1990-05-14", "passportNumber": "AB3456789", "passportExpiresOn": "2031-08-20"]).status == .seeOther)
        try await aziz.get("/permits")
        #expect(try await aziz.post("/permits/open", form: ["application": application]).status == .seeOther)
        let caseID = try #require(try await PermitCase.query(on: app.db).first()?.requireID())
        let (azizToken, officerToken) = try await tests.tokens(app)
        try await tests.uploadEverything(app, case: caseID.uuidString.lowercased(), token: azizToken)
        #expect(try await tests.act(aziz, caseID, ["event": "submit"]).status == .seeOther)
        #expect(try await tests.act(officer, caseID, ["event": "start_review"]).status == .seeOther)
        try await tests.acceptEverything(app, case: caseID.uuidString.lowercased(), token: officerToken)
        _ = try await app.entryBans.add(
            .init(citizenship: "UZ", passportNumber: "ZZ7654321", birthDate: "1985-03-03", from: "2025-01-01", legalBasis: "114-FZ art. 27"),
            by: try await registryOfficer(app)
        )
        return caseID
    }

    func registryOfficer(_ app: Application) async throws -> User {
        try await EntryBanTests().officer(app, email: "registry-\(UUID().uuidString.prefix(8).lowercased())@example.org").0
    }

    func officerClient(_ app: Application) async throws -> WebClient {
        let web = WebClient(app, acceptLanguage: "en")
        try await web.get("/signin")
        try await web.post("/signin", form: ["email": "officer1@example.org", "password": "correct horse"])
        return web
    }

    /// Every personal column as the database holds it (JSON columns as text), the key ids named in them in order,
    /// and the document files' bytes.
    func rawPersonalData(_ app: Application) async throws -> (text: String, keyIDs: [String], files: [Data]) {
        let sql = try #require(app.db as? any SQLDatabase)
        var text = ""
        for table in PersonalDataSweep.tables {
            let columns = table.text + table.json.map { "CAST(\($0.column) AS TEXT) AS \($0.column)" }
            let rows = try await sql.raw("SELECT \(unsafeRaw: columns.joined(separator: ", ")) FROM \(unsafeRaw: table.name)").all()
            for row in rows {
                for column in table.text + table.json.map(\.column) {
                    text += (try row.decode(column: column, as: String?.self) ?? "") + "\n"
                }
            }
        }
        let pattern = try Regex(#"v1:([A-Za-z0-9_-]+):"#)
        let keyIDs = text.matches(of: pattern).map { String(text[$0.range].dropFirst(3).dropLast()) }
        let files = try await PermitDocumentFile.query(on: app.db).all().compactMap {
            FileManager.default.contents(atPath: PermitDocumentFile.url($0.sha256, in: app.caravanConfiguration.dataDirectory).path)
        }
        return (text, keyIDs, files)
    }
}
