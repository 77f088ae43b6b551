import Foundation
import Testing
@testable import CaravanRegistry

@Suite("RelyingParty from the server's base URL")
struct RelyingPartyTests {
    @Test("origin and id are derived as a browser serializes the origin",
          arguments: [
              ("http://localhost:8080", "localhost", "http://localhost:8080"),
              ("http://localhost:8080/", "localhost", "http://localhost:8080"),
              ("https://caravan.example/", "caravan.example", "https://caravan.example"),
              ("https://caravan.example", "caravan.example", "https://caravan.example"),
              // An IP address is still derived; whether it is acceptable is decided elsewhere.
              ("http://127.0.0.1:8080", "127.0.0.1", "http://127.0.0.1:8080"),
              // Default ports are left out, scheme and host lowercased, path and user info ignored.
              ("https://caravan.example:443/app/", "caravan.example", "https://caravan.example"),
              ("http://caravan.example:80", "caravan.example", "http://caravan.example"),
              ("https://caravan.example:8443", "caravan.example", "https://caravan.example:8443"),
              ("HTTPS://Caravan.Example/Path?q=1", "caravan.example", "https://caravan.example"),
              ("https://user:secret@caravan.example/", "caravan.example", "https://caravan.example"),
              ("http://[::1]:8080/", "::1", "http://[::1]:8080"),
          ])
    func derived(baseURL: String, id: String, origin: String) throws {
        let rp = try #require(RelyingParty(baseURL: baseURL))
        #expect(rp.id == id)
        #expect(rp.origin == origin)
        #expect(rp == RelyingParty(id: id, origin: origin))
    }

    @Test("nil without a host or with a scheme other than http(s)",
          arguments: ["", "localhost:8080", "/relative/path", "https://", "not a url", "ftp://caravan.example",
                      "file:///etc/passwd", "mailto:someone@caravan.example"])
    func refused(baseURL: String) {
        #expect(RelyingParty(baseURL: baseURL) == nil)
    }

    @Test("a base URL's RelyingParty accepts a response made for that origin and RP ID")
    func endToEnd() throws {
        let rp = try #require(RelyingParty(baseURL: "http://localhost:8080/"))
        let authenticator = SyntheticAuthenticator.es256()
        var r = SyntheticAuthenticator.Registration()
        r.origin = "http://localhost:8080"
        r.rpID = "localhost"
        let (object, clientData) = authenticator.register(r)
        let credential = try WebAuthn.verifyRegistration(
            attestationObject: object, clientDataJSON: clientData, expectedChallenge: r.challenge, relyingParty: rp)
        #expect(credential.publicKey == authenticator.spki)
    }

    @Test("every error has its stable code")
    func errorCodes() {
        let codes: [(WebAuthnError, String)] = [
            (.malformed, "webauthn-malformed"), (.wrongType, "webauthn-wrong-type"),
            (.challengeMismatch, "webauthn-challenge"), (.originMismatch, "webauthn-origin"),
            (.crossOrigin, "webauthn-cross-origin"), (.rpIDMismatch, "webauthn-rp-id"),
            (.userNotPresent, "webauthn-user-not-present"), (.userNotVerified, "webauthn-user-not-verified"),
            (.noCredentialData, "webauthn-no-credential"), (.attestationNotNone, "webauthn-attestation"),
            (.unsupportedAlgorithm, "webauthn-algorithm"), (.publicKeyMismatch, "webauthn-public-key-mismatch"),
            (.signCountRegressed, "webauthn-sign-count"), (.badSignature, "webauthn-signature"),
        ]
        for (error, code) in codes { #expect(error.code == code) }
        #expect(Set(codes.map(\.1)).count == codes.count)
    }

    @Test("StoredCredential round-trips through JSON with the algorithm as its COSE number")
    func storedCredentialCodable() throws {
        let credential = StoredCredential(id: Data([1, 2, 3]), publicKey: Data([4, 5]), algorithm: .edDSA,
                                          signCount: 9)
        let json = try JSONEncoder().encode(credential)
        #expect(String(decoding: json, as: UTF8.self).contains(#""algorithm":-8"#))
        #expect(try JSONDecoder().decode(StoredCredential.self, from: json) == credential)
        #expect(COSEAlgorithm(rawValue: -7) == .es256)
        #expect(COSEAlgorithm(rawValue: -257) == nil)
        // SHA-256 of the two bytes 04 05.
        #expect(credential.fingerprint == "2fa1b377bf67309f65e5e7bc9d924345ca648dec4e601a398a9cb497dcba3765")
    }
}
