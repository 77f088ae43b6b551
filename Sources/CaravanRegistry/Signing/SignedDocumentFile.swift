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
    }

    /// Checks the file against the registry's published key, with no database: the card's signature, that the
    /// key is on the card and the card names the document's signer, then the WebAuthn assertion over exactly the
    /// document's bytes and nonce (§7.2). Revocation needs the registry: the caller asks it after this.
    public static func verify(_ file: SignedDocumentFile, registryKey: Curve25519.Signing.PublicKey) -> Verdict {
        guard file.format == format, let document = SignableDocument(canonicalText: file.document),
              let nonce = Base64URL.decode(file.nonce), nonce.count == SignableDocument.nonceLength,
              let credentialID = Base64URL.decode(file.credential.id), let publicKey = Data(base64Encoded: file.credential.publicKey),
              let algorithm = COSEAlgorithm(name: file.credential.algorithm),
              let authenticatorData = Base64URL.decode(file.authenticatorData), let clientData = Base64URL.decode(file.clientDataJSON),
              let signature = Base64URL.decode(file.signature)
        else { return .malformed }
        let signedDay = CalendarDate(String(file.signedAt.prefix(10)))
        switch ResidencyCard.verify(file.card, trusting: registryKey, today: signedDay ?? CalendarDate(year: 1970, month: 1, day: 1)!) {
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
                expectedChallenge: document.challenge(nonce: nonce), relyingParty: RelyingParty(id: file.relyingPartyID, origin: file.origin)
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
