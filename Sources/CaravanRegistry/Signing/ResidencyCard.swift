import CaravanPermits
import Crypto
import Foundation

/// The residency card: who the resident is, the card's number and validity, and the fingerprints of the passkeys
/// the resident signs with — signed by the registry's Ed25519 key. A new card is signed whenever the passkeys
/// change (its `revision` goes up); only the latest is the resident's card.
public struct ResidencyCard: Codable, Equatable, Sendable {
    public struct Key: Codable, Equatable, Sendable {
        /// `ES256` or `EdDSA`.
        public let algorithm: String
        /// Lower-case hex SHA-256 of the key's SubjectPublicKeyInfo.
        public let fingerprint: String

        public init(algorithm: String, fingerprint: String) {
            self.algorithm = algorithm
            self.fingerprint = fingerprint
        }
    }

    public let number: String
    /// As in the passport's Latin line.
    public let name: String
    public let citizenship: String
    public let issuedOn: String
    public let validUntil: String
    public let revision: Int
    public let keys: [Key]

    public init(number: String, name: String, citizenship: String, issuedOn: String, validUntil: String, revision: Int, keys: [Key]) {
        self.number = number
        self.name = name
        self.citizenship = citizenship
        self.issuedOn = issuedOn
        self.validUntil = validUntil
        self.revision = revision
        self.keys = keys.sorted { $0.fingerprint < $1.fingerprint }
    }

    /// The signed bytes: line-based and versioned, as the permit's, so any language can rebuild them.
    public var payload: Data {
        var lines = ["caravan-residency-card/1", "number=\(number)", "name=\(name)", "citizenship=\(citizenship)",
                     "issued=\(issuedOn)", "valid-until=\(validUntil)", "revision=\(revision)"]
        for key in keys { lines.append("key=\(key.algorithm):\(key.fingerprint)") }
        return Data(lines.joined(separator: "\n").utf8)
    }

    /// The card as a holder downloads it and anyone checks it.
    public struct Signed: Codable, Equatable, Sendable {
        public let card: ResidencyCard
        /// Base64 Ed25519 signature over `card.payload`.
        public let signature: String
        /// Base64 raw public key of the registry that signed it.
        public let publicKey: String

        public init(card: ResidencyCard, signature: String, publicKey: String) {
            self.card = card
            self.signature = signature
            self.publicKey = publicKey
        }
    }

    public static func sign(_ card: ResidencyCard, with key: Curve25519.Signing.PrivateKey) throws -> Signed {
        Signed(card: card, signature: try key.signature(for: card.payload).base64EncodedString(),
               publicKey: key.publicKey.rawRepresentation.base64EncodedString())
    }

    public enum Verdict: String, Sendable, Equatable {
        case valid
        /// The card's contents do not match its signature.
        case badSignature = "bad-signature"
        /// Signed by a key the registry does not publish.
        case unknownKey = "unknown-key"
        /// Past its validity.
        case expired
    }

    public static func verify(_ signed: Signed, trusting registryKey: Curve25519.Signing.PublicKey, today: CalendarDate) -> Verdict {
        guard signed.publicKey == registryKey.rawRepresentation.base64EncodedString() else { return .unknownKey }
        guard let signature = Data(base64Encoded: signed.signature), registryKey.isValidSignature(signature, for: signed.card.payload) else {
            return .badSignature
        }
        if let until = CalendarDate(signed.card.validUntil), until < today { return .expired }
        return .valid
    }
}
