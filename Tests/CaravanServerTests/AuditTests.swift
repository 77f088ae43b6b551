import CaravanDomain
@testable import CaravanServer
import Fluent
import FluentSQL
import Foundation
import Testing
import Vapor

@Suite struct AuditChainTests {
    func link(_ sequence: Int64, previous: String, actor: String = "system", payload: String = "{}") -> AuditChain.Link {
        let digest = AuditChain.digest(payload)
        let hash = AuditChain.hash(previousHash: previous, sequence: sequence, occurredAtMilliseconds: 1000 * sequence,
                                   actor: actor, action: "test", subject: "s", payloadDigest: digest)
        return AuditChain.Link(sequence: sequence, occurredAtMilliseconds: 1000 * sequence, actor: actor, action: "test", subject: "s",
                               payload: payload, payloadDigest: digest, previousHash: previous, hash: hash)
    }

    func chain(_ count: Int) -> [AuditChain.Link] {
        var links: [AuditChain.Link] = []
        var previous = AuditChain.genesis
        for sequence in 1...Int64(count) {
            let next = link(sequence, previous: previous)
            links.append(next)
            previous = next.hash
        }
        return links
    }

    @Test func anIntactChainVerifies() {
        #expect(AuditChain.verify(chain(5)) == .intact(count: 5))
        #expect(AuditChain.verify([]) == .intact(count: 0))
    }

    @Test func anEditedMissingOrReorderedLinkIsFound() {
        var edited = chain(5)
        let original = edited[2]
        edited[2] = AuditChain.Link(sequence: 3, occurredAtMilliseconds: original.occurredAtMilliseconds, actor: "someone else",
                                    action: original.action, subject: original.subject, payload: original.payload,
                                    payloadDigest: original.payloadDigest, previousHash: original.previousHash, hash: original.hash)
        if case .broken(let sequence, _) = AuditChain.verify(edited) { #expect(sequence == 3) } else { Issue.record("edit not found") }

        var missing = chain(5)
        missing.remove(at: 1)
        if case .broken(let sequence, _) = AuditChain.verify(missing) { #expect(sequence == 3) } else { Issue.record("gap not found") }

        var payload = chain(3)
        let last = payload[2]
        payload[2] = AuditChain.Link(sequence: 3, occurredAtMilliseconds: last.occurredAtMilliseconds, actor: last.actor, action: last.action,
                                     subject: last.subject, payload: #"{"role":"admin"}"#, payloadDigest: last.payloadDigest,
                                     previousHash: last.previousHash, hash: last.hash)
        if case .broken(let sequence, let reason) = AuditChain.verify(payload) {
            #expect(sequence == 3)
            #expect(reason.contains("payload"))
        } else { Issue.record("payload edit not found") }
    }

    @Test func canonicalPayloadsDoNotDependOnInsertionOrder() {
        #expect(AuditChain.canonicalPayload(["b": "2", "a": "1"]) == #"{"a":"1","b":"2"}"#)
    }
}

@Suite struct AuditLogTests {
    @Test func accountEventsAreChainedAndAHandEditIsCaught() async throws {
        try await withTestApp { app in
            // setup: sign-up, sign-in, an admin's role change
            try await app.signUp(email: "worker@example.tj")
            _ = try await app.token(email: "worker@example.tj")
            let admin = try await AccountService(app: app).create(
                .init(email: "root@example.org", password: "correct horse", displayName: "Root", role: "admin"), by: nil, asOperator: true
            )
            let worker = try #require(try await User.query(on: app.db).filter(\.$email == "worker@example.tj").first())
            try await AccountService(app: app).changeRole(of: worker, to: .employer, by: admin)

            // check: every event is there, in order, linked
            let events = try await AuditEvent.query(on: app.db).sort(\.$sequence).all()
            #expect(events.map(\.action) == ["account.created", "account.signed-in", "account.created", "account.role-changed"])
            #expect(events.last?.payload == #"{"from":"specialist","to":"employer"}"#)
            #expect(!events.contains { $0.payload.contains("worker@") || $0.actor.contains("@") })
            #expect(try await AuditLog(now: { Date() }).verify(on: app.db) == .intact(count: 4))

            // act: someone edits a row by hand
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw("UPDATE audit_events SET payload = '{\"from\":\"specialist\",\"to\":\"admin\"}', payload_digest = \(bind: AuditChain.digest(#"{"from":"specialist","to":"admin"}"#)) WHERE sequence = 4").run()

            // check: the edit is found at its row
            let result = try await AuditLog(now: { Date() }).verify(on: app.db)
            guard case .broken(let sequence, _) = result else {
                Issue.record("tampering was not detected: \(result)")
                return
            }
            #expect(sequence == 4)
        }
    }

    @Test func anAdminCannotChangeTheirOwnRoleAndOthersCannotChangeAny() async throws {
        try await withTestApp { app in
            let service = AccountService(app: app)
            let admin = try await service.create(.init(email: "a@example.org", password: "correct horse", displayName: "A", role: "admin"), by: nil, asOperator: true)
            let officer = try await service.create(.init(email: "o@example.org", password: "correct horse", displayName: "O", role: "migration_officer"), by: admin)
            await #expect(throws: AppError.self) { try await service.changeRole(of: admin, to: .specialist, by: admin) }
            await #expect(throws: AppError.self) { try await service.changeRole(of: admin, to: .specialist, by: officer) }
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "account.role-changed").count() == 0)
        }
    }
}
