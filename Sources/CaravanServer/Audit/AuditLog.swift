import Fluent
import FluentSQL
import Foundation
import Vapor

/// What is being recorded. `actor` and `subject` are identifiers, never names or addresses.
struct AuditEntry: Sendable {
    var actor: String
    var action: String
    var subject: String
    var payload: [String: String] = [:]

    static func user(_ id: UUID?) -> String { "user:\(id?.uuidString.lowercased() ?? "unknown")" }
}

/// Appends to and verifies the audit chain.
struct AuditLog: Sendable {
    let now: @Sendable () -> Date

    /// Appends one event. Call inside the transaction that makes the change, so both land or neither does.
    ///
    /// On PostgreSQL a transaction-scoped advisory lock serialises appenders across processes; on SQLite
    /// the database has one writer. The unique `sequence` is the last line of defence either way.
    func append(_ entry: AuditEntry, on database: any Database) async throws {
        if let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" {
            // 0x43415241 is "CARA": an arbitrary key private to this table's appenders.
            try await sql.raw("SELECT pg_advisory_xact_lock(1128354369)").run()
        }
        let last = try await AuditEvent.query(on: database).sort(\.$sequence, .descending).first()
        let sequence = (last?.sequence ?? 0) + 1
        let previousHash = last?.hash ?? AuditChain.genesis
        let milliseconds = Int64((now().timeIntervalSince1970 * 1000).rounded(.down))
        let payload = AuditChain.canonicalPayload(entry.payload)
        let payloadDigest = AuditChain.digest(payload)
        let hash = AuditChain.hash(
            previousHash: previousHash, sequence: sequence, occurredAtMilliseconds: milliseconds,
            actor: entry.actor, action: entry.action, subject: entry.subject, payloadDigest: payloadDigest
        )
        try await AuditEvent(
            sequence: sequence, occurredAtMilliseconds: milliseconds, actor: entry.actor, action: entry.action,
            subject: entry.subject, payload: payload, payloadDigest: payloadDigest, previousHash: previousHash, hash: hash
        ).create(on: database)
    }

    /// Reads the whole chain in pages (so a long log does not sit in memory at once) and checks every link.
    func verify(on database: any Database) async throws -> AuditChain.Verification {
        var lastSequence: Int64 = 0
        var lastHash = AuditChain.genesis
        var total = 0
        // 1,000 rows a page keeps memory flat for any log size at a thousand queries per million events.
        let pageSize = 1000
        while true {
            let page = try await AuditEvent.query(on: database)
                .filter(\.$sequence > lastSequence)
                .sort(\.$sequence, .ascending)
                .limit(pageSize)
                .all()
            guard let last = page.last else { break }
            let links = page.map {
                AuditChain.Link(
                    sequence: $0.sequence, occurredAtMilliseconds: $0.occurredAtMilliseconds, actor: $0.actor,
                    action: $0.action, subject: $0.subject, payload: $0.payload, payloadDigest: $0.payloadDigest,
                    previousHash: $0.previousHash, hash: $0.hash
                )
            }
            switch AuditChain.verify(links, after: lastSequence, previousHash: lastHash) {
            case .broken(let sequence, let reason):
                return .broken(sequence: sequence, reason: reason)
            case .intact(let count):
                total += count
            }
            lastSequence = last.sequence
            lastHash = last.hash
        }
        return .intact(count: total)
    }
}
