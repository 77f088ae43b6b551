import Crypto
import Foundation

/// The arithmetic of the chain, apart from storage so it is tested directly.
enum AuditChain {
    /// The `previous_hash` of the first event.
    static let genesis = String(repeating: "0", count: 64)

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Canonical JSON: sorted keys, no extra whitespace, so the same payload always has the same digest.
    static func canonicalPayload(_ payload: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(payload)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func hash(previousHash: String, sequence: Int64, occurredAtMilliseconds: Int64,
                     actor: String, action: String, subject: String, payloadDigest: String) -> String {
        // A unit separator (U+001F) cannot occur in any field, so no two different rows join to the same text.
        let fields = [previousHash, String(sequence), String(occurredAtMilliseconds), actor, action, subject, payloadDigest]
        return digest(fields.joined(separator: "\u{1F}"))
    }

    /// The outcome of checking a chain from its first event.
    enum Verification: Equatable {
        case intact(count: Int)
        case broken(sequence: Int64, reason: String)
    }

    struct Link {
        let sequence: Int64
        let occurredAtMilliseconds: Int64
        let actor: String
        let action: String
        let subject: String
        let payload: String
        let payloadDigest: String
        let previousHash: String
        let hash: String
    }

    /// Checks links in sequence order; stops at the first one that does not hold.
    /// A long chain is checked page by page: pass the last checked sequence and hash to continue.
    static func verify(
        _ links: some Sequence<Link>, after lastSequence: Int64 = 0, previousHash: String = genesis
    ) -> Verification {
        var expectedPrevious = previousHash
        var expectedSequence: Int64 = lastSequence + 1
        var count = 0
        for link in links {
            if link.sequence != expectedSequence {
                return .broken(sequence: link.sequence, reason: "expected event \(expectedSequence) here: an event is missing or out of order")
            }
            if link.previousHash != expectedPrevious {
                return .broken(sequence: link.sequence, reason: "its previous_hash does not match the hash of event \(expectedSequence - 1)")
            }
            if digest(link.payload) != link.payloadDigest {
                return .broken(sequence: link.sequence, reason: "its payload does not match its payload_digest")
            }
            let recomputed = hash(
                previousHash: link.previousHash, sequence: link.sequence, occurredAtMilliseconds: link.occurredAtMilliseconds,
                actor: link.actor, action: link.action, subject: link.subject, payloadDigest: link.payloadDigest
            )
            if recomputed != link.hash {
                return .broken(sequence: link.sequence, reason: "its contents do not match its hash (the row was edited)")
            }
            expectedPrevious = link.hash
            expectedSequence += 1
            count += 1
        }
        return .intact(count: count)
    }
}
