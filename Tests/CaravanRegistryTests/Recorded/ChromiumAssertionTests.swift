import Crypto
import Foundation
import Testing
@testable import CaravanRegistry

/// A passkey signature made by a real browser, re-verified byte for byte.
///
/// Where `chromium-es256.json` (beside this file) came from: the signed file that tests-browser/test_residency_journey.py
/// downloaded from `/residency/documents/{id}/signed.json`, unchanged. In that journey Chromium 156 (Debian's package,
/// headless) ran against a clocked demo server whose CARAVAN_BASE_URL was http://localhost:8731; the passkey was made
/// and used by Chromium's own virtual authenticator (CDP `WebAuthn.addVirtualAuthenticator` with protocol ctap2,
/// transport internal, resident key, user verification, user verified), answering `navigator.credentials.create()` and
/// `.get()` from the site's /passkeys.js. It holds everything needed to check the assertion again: the document's
/// canonical text and the nonce (the challenge is SHA-256(text) ‖ nonce), the credential's id and SPKI public key,
/// authenticatorData (flags UP|UV, counter 2), clientDataJSON (origin http://localhost:8731), the DER ECDSA signature,
/// and the registry-signed card of that demo install.
///
/// These tests check the WebAuthn assertion (§7.2) as `SignedDocumentFile.verify` does, then each way it must fail.
@Suite("A Chromium passkey assertion, recorded")
struct ChromiumAssertionTests {
    static let fileURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("chromium-es256.json")

    /// What the recording server published at /.well-known/caravan-registry-key (its demo install's registry key).
    static let recordingRegistryKey = "IYM5/FM29qB4L33ie5rTYgSzqjpHBTlkMV7B/IZDcJ8="

    struct Recorded {
        let file: SignedDocumentFile
        let credential: StoredCredential
        let authenticatorData: Data
        let clientDataJSON: Data
        let signature: Data
        let nonce: Data
        let relyingParty: RelyingParty

        func challenge(for canonicalText: String) throws -> Data {
            try #require(SignableDocument(canonicalText: canonicalText)).challenge(nonce: nonce)
        }
    }

    static func recorded() throws -> Recorded {
        let file = try JSONDecoder().decode(SignedDocumentFile.self, from: Data(contentsOf: fileURL))
        #expect(file.format == SignedDocumentFile.format)
        #expect(file.credential.algorithm == "ES256")
        let credential = StoredCredential(
            id: try #require(Base64URL.decode(file.credential.id)), publicKey: try #require(Data(base64Encoded: file.credential.publicKey)),
            algorithm: .es256, signCount: 0
        )
        return Recorded(
            file: file, credential: credential,
            authenticatorData: try #require(Base64URL.decode(file.authenticatorData)),
            clientDataJSON: try #require(Base64URL.decode(file.clientDataJSON)),
            signature: try #require(Base64URL.decode(file.signature)),
            nonce: try #require(Base64URL.decode(file.nonce)),
            relyingParty: RelyingParty(id: "localhost", origin: file.origin)
        )
    }

    /// The assertion checked with one part replaced; nil when it verifies.
    static func refusal(_ recorded: Recorded, document: String? = nil, signature: Data? = nil,
                        relyingParty: RelyingParty? = nil) throws -> WebAuthnError? {
        let challenge = try recorded.challenge(for: document ?? recorded.file.document)
        do {
            _ = try WebAuthn.verifyAssertion(
                credential: recorded.credential, authenticatorData: recorded.authenticatorData, clientDataJSON: recorded.clientDataJSON,
                signature: signature ?? recorded.signature, expectedChallenge: challenge, relyingParty: relyingParty ?? recorded.relyingParty
            )
            return nil
        } catch {
            return error
        }
    }

    @Test("the recorded assertion verifies over exactly the document and nonce")
    func verifies() throws {
        let recorded = try Self.recorded()
        #expect(recorded.relyingParty.id == recorded.file.relyingPartyID)
        #expect(recorded.relyingParty.origin == "http://localhost:8731")
        #expect(recorded.nonce.count == SignableDocument.nonceLength)
        let count = try WebAuthn.verifyAssertion(
            credential: recorded.credential, authenticatorData: recorded.authenticatorData, clientDataJSON: recorded.clientDataJSON,
            signature: recorded.signature, expectedChallenge: try recorded.challenge(for: recorded.file.document),
            relyingParty: recorded.relyingParty
        )
        // Chromium's virtual authenticator counts: 1 when the passkey was made, 2 for this signature.
        #expect(count == 2)
        // The key that signed is the one the card lists.
        #expect(recorded.file.card.card.keys.map(\.fingerprint) == [recorded.credential.fingerprint])
    }

    @Test("one changed byte of the document is a challenge mismatch")
    func changedDocument() throws {
        let recorded = try Self.recorded()
        let changed = recorded.file.document.replacingOccurrences(of: "I confirm", with: "I konfirm")
        #expect(changed != recorded.file.document)
        #expect(changed.utf8.count == recorded.file.document.utf8.count)
        #expect(try Self.refusal(recorded, document: changed) == .challengeMismatch)
    }

    @Test("another origin is refused")
    func anotherOrigin() throws {
        let recorded = try Self.recorded()
        #expect(try Self.refusal(recorded, relyingParty: RelyingParty(id: "localhost", origin: "http://localhost:8732")) == .originMismatch)
        #expect(try Self.refusal(recorded, relyingParty: RelyingParty(id: "localhost", origin: "https://localhost:8731")) == .originMismatch)
    }

    @Test("another RP id is refused")
    func anotherRelyingPartyID() throws {
        let recorded = try Self.recorded()
        #expect(try Self.refusal(recorded, relyingParty: RelyingParty(id: "caravan.example", origin: recorded.file.origin)) == .rpIDMismatch)
    }

    @Test("a flipped signature bit is a bad signature")
    func flippedSignatureBit() throws {
        let recorded = try Self.recorded()
        var signature = recorded.signature
        signature[signature.count - 1] ^= 0x01
        #expect(try Self.refusal(recorded, signature: signature) == .badSignature)
    }

    /// Beyond the assertion: the whole file, card included, against the key the recording install published (a
    /// fixed, recorded key, so this holds on any machine); any other registry key does not vouch for its card.
    @Test("the whole file verifies against the recording install's registry key, and only that one")
    func wholeFile() throws {
        let recorded = try Self.recorded()
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Data(base64Encoded: Self.recordingRegistryKey)))
        let site = RelyingParty(id: recorded.file.relyingPartyID, origin: recorded.file.origin)
        #expect(SignedDocumentFile.verify(recorded.file, registryKey: key, relyingParty: site) == .valid)
        #expect(SignedDocumentFile.verify(recorded.file, registryKey: Curve25519.Signing.PrivateKey().publicKey, relyingParty: site) == .cardInvalid)
        #expect(SignedDocumentFile.verify(recorded.file, registryKey: key, relyingParty: RelyingParty(id: "localhost", origin: "http://localhost:1")) == .wrongContext)
    }
}
