import CaravanCentres
import CaravanDomain
import CaravanPermits
import CaravanRegistry
@testable import CaravanServer
import Crypto
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Digital residency end to end through the API: apply, the registry's checks and decision, a passkey registered
/// and a document signed with it, the signed file checked (and tampered with), revocation; every way a WebAuthn
/// answer can be wrong refused with its own reason and audited; the races on both databases.
@Suite(.serialized) struct ResidencyTests {
    static let photo = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 64)).base64EncodedString()

    struct Overview: Decodable {
        struct Application: Decodable {
            let id: String
            let status: String
            let decideBy: String
            let residencyNumber: String?
            let checks: Checks?
        }

        struct Checks: Decodable {
            let identityVerified: Bool
            let entryBan: String
            let mayApprove: Bool?
        }

        struct Resident: Decodable {
            let number: String
            let status: String
            let validUntil: String
        }

        let application: Application?
        let resident: Resident?
    }

    struct Options: Decodable {
        let challengeId: String
        let challenge: String
        let rpId: String
    }

    struct Document: Decodable {
        struct Verification: Decodable {
            let valid: Bool
            let verdict: String
            let revoked: Bool
        }

        let id: String
        let canonical: String
        let signed: Bool
        let verification: Verification?
    }

    /// An admin, a registry officer and a specialist with tokens.
    struct People {
        let officer: String
        let specialist: String
        let specialistID: UUID
        let officerUser: User
    }

    static func people(_ app: Application, email: String = "aibek@example.org") async throws -> People {
        let admin = try await AccountService(app: app).create(
            .init(email: "admin@example.org", password: "correct horse", displayName: "Admin", role: "admin"), by: nil, asOperator: true)
        let officer = try await AccountService(app: app).create(
            .init(email: "registry@example.org", password: "correct horse", displayName: "Марат", role: "registry_officer"), by: admin)
        let account = try await app.signUp(email: email, name: "Айбек")
        return People(officer: try await app.token(email: "registry@example.org"), specialist: try await app.token(email: email),
                      specialistID: UUID(uuidString: account.id)!, officerUser: officer)
    }

    static func application(passportExpires: String = "2031-01-01", birthDate: String = "1994-03-11", citizenship: String = "KG") -> String {
        #"{"nameOriginal":"Айбек Токтогулов","nameLatin":"toktogulov aibek","birthDate":"\#(birthDate)","citizenship":"\#(citizenship)","passportNumber":"ID 123-4567","passportExpiresOn":"\#(passportExpires)","reason":"found-company","photo":"\#(photo)"}"#
    }

    /// The account holder's identity checked in person at the Bishkek centre, through the centres' own service: an
    /// identity-verification visit booked, the day of the visit comes, the desk marks it done.
    static func identityChecked(_ app: Application, _ userID: UUID, clock: TestClock) async throws {
        let centres = CentreBookingService(app: app, database: app.db)
        var staff = try await User.query(on: app.db).filter(\.$email == "desk.bishkek@example.org").first()
        if staff == nil {
            let admin = try #require(try await User.query(on: app.db).filter(\.$role == Role.admin.rawValue).first())
            staff = try await AccountService(app: app).create(
                .init(email: "desk.bishkek@example.org", password: "correct horse", displayName: "Desk", role: "centre_staff"), by: admin)
            try await centres.assign(try staff!.requireID(), to: "bishkek", by: admin)
        }
        let user = try #require(try await User.find(userID, on: app.db))
        let bishkek = try #require(app.centres.centre("bishkek"))
        let start = try #require(try await centres.nextFree(.identityVerification, at: bishkek, limit: 1).first).start
        let booking = try await centres.book(BookingRequest(centre: "bishkek", service: "identity_verification", start: start, persons: ["p0"]), by: user)[0]
        let wait = TimeInterval(start) - clock.now.timeIntervalSince1970
        if wait > 0 { clock.advance(by: wait + 60) }
        _ = try await centres.mark(try booking.requireID(), as: "arrived", by: try #require(staff))
        _ = try await centres.mark(try booking.requireID(), as: "done", by: try #require(staff))
    }

    /// Applied, checked and approved: the residency number.
    static func resident(_ app: Application, _ people: People, clock: TestClock) async throws -> String {
        let applied = try await app.api(.POST, "/me/residency/application", raw: application(), token: people.specialist)
        #expect(applied.status == .created, "\(applied.text)")
        let id = try applied.json(Overview.Application.self).id
        try await identityChecked(app, people.specialistID, clock: clock)
        let approved = try await app.api(.POST, "/registry/residency-applications/\(id)/decision", raw: #"{"decision":"approve"}"#, token: people.officer)
        #expect(approved.status == .ok, "\(approved.text)")
        return try approved.json(Overview.Application.self).residencyNumber ?? ""
    }

    static func registerPasskey(_ app: Application, _ people: People, _ device: SoftAuthenticator) async throws {
        let options = try await app.api(.POST, "/me/residency/passkey-options", token: people.specialist).json(Options.self)
        var answer = device.register(challenge: options.challenge)
        answer["challengeId"] = options.challengeId
        answer["label"] = "Phone"
        let registered = try await app.api(.POST, "/me/residency/passkeys", json: answer, token: people.specialist)
        #expect(registered.status == .created, "\(registered.text)")
    }

    static func newDocument(_ app: Application, _ people: People) async throws -> String {
        let made = try await app.api(.POST, "/me/residency/documents", json: ["title": "Declaration", "text": "I sign this."], token: people.specialist)
        #expect(made.status == .created, "\(made.text)")
        return try made.json(Document.self).id
    }

    static func signingOptions(_ app: Application, _ people: People, _ document: String) async throws -> Options {
        try await app.api(.POST, "/me/residency/documents/\(document)/signing-options", token: people.specialist).json(Options.self)
    }

    static func problemType(_ response: TestingHTTPResponse) -> String {
        (try? response.json(ProblemBody.self).type) ?? response.text
    }

    @Test func applyCheckApproveRegisterSignVerifyRevoke() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let people = try await Self.people(app)
            // Apply: the decision date is 15 working days on the production calendar.
            let applied = try await app.api(.POST, "/me/residency/application", raw: Self.application(), token: people.specialist)
            #expect(applied.status == .created, "\(applied.text)")
            let application = try applied.json(Overview.Application.self)
            let today = CalendarDate(app.dependencies.now(), in: PermitRegistry.moscow)
            #expect(application.decideBy == (try app.permitRegistry.calendar.adding(workingDays: 15, to: today)).description)

            // The registry cannot approve before the identity is verified: the check is found by code, not typed in.
            let early = try await app.api(.POST, "/registry/residency-applications/\(application.id)/decision", raw: #"{"decision":"approve"}"#, token: people.officer)
            #expect(early.status == .conflict)
            #expect(Self.problemType(early) == "urn:caravan:problem:residency-identity-unverified")
            let viewed = try await app.api(.GET, "/registry/residency-applications/\(application.id)", token: people.officer).json(Overview.Application.self)
            #expect(viewed.checks?.identityVerified == false)
            #expect(viewed.checks?.entryBan == "clear")
            try await Self.identityChecked(app, people.specialistID, clock: clock)
            let checked = try await app.api(.GET, "/registry/residency-applications/\(application.id)", token: people.officer).json(Overview.Application.self)
            #expect(checked.checks?.identityVerified == true && checked.checks?.mayApprove == true)
            let approved = try await app.api(.POST, "/registry/residency-applications/\(application.id)/decision", raw: #"{"decision":"approve"}"#, token: people.officer)
            #expect(approved.status == .ok, "\(approved.text)")
            let number = try #require(try approved.json(Overview.Application.self).residencyNumber)
            #expect(ResidencyNumber.isWellFormed(number))
            // Deciding twice is refused; the applicant was told.
            let again = try await app.api(.POST, "/registry/residency-applications/\(application.id)/decision", raw: #"{"decision":"refuse","ground":"security"}"#, token: people.officer)
            #expect(Self.problemType(again) == "urn:caravan:problem:residency-decided")
            #expect(try await Notice.query(on: app.db).filter(\.$kind == "notice.residency.approved").count() == 1)

            // A passkey, then the card lists its fingerprint under the registry's signature.
            var device = SoftAuthenticator()
            try await Self.registerPasskey(app, people, device)
            let card = try await app.api(.GET, "/me/residency/card", token: people.specialist)
            let signedCard = try JSONDecoder().decode(ResidencyCard.Signed.self, from: Data(card.body.readableBytesView))
            #expect(signedCard.card.keys.map(\.fingerprint) == [Data(SHA256.hash(data: device.key.publicKey.derRepresentation)).map { String(format: "%02x", $0) }.joined()])
            #expect(ResidencyCard.verify(signedCard, trusting: app.residencyRegistry.publicKey, today: today) == .valid)

            // Sign a document; the evidence verifies on the server and offline.
            let document = try await Self.newDocument(app, people)
            let options = try await Self.signingOptions(app, people, document)
            var answer = try device.assert(challenge: options.challenge)
            answer["challengeId"] = options.challengeId
            let signed = try await app.api(.POST, "/me/residency/documents/\(document)/signature", json: answer, token: people.specialist)
            #expect(signed.status == .ok, "\(signed.text)")
            let signedDocument = try signed.json(Document.self)
            #expect(signedDocument.verification?.valid == true)
            let row = try #require(try await ResidencyDocument.find(UUID(uuidString: document), on: app.db))
            let file = try #require(row.signed)
            #expect(SignedDocumentFile.verify(file, registryKey: app.residencyRegistry.publicKey, relyingParty: app.residencyRegistry.relyingParty) == .valid)

            // The public check: valid; a changed letter in the document or the signature fails with its reason.
            let encoder = JSONEncoder()
            let publicCheck = try await app.api(.POST, "/signed-documents/verification", raw: String(decoding: try encoder.encode(file), as: UTF8.self))
            #expect(publicCheck.text.contains(#""valid":true"#), "\(publicCheck.text)")
            let altered = SignedDocumentFile(
                document: file.document.replacingOccurrences(of: "I sign this.", with: "I sign that."), nonce: file.nonce, relyingPartyID: file.relyingPartyID,
                origin: file.origin, credential: file.credential, authenticatorData: file.authenticatorData, clientDataJSON: file.clientDataJSON,
                signature: file.signature, signedAt: file.signedAt, card: file.card
            )
            #expect(SignedDocumentFile.verify(altered, registryKey: app.residencyRegistry.publicKey, relyingParty: app.residencyRegistry.relyingParty) == .documentAltered)
            var signatureBytes = try #require(Base64URL.decode(file.signature))
            signatureBytes[signatureBytes.count - 3] ^= 0x01
            let forged = SignedDocumentFile(
                document: file.document, nonce: file.nonce, relyingPartyID: file.relyingPartyID, origin: file.origin, credential: file.credential,
                authenticatorData: file.authenticatorData, clientDataJSON: file.clientDataJSON, signature: Base64URL.encode(signatureBytes),
                signedAt: file.signedAt, card: file.card
            )
            #expect([.signatureInvalid, .malformed].contains(SignedDocumentFile.verify(forged, registryKey: app.residencyRegistry.publicKey, relyingParty: app.residencyRegistry.relyingParty)))
            let alteredCheck = try await app.api(.POST, "/signed-documents/verification", raw: String(decoding: try encoder.encode(altered), as: UTF8.self))
            #expect(alteredCheck.text.contains(#""verdict":"document-altered""#), "\(alteredCheck.text)")

            // A signature made outside Caravan with the resident's own key (any text, a fresh nonce) checks out offline
            // but the registry has no record of it.
            let stray = SignableDocument(id: UUID().uuidString.lowercased(), kind: "declaration", title: "Not through Caravan", signer: number,
                                         createdOn: file.card.card.issuedOn, text: ["I owe nothing."])
            let strayNonce = Data(repeating: 7, count: 16)
            let strayAnswer = try device.assert(challenge: Base64URL.encode(stray.challenge(nonce: strayNonce)))
            let strayFile = SignedDocumentFile(
                document: stray.canonicalText, nonce: Base64URL.encode(strayNonce), relyingPartyID: file.relyingPartyID, origin: file.origin,
                credential: file.credential, authenticatorData: try #require(strayAnswer["authenticatorData"]),
                clientDataJSON: try #require(strayAnswer["clientDataJSON"]), signature: try #require(strayAnswer["signature"]),
                signedAt: file.signedAt, card: file.card
            )
            #expect(SignedDocumentFile.verify(strayFile, registryKey: app.residencyRegistry.publicKey, relyingParty: app.residencyRegistry.relyingParty) == .valid)
            let strayCheck = try await app.api(.POST, "/signed-documents/verification", raw: String(decoding: try encoder.encode(strayFile), as: UTF8.self))
            #expect(strayCheck.text.contains(#""verdict":"not-on-record""#) && strayCheck.text.contains(#""valid":false"#), "\(strayCheck.text)")

            // Revocation shows at once, in the card's check and the document's.
            let revoked = try await app.api(.POST, "/residents/\(number)/revocation", raw: #"{"ground":"key-compromised"}"#, token: people.officer)
            #expect(revoked.status == .ok, "\(revoked.text)")
            let cardCheck = try await app.api(.GET, "/residents/\(number)/verification")
            #expect(cardCheck.text.contains(#""revoked":true"#) && cardCheck.text.contains(#""valid":false"#), "\(cardCheck.text)")
            let afterRevocation = try await app.api(.GET, "/me/residency/documents/\(document)", token: people.specialist).json(Document.self)
            #expect(afterRevocation.verification?.valid == false && afterRevocation.verification?.revoked == true)
            let another = try await app.api(.POST, "/me/residency/documents", json: ["title": "Second", "text": "More."], token: people.specialist)
            #expect(Self.problemType(another) == "urn:caravan:problem:residency-revoked")

            // Every decision is in the audit chain, and the chain holds.
            let actions = Set(try await AuditEvent.query(on: app.db).all().map(\.action))
            for action in ["residency.applied", "residency.approved", "residency.passkey-added", "residency.document-signed", "residency.revoked"] {
                #expect(actions.contains(action), "\(action) missing from the audit chain")
            }
            guard case .intact = try await AuditLog(now: app.dependencies.now).verify(on: app.db) else {
                Issue.record("the audit chain is broken")
                return
            }
        }
    }

    @Test func everyWrongAnswerIsRefusedWithItsReasonAndAudited() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let people = try await Self.people(app)
            _ = try await Self.resident(app, people, clock: clock)
            var device = SoftAuthenticator()

            // Registration: another origin, another RP id, no user verification, a replayed challenge.
            func registration(_ tweak: (String) -> [String: String]) async throws -> TestingHTTPResponse {
                let options = try await app.api(.POST, "/me/residency/passkey-options", token: people.specialist).json(Options.self)
                var answer = tweak(options.challenge)
                answer["challengeId"] = options.challengeId
                answer["label"] = "Phone"
                return try await app.api(.POST, "/me/residency/passkeys", json: answer, token: people.specialist)
            }
            let wrongOrigin = try await registration { device.register(challenge: $0, origin: "https://evil.example") }
            #expect(wrongOrigin.status == .unprocessableEntity)
            #expect(Self.problemType(wrongOrigin) == "urn:caravan:problem:webauthn-origin")
            let wrongRP = try await registration { device.register(challenge: $0, rpID: "evil.example") }
            #expect(Self.problemType(wrongRP) == "urn:caravan:problem:webauthn-rp-id")
            let unverified = try await registration { device.register(challenge: $0, userVerified: false) }
            #expect(Self.problemType(unverified) == "urn:caravan:problem:webauthn-user-not-verified")
            #expect(try await Passkey.query(on: app.db).count() == 0)
            try await Self.registerPasskey(app, people, device)

            let first = try await Self.newDocument(app, people)
            let second = try await Self.newDocument(app, people)
            func sign(_ document: String, _ answer: [String: String]) async throws -> TestingHTTPResponse {
                try await app.api(.POST, "/me/residency/documents/\(document)/signature", json: answer, token: people.specialist)
            }

            // An assertion made for another document's challenge.
            let forFirst = try await Self.signingOptions(app, people, first)
            var answer = try device.assert(challenge: forFirst.challenge)
            answer["challengeId"] = forFirst.challengeId
            let crossed = try await sign(second, answer)
            #expect(Self.problemType(crossed) == "urn:caravan:problem:webauthn-challenge-other-document")

            // Another origin; then a good one; then its replay.
            let options = try await Self.signingOptions(app, people, first)
            var foreign = try device.assert(challenge: options.challenge, origin: "https://evil.example")
            foreign["challengeId"] = options.challengeId
            #expect(Self.problemType(try await sign(first, foreign)) == "urn:caravan:problem:webauthn-origin")
            // A used challenge stays used, even when the answer was refused.
            var late = try device.assert(challenge: options.challenge)
            late["challengeId"] = options.challengeId
            #expect(Self.problemType(try await sign(first, late)) == "urn:caravan:problem:webauthn-challenge-used")

            // An expired challenge.
            let expiring = try await Self.signingOptions(app, people, first)
            clock.advance(by: 301)
            var stale = try device.assert(challenge: expiring.challenge)
            stale["challengeId"] = expiring.challengeId
            #expect(Self.problemType(try await sign(first, stale)) == "urn:caravan:problem:webauthn-challenge-expired")

            // A lowered sign count: the authenticator was copied.
            let good = try await Self.signingOptions(app, people, first)
            var fine = try device.assert(challenge: good.challenge, count: 50)
            fine["challengeId"] = good.challengeId
            #expect(try await sign(first, fine).status == .ok)
            let replayOptions = try await Self.signingOptions(app, people, second)
            var cloned = try device.assert(challenge: replayOptions.challenge, count: 10)
            cloned["challengeId"] = replayOptions.challengeId
            #expect(Self.problemType(try await sign(second, cloned)) == "urn:caravan:problem:webauthn-sign-count")

            // A signature by a key that is not the registered one.
            let thief = SoftAuthenticator()
            let stolen = try await Self.signingOptions(app, people, second)
            var forger = thief.withCredential(device.credentialID)
            var other = try forger.assert(challenge: stolen.challenge, count: 60)
            other["challengeId"] = stolen.challengeId
            #expect(Self.problemType(try await sign(second, other)) == "urn:caravan:problem:webauthn-signature")

            // Nothing half-saved: the second document is unsigned, and each refusal is a security event on record.
            let row = try #require(try await ResidencyDocument.find(UUID(uuidString: second), on: app.db))
            #expect(row.signedAt == nil && row.signedFile == nil)
            let refusals = try await AuditEvent.query(on: app.db).all().filter { $0.action.hasSuffix("-refused") }.map(\.payload)
            for reason in ["webauthn-origin", "webauthn-rp-id", "webauthn-user-not-verified", "webauthn-challenge-other-document",
                           "webauthn-challenge-used", "webauthn-challenge-expired", "webauthn-sign-count", "webauthn-signature"] {
                #expect(refusals.contains { $0.contains(reason) }, "no audited refusal for \(reason)")
            }
        }
    }

    @Test func badApplicationsAreRefusedAndSaveNothing() async throws {
        try await withTestApp { app in
            let people = try await Self.people(app)
            let expiring = try await app.api(.POST, "/me/residency/application", raw: Self.application(passportExpires: "2026-11-25"), token: people.specialist, language: "en")
            #expect(expiring.status == .unprocessableEntity)
            let expiringProblem = try expiring.json(ProblemBody.self)
            #expect(expiringProblem.errors?.map(\.code) == ["residency.passportExpiresBeforeDecision"])
            // The date is a date in words, not an ISO date.
            #expect(expiringProblem.errors?.first?.message.contains("202") == true && expiringProblem.errors?.first?.message.contains("-") == false)
            let minor = try await app.api(.POST, "/me/residency/application", raw: Self.application(birthDate: "2015-01-01"), token: people.specialist)
            #expect(try minor.json(ProblemBody.self).errors?.map(\.code) == ["residency.underAge"])
            let russian = try await app.api(.POST, "/me/residency/application", raw: Self.application(citizenship: "RU"), token: people.specialist)
            #expect(try russian.json(ProblemBody.self).errors?.map(\.code) == ["residency.russianCitizen"])
            let notAPhoto = Self.application().replacingOccurrences(of: Self.photo, with: Data("hello".utf8).base64EncodedString())
            let text = try await app.api(.POST, "/me/residency/application", raw: notAPhoto, token: people.specialist)
            #expect(try text.json(ProblemBody.self).errors?.map(\.code) == ["residency.photoType"])
            #expect(try await ResidencyApplication.query(on: app.db).count() == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "residency.applied").count() == 0)

            let employer = try await app.signUp(email: "hr@example.ru", name: "HR", role: "employer")
            _ = employer
            let hr = try await app.token(email: "hr@example.ru")
            #expect(try await app.api(.POST, "/me/residency/application", raw: Self.application(), token: hr).status == .forbidden)
            #expect(try await app.api(.GET, "/registry/residency-applications", token: people.specialist).status == .forbidden)

            #expect(try await app.api(.POST, "/me/residency/application", raw: Self.application(), token: people.specialist).status == .created)
            let second = try await app.api(.POST, "/me/residency/application", raw: Self.application(), token: people.specialist)
            #expect(Self.problemType(second) == "urn:caravan:problem:residency-application-open")
            #expect(try await ResidencyApplication.query(on: app.db).count() == 1)

            // An unknown ground, and a refusal on a listed one.
            let id = try await ResidencyApplication.query(on: app.db).first()!.requireID().uuidString.lowercased()
            let unknown = try await app.api(.POST, "/registry/residency-applications/\(id)/decision", raw: #"{"decision":"refuse","ground":"dislike"}"#, token: people.officer)
            #expect(Self.problemType(unknown) == "urn:caravan:problem:residency-ground-unknown")
            let refused = try await app.api(.POST, "/registry/residency-applications/\(id)/decision", raw: #"{"decision":"refuse","ground":"no-purpose"}"#, token: people.officer)
            #expect(refused.status == .ok)
            // After a refusal a new application may be made.
            #expect(try await app.api(.POST, "/me/residency/application", raw: Self.application(), token: people.specialist).status == .created)
        }
    }

    @Test func anEntryBanBlocksApproval() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let people = try await Self.people(app)
            let applied = try await app.api(.POST, "/me/residency/application", raw: Self.application(), token: people.specialist)
            let id = try applied.json(Overview.Application.self).id
            try await Self.identityChecked(app, people.specialistID, clock: clock)
            _ = try await EntryBanService(app: app, database: app.db).add(EntryBanInput(
                citizenship: "KG", passportNumber: "ID1234567", from: "2026-01-01", legalBasis: "114-FZ art. 27"
            ), by: people.officerUser)
            let blocked = try await app.api(.POST, "/registry/residency-applications/\(id)/decision", raw: #"{"decision":"approve"}"#, token: people.officer)
            #expect(Self.problemType(blocked) == "urn:caravan:problem:residency-entry-banned")
            #expect(try await Resident.query(on: app.db).count() == 0)
        }
    }

    /// Parallel requests, not two in a row: one open application per person, one decision per application, one
    /// signature per challenge — on SQLite here, and on PostgreSQL when `CARAVAN_TEST_DATABASE_URL` is set.
    @Test func racesEndWithOneWinner() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let people = try await Self.people(app)
            let applies = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await app.api(.POST, "/me/residency/application", raw: Self.application(), token: people.specialist).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(applies.filter { $0 == .created }.count == 1, "\(applies)")
            #expect(applies.filter { $0 == .conflict }.count == 7, "\(applies)")
            #expect(try await ResidencyApplication.query(on: app.db).count() == 1)

            let id = try await ResidencyApplication.query(on: app.db).first()!.requireID().uuidString.lowercased()
            try await Self.identityChecked(app, people.specialistID, clock: clock)
            let decisions = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for index in 0..<6 {
                    let body = index % 2 == 0 ? #"{"decision":"approve"}"# : #"{"decision":"refuse","ground":"no-purpose"}"#
                    group.addTask { try await app.api(.POST, "/registry/residency-applications/\(id)/decision", raw: body, token: people.officer).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(decisions.filter { $0 == .ok }.count == 1, "\(decisions)")
            let application = try #require(try await ResidencyApplication.find(UUID(uuidString: id), on: app.db))
            #expect(try await Resident.query(on: app.db).count() == (application.status == "approved" ? 1 : 0))
            guard application.status == "approved" else { return }

            // Six devices registered at once: the last card lists all six.
            let devices = (0..<6).map { _ in SoftAuthenticator() }
            var registrations: [[String: String]] = []
            for device in devices {
                let options = try await app.api(.POST, "/me/residency/passkey-options", token: people.specialist).json(Options.self)
                var answer = device.register(challenge: options.challenge)
                answer["challengeId"] = options.challengeId
                answer["label"] = "Device"
                registrations.append(answer)
            }
            let registered = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for answer in registrations {
                    group.addTask { try await app.api(.POST, "/me/residency/passkeys", json: answer, token: people.specialist).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(registered.allSatisfy { $0 == .created }, "\(registered)")
            let card = try await app.api(.GET, "/me/residency/card", token: people.specialist)
            let signedCard = try JSONDecoder().decode(ResidencyCard.Signed.self, from: Data(card.body.readableBytesView))
            #expect(signedCard.card.keys.count == 6 && signedCard.card.revision == 7, "\(signedCard.card)")
            #expect(ResidencyCard.verify(signedCard, trusting: app.residencyRegistry.publicKey, today: CalendarDate(clock.now, in: PermitRegistry.moscow)) == .valid)

            let device = devices[0]
            let document = try await Self.newDocument(app, people)
            let options = try await Self.signingOptions(app, people, document)
            var answers: [[String: String]] = []
            var copy = device
            for _ in 0..<6 {
                var answer = try copy.assert(challenge: options.challenge)
                answer["challengeId"] = options.challengeId
                answers.append(answer)
            }
            let signatures = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for answer in answers {
                    group.addTask { try await app.api(.POST, "/me/residency/documents/\(document)/signature", json: answer, token: people.specialist).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(signatures.filter { $0 == .ok }.count == 1, "\(signatures)")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "residency.document-signed").count() == 1)
        }
    }
}

extension SoftAuthenticator {
    /// Another key answering under a registered credential's id (a forged authenticator).
    func withCredential(_ id: Data) -> SoftAuthenticator {
        var copy = self
        copy.credentialID = id
        return copy
    }
}

extension ResidencyTests {
    /// The demo's residency, made through the same operations: the freelancer is a resident; the desk holds three
    /// applications — one checked at a centre, one not yet, one named by an entry ban — and loading again adds nothing.
    @Test func theDemoHasAResidentAndADeskWithEachKindOfCase() async throws {
        try await withTestApp { app in
            try await DemoDataset.load(on: app)
            let service = ResidencyService(app: app, database: app.db)
            let freelancer = try #require(try await User.query(on: app.db).filter(\.$email == "aibek.freelancer@demo.caravan.test").first())
            let resident = try #require(try await service.overview(of: freelancer).resident)
            #expect(resident.isActive && ResidencyNumber.isWellFormed(resident.number))
            let cofounder = try #require(try await User.query(on: app.db).filter(\.$email == "gulnara.cofounder@demo.caravan.test").first())
            #expect(try await service.overview(of: cofounder).resident?.isActive == true)
            let open = try await ResidencyApplication.query(on: app.db).filter(\.$status == "submitted").all()
            #expect(open.count == 3)
            var kinds: [String] = []
            for application in open {
                let checks = try await service.checks(for: application, on: app.db)
                kinds.append(checks.entryBan?.isBanned == true ? "banned" : checks.identity.isVerified ? "verified" : "unverified")
                // Names as the accounts have them, the Latin line in A–Z.
                #expect(application.nameLatin.allSatisfy { ($0.isASCII && $0.isLetter) || $0 == " " || $0 == "-" || $0 == "'" }, "\(application.nameLatin)")
            }
            #expect(kinds.sorted() == ["banned", "unverified", "verified"])
            try await DemoDataset.load(on: app)
            #expect(try await ResidencyApplication.query(on: app.db).count() == 5)
        }
    }

    /// `caravan verify` on what a resident downloads: the signed file (valid, then altered, then after revocation)
    /// and the residency number.
    @Test func theVerifyCommandChecksSignedFilesAndCards() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let people = try await Self.people(app)
            let number = try await Self.resident(app, people, clock: clock)
            var device = SoftAuthenticator()
            try await Self.registerPasskey(app, people, device)
            let document = try await Self.newDocument(app, people)
            let options = try await Self.signingOptions(app, people, document)
            var answer = try device.assert(challenge: options.challenge)
            answer["challengeId"] = options.challengeId
            #expect(try await app.api(.POST, "/me/residency/documents/\(document)/signature", json: answer, token: people.specialist).status == .ok)
            let row = try #require(try await ResidencyDocument.find(UUID(uuidString: document), on: app.db))
            let json = try #require(row.signedFile)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("verify-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let good = folder.appendingPathComponent("signed.json")
            try Data(json.utf8).write(to: good)
            let altered = folder.appendingPathComponent("altered.json")
            try Data(json.replacingOccurrences(of: "I sign this.", with: "I sign that.").utf8).write(to: altered)

            func verify(_ argument: String) async -> (Bool, String) {
                let console = RecordingConsole()
                var context = CommandContext(console: console, input: CommandInput(arguments: ["caravan", argument]))
                context.application = app
                do {
                    try await VerifyCommand().run(using: &context)
                    return (true, console.lines.joined(separator: "\n"))
                } catch {
                    return (false, "\(error)")
                }
            }
            let (valid, said) = await verify(good.path)
            #expect(valid && said.hasPrefix("valid: \"Declaration\" signed by resident \(number)"), "\(said)")
            let (alteredValid, alteredSaid) = await verify(altered.path)
            #expect(!alteredValid && alteredSaid.contains("changed after it was signed"), "\(alteredSaid)")
            let (cardValid, cardSaid) = await verify(number)
            #expect(cardValid && cardSaid.contains("1 passkey(s)"), "\(cardSaid)")
            #expect(try await app.api(.POST, "/residents/\(number)/revocation", raw: #"{"ground":"security"}"#, token: people.officer).status == .ok)
            let (revokedValid, revokedSaid) = await verify(good.path)
            #expect(!revokedValid && revokedSaid.contains("revoked"), "\(revokedSaid)")
            let (revokedCard, revokedCardSaid) = await verify(number)
            #expect(!revokedCard && revokedCardSaid.contains("revoked"), "\(revokedCardSaid)")
        }
    }

    /// The access table's residency: `specialist` applied, was checked at a centre, approved by
    /// `registry@example.org`, registered a passkey and signed a document — each through the API.
    static func fixture(_ app: Application, specialist: User, email: String) async throws -> [String: String] {
        let token = try await app.token(email: email)
        let officerToken = try await app.token(email: "registry@example.org")
        let officer = try #require(try await User.query(on: app.db).filter(\.$email == "registry@example.org").first())
        // The identity comes from his issued permit: the passport the officer read on it is the one he applies with.
        let permit = try #require(try await PermitCase.query(on: app.db).filter(\.$principal.$id == specialist.requireID())
            .filter(\.$permitNumber != nil).first())
        let holder = try #require(permit.persons.first { $0.id == "p0" })
        let body = application(birthDate: holder.birthDate.isEmpty ? "1994-03-11" : holder.birthDate).replacingOccurrences(of: "ID 123-4567", with: try #require(holder.passportNumber))
        let applied = try await app.api(.POST, "/me/residency/application", raw: body, token: token)
        #expect(applied.status == .created, "\(applied.text)")
        let applicationID = try applied.json(Overview.Application.self).id
        let approved = try await app.api(.POST, "/registry/residency-applications/\(applicationID)/decision", raw: #"{"decision":"approve"}"#, token: officerToken)
        #expect(approved.status == .ok, "\(approved.text)")
        let number = try approved.json(Overview.Application.self).residencyNumber ?? ""
        let people = People(officer: officerToken, specialist: token, specialistID: try specialist.requireID(), officerUser: officer)
        var device = SoftAuthenticator()
        try await registerPasskey(app, people, device)
        let document = try await newDocument(app, people)
        let options = try await signingOptions(app, people, document)
        var answer = try device.assert(challenge: options.challenge)
        answer["challengeId"] = options.challengeId
        let signed = try await app.api(.POST, "/me/residency/documents/\(document)/signature", json: answer, token: token)
        #expect(signed.status == .ok, "\(signed.text)")
        // A second device, for the page's removal (the API's removes the first).
        try await registerPasskey(app, people, SoftAuthenticator())
        let passkeys = try await Passkey.query(on: app.db).filter(\.$user.$id == specialist.requireID()).sort(\.$createdAt).all()
        #expect(passkeys.count == 2)
        return ["residencyApplication": applicationID, "residencyNumber": number, "residencyDocument": document,
                "passkey": try passkeys[0].requireID().uuidString.lowercased(), "passkeyPage": try passkeys[1].requireID().uuidString.lowercased()]
    }
}

/// The OKVED 2 lookup, as a person planning a company uses it: by code, by words in either language, and nonsense.
@Suite struct OkvedLookupTests {
    struct Found: Decodable {
        struct Entry: Decodable {
            let code: String
            let name: String
            let isIT: Bool
        }

        let edition: String
        let entries: [Entry]
    }

    @Test func codesAndWordsInBothLanguagesFindTheirActivity() async throws {
        try await withTestApp { app in
            let byCode = try await app.api(.GET, "/okved?q=62.01", language: "en").json(Found.self)
            #expect(byCode.entries.first?.code == "62.01" && byCode.entries.first?.isIT == true)
            #expect(!byCode.edition.isEmpty)
            let russian = try await app.api(.GET, "/okved?q=" + "разработка программного обеспечения".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!, language: "ru").json(Found.self)
            #expect(russian.entries.prefix(3).contains { $0.code == "62.01" }, "\(russian.entries.map(\.code))")
            #expect(russian.entries.first?.name.contains("программного") == true)
            let english = try await app.api(.GET, "/okved?q=software&limit=5", language: "en").json(Found.self)
            #expect(english.entries.contains { $0.code.hasPrefix("62") } && english.entries.count <= 5, "\(english.entries.map(\.code))")
            // Nonsense: nothing found is an empty list; a query past its length or a limit out of range is a 400.
            #expect(try await app.api(.GET, "/okved?q=zzzzqqq").json(Found.self).entries.isEmpty)
            #expect(try await app.api(.GET, "/okved?q=" + String(repeating: "a", count: 101)).status == .badRequest)
            #expect(try await app.api(.GET, "/okved?q=62&limit=500").status == .badRequest)
            // The page, without JavaScript or an account.
            let page = try await app.sendRequest(.GET, "/okved?q=62.01", headers: ["Accept-Language": "en"])
            #expect(page.status == .ok && page.body.string.contains("62.01") && page.body.string.contains("IT activity"))
        }
    }
}

/// The API holds to the schema's patterns where the domain is lenient for people typing into forms: what the fuzzer
/// found (`b1` for a CEFR level, `I*` for a passport number) is refused, not quietly normalised.
@Suite struct SchemaPatternTests {
    @Test func aLowerCaseLevelAndAStarInAPassportAreRefused() async throws {
        try await withTestApp { app in
            let hr = try await VacanciesTests().employer(app)
            let lower = VacanciesTests.javaVacancy.replacingOccurrences(of: #""minimumYears":3"#, with: #""minimumYears":3,"minimumRussian":"b1""#)
            let refused = try await app.api(.POST, "/vacancies", raw: lower, token: hr)
            #expect(refused.status == .unprocessableEntity && (try? refused.json(ProblemBody.self).errors?.first?.field) == "minimumRussian", "\(refused.text)")
            let upper = lower.replacingOccurrences(of: #""b1""#, with: #""B1""#)
            #expect(try await app.api(.POST, "/vacancies", raw: upper, token: hr).status == .created)

            let (_, registry) = try await EntryBanTests().officer(app)
            let starred = EntryBanTests.byPassport.replacingOccurrences(of: "AA 123-45 67", with: "I*")
            let ban = try await app.api(.POST, "/entry-bans", raw: starred, token: registry)
            #expect(ban.status == .unprocessableEntity && (try? ban.json(ProblemBody.self).errors?.first?.field) == "passportNumber", "\(ban.text)")
            let emptyUntil = EntryBanTests.byPassport.replacingOccurrences(of: #""from""#, with: #""until":"","from""#)
            let undated = try await app.api(.POST, "/entry-bans", raw: emptyUntil, token: registry)
            #expect(undated.status == .unprocessableEntity && (try? undated.json(ProblemBody.self).errors?.first?.field) == "until", "\(undated.text)")
            #expect(try await EntryBan.query(on: app.db).count() == 0)
            let cyrillic = EntryBanTests.byPassport.replacingOccurrences(of: "AA 123-45 67", with: "АБ 1234567")
            #expect(try await app.api(.POST, "/entry-bans", raw: cyrillic, token: registry).status == .created)
        }
    }
}
