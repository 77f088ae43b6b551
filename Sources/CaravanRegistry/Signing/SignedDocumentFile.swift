import CaravanPermits
import Crypto
import Foundation

/// A signed document as anyone downloads it: the canonical text, the nonce, the WebAuthn evidence (credential,
/// authenticator data, client data, signature), the relying party it was made for, and the signer's residency
/// card, which vouches for the key. `SignedDocumentFile.verify` re-checks all of it offline.
public struct SignedDocumentFile: Codable, Equatable, Sendable {
    public static let format = "caravan-signed-document-file/1"

    public struct Credential: Codable, Equatable, Sendable {
        /// base64url, as WebAuthn writes it.
        public let id: String
        /// Base64 SubjectPublicKeyInfo DER.
        public let publicKey: String
        /// `ES256` or `EdDSA`.
        public let algorithm: String

        public init(id: String, publicKey: String, algorithm: String) {
            self.id = id
            self.publicKey = publicKey
            self.algorithm = algorithm
        }
    }

    public let format: String
    public let document: String
    /// base64url.
    public let nonce: String
    public let relyingPartyID: String
    public let origin: String
    public let credential: Credential
    /// base64url, each as the authenticator and browser produced them.
    public let authenticatorData: String
    public let clientDataJSON: String
    public let signature: String
    public let signedAt: String
    public let card: ResidencyCard.Signed

    public init(document: String, nonce: String, relyingPartyID: String, origin: String, credential: Credential, authenticatorData: String,
                clientDataJSON: String, signature: String, signedAt: String, card: ResidencyCard.Signed) {
        self.format = Self.format
        self.document = document
        self.nonce = nonce
        self.relyingPartyID = relyingPartyID
        self.origin = origin
        self.credential = credential
        self.authenticatorData = authenticatorData
        self.clientDataJSON = clientDataJSON
        self.signature = signature
        self.signedAt = signedAt
        self.card = card
    }

    /// What a check found: valid, or the first reason it is not.
    public enum Verdict: String, Sendable, Equatable {
        case valid
        /// Not a signed-document file, or its parts do not decode.
        case malformed
        /// The card is not the registry's, or was altered.
        case cardInvalid = "card-invalid"
        /// The card's validity ended before the signature was made.
        case cardExpired = "card-expired"
        /// The document names another signer than the card's holder.
        case signerMismatch = "signer-mismatch"
        /// The signing key is not one of the card's keys.
        case keyNotOnCard = "key-not-on-card"
        /// The document's bytes are not the ones that were signed.
        case documentAltered = "document-altered"
        /// The signature does not verify with the key (altered signature or authenticator data).
        case signatureInvalid = "signature-invalid"
        /// Made for another site, or without the user's verification.
        case wrongContext = "wrong-context"
        /// Checks out offline, but the registry has no record of this signature (online checks only): made outside
        /// Caravan, perhaps with a passkey the resident had already removed.
        case notOnRecord = "not-on-record"
    }

    /// Each text with the longest it may be: a file beyond them is no file Caravan made (both the page and the API
    /// refuse it as such). A document is at most 60 lines of 4,000 characters in all, with its head: under 5,000.
    var textsWithLimits: [(String, Int)] {
        var texts: [(String, Int)] = [(format, 60), (document, 5000), (nonce, 100), (relyingPartyID, 300), (origin, 300)]
        texts += [(authenticatorData, 4000), (clientDataJSON, 4000), (signature, 1000), (signedAt, 40)]
        texts += [(credential.id, 1400), (credential.publicKey, 1000), (credential.algorithm, 20)]
        texts += [(card.signature, 200), (card.publicKey, 200), (card.card.number, 40), (card.card.name, 400)]
        texts += [(card.card.citizenship, 10), (card.card.issuedOn, 40), (card.card.validUntil, 40)]
        for key in card.card.keys {
            texts += [(key.algorithm, 20), (key.fingerprint, 128)]
        }
        return texts
    }

    /// Whether every text is within its limit (counted in Unicode scalars, as JSON Schema's `maxLength` counts) and
    /// the card is of a reasonable size.
    public var isWithinLimits: Bool {
        card.card.keys.count <= 20 && (0...1_000_000).contains(card.card.revision)
            && textsWithLimits.allSatisfy { $0.0.unicodeScalars.count <= $0.1 }
    }

    /// Checks the file against the registry's published key and the site passkeys are made for, with no database:
    /// the card's signature and validity on the day the document was made (a date inside the signed bytes, not the
    /// file's unsigned `signedAt`), that the key is on the card and the card names the document's signer, then the
    /// WebAuthn assertion over exactly the document's bytes and nonce (§7.2) for this relying party. What only the
    /// registry knows — that it recorded this signature, with a key the resident still held, and no revocation —
    /// the caller asks it after this (`ResidencyService.check`).
    public static func verify(_ file: SignedDocumentFile, registryKey: Curve25519.Signing.PublicKey,
                              relyingParty: RelyingParty) -> Verdict {
        guard file.format == format, file.isWithinLimits, let document = SignableDocument(canonicalText: file.document),
              let nonce = Base64URL.decode(file.nonce), nonce.count == SignableDocument.nonceLength,
              let credentialID = Base64URL.decode(file.credential.id), let publicKey = Data(base64Encoded: file.credential.publicKey),
              let algorithm = COSEAlgorithm(name: file.credential.algorithm),
              let authenticatorData = Base64URL.decode(file.authenticatorData), let clientData = Base64URL.decode(file.clientDataJSON),
              let signature = Base64URL.decode(file.signature)
        else { return .malformed }
        guard let madeOn = CalendarDate(document.createdOn) else { return .malformed }
        guard file.relyingPartyID == relyingParty.id, file.origin == relyingParty.origin else { return .wrongContext }
        switch ResidencyCard.verify(file.card, trusting: registryKey, today: madeOn) {
        case .valid: break
        case .expired: return .cardExpired
        case .badSignature, .unknownKey: return .cardInvalid
        }
        guard file.card.card.number == document.signer else { return .signerMismatch }
        let credential = StoredCredential(id: credentialID, publicKey: publicKey, algorithm: algorithm, signCount: 0)
        guard file.card.card.keys.contains(where: { $0.fingerprint == credential.fingerprint }) else { return .keyNotOnCard }
        do {
            _ = try WebAuthn.verifyAssertion(
                credential: credential, authenticatorData: authenticatorData, clientDataJSON: clientData, signature: signature,
                expectedChallenge: document.challenge(nonce: nonce), relyingParty: relyingParty
            )
        } catch {
            switch error {
            case .challengeMismatch: return .documentAltered
            case .badSignature, .rpIDMismatch: return .signatureInvalid
            case .malformed: return .malformed
            default: return .wrongContext
            }
        }
        return .valid
    }
}

extension COSEAlgorithm {
    /// From the name the card and files write (`ES256`, `EdDSA`).
    public init?(name: String) {
        guard let match = Self.allKnown.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    static let allKnown: [COSEAlgorithm] = [.es256, .edDSA]
}
