import Crypto
import Foundation
import Testing
@testable import CaravanRegistry

/// §7.2 with a synthetic authenticator.
@Suite("WebAuthn assertion (§7.2)")
struct AssertionTests {
    let rp = SyntheticAuthenticator.rp
    let expectedChallenge = SyntheticAuthenticator.Assertion().challenge

    func refusal(_ authenticator: SyntheticAuthenticator, _ a: SyntheticAuthenticator.Assertion = .init(),
                 storedCount: UInt32 = 0) -> WebAuthnError? {
        let (authData, clientData, signature) = authenticator.assert(a)
        return refusal(authenticator, authData, clientData, signature, storedCount: storedCount)
    }

    func refusal(_ authenticator: SyntheticAuthenticator, _ authData: Data, _ clientData: Data, _ signature: Data,
                 storedCount: UInt32 = 0, credential: StoredCredential? = nil) -> WebAuthnError? {
        do {
            _ = try WebAuthn.verifyAssertion(
                credential: credential ?? authenticator.storedCredential(signCount: storedCount),
                authenticatorData: authData, clientDataJSON: clientData, signature: signature,
                expectedChallenge: expectedChallenge, relyingParty: rp)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Happy paths

    @Test("ES256: register then sign in; the new sign count is returned", arguments: [UInt32(1), 7, 0xFFFF_FFFF])
    func es256RoundTrip(count: UInt32) throws {
        let authenticator = SyntheticAuthenticator.es256()
        let (object, clientData) = authenticator.register(.init())
        let credential = try WebAuthn.verifyRegistration(
            attestationObject: object, clientDataJSON: clientData,
            expectedChallenge: SyntheticAuthenticator.Registration().challenge, relyingParty: rp)
        var a = SyntheticAuthenticator.Assertion()
        a.signCount = count
        let (authData, cData, signature) = authenticator.assert(a)
        let newCount = try WebAuthn.verifyAssertion(
            credential: credential, authenticatorData: authData, clientDataJSON: cData, signature: signature,
            expectedChallenge: expectedChallenge, relyingParty: rp)
        #expect(newCount == count)
    }

    @Test("EdDSA: register then sign in with a raw 64-byte Ed25519 signature")
    func edDSARoundTrip() throws {
        let authenticator = SyntheticAuthenticator.edDSA()
        let (object, clientData) = authenticator.register(.init())
        let credential = try WebAuthn.verifyRegistration(
            attestationObject: object, clientDataJSON: clientData,
            expectedChallenge: SyntheticAuthenticator.Registration().challenge, relyingParty: rp)
        var a = SyntheticAuthenticator.Assertion()
        a.signCount = 3
        let (authData, cData, signature) = authenticator.assert(a)
        #expect(signature.count == 64)
        #expect(try WebAuthn.verifyAssertion(
            credential: credential, authenticatorData: authData, clientDataJSON: cData, signature: signature,
            expectedChallenge: expectedChallenge, relyingParty: rp) == 3)
    }

    @Test("authenticators that do not count: stored 0, new 0 is allowed", arguments: [false, true])
    func zeroCounter(ed: Bool) throws {
        let authenticator = ed ? SyntheticAuthenticator.edDSA() : SyntheticAuthenticator.es256()
        var a = SyntheticAuthenticator.Assertion()
        a.signCount = 0
        let (authData, cData, signature) = authenticator.assert(a)
        #expect(try WebAuthn.verifyAssertion(
            credential: authenticator.storedCredential(signCount: 0), authenticatorData: authData,
            clientDataJSON: cData, signature: signature, expectedChallenge: expectedChallenge,
            relyingParty: rp) == 0)
    }

    @Test("inputs passed as Data slices with a non-zero startIndex verify the same")
    func dataSlices() throws {
        let authenticator = SyntheticAuthenticator.es256()
        let (authData, cData, signature) = authenticator.assert(.init())
        func sliced(_ d: Data) -> Data { (Data([0xEE, 0xEE]) + d).dropFirst(2) }
        #expect(sliced(authData).startIndex == 2)
        #expect(try WebAuthn.verifyAssertion(
            credential: authenticator.storedCredential(), authenticatorData: sliced(authData),
            clientDataJSON: sliced(cData), signature: sliced(signature),
            expectedChallenge: sliced(expectedChallenge), relyingParty: rp) == 1)
    }

    // MARK: Sign count

    @Test("sign count equal to or lower than the stored one is refused",
          arguments: [(UInt32(5), UInt32(5)), (5, 4), (5, 0), (1, 0), (0xFFFF_FFFF, 0xFFFF_FFFF)])
    func signCountRegressed(stored: UInt32, received: UInt32) {
        let authenticator = SyntheticAuthenticator.es256()
        var a = SyntheticAuthenticator.Assertion()
        a.signCount = received
        #expect(refusal(authenticator, a, storedCount: stored) == .signCountRegressed)
    }

    @Test("sign count above the stored one is accepted", arguments: [(UInt32(0), UInt32(1)), (5, 6), (5, 1_000)])
    func signCountIncreased(stored: UInt32, received: UInt32) {
        var a = SyntheticAuthenticator.Assertion()
        a.signCount = received
        #expect(refusal(.es256(), a, storedCount: stored) == nil)
    }

    // MARK: clientDataJSON

    @Test("clientData type webauthn.create in an assertion is refused")
    func wrongType() {
        var a = SyntheticAuthenticator.Assertion()
        a.type = "webauthn.create"
        #expect(refusal(.es256(), a) == .wrongType)
    }

    @Test("another challenge is refused")
    func otherChallenge() {
        var a = SyntheticAuthenticator.Assertion()
        a.challenge = SyntheticAuthenticator.Registration().challenge
        #expect(refusal(.es256(), a) == .challengeMismatch)
    }

    @Test("another origin is refused")
    func otherOrigin() {
        var a = SyntheticAuthenticator.Assertion()
        a.origin = "https://caravan.example.evil"
        #expect(refusal(.es256(), a) == .originMismatch)
    }

    @Test("crossOrigin true is refused")
    func crossOrigin() {
        var a = SyntheticAuthenticator.Assertion()
        a.crossOrigin = true
        #expect(refusal(.edDSA(), a) == .crossOrigin)
    }

    // MARK: Authenticator data

    @Test("an assertion for another RP ID is refused")
    func otherRPID() {
        var a = SyntheticAuthenticator.Assertion()
        a.rpID = "example.org"
        #expect(refusal(.es256(), a) == .rpIDMismatch)
    }

    @Test("UP clear is refused")
    func userNotPresent() {
        var a = SyntheticAuthenticator.Assertion()
        a.flags = Flag.uv
        #expect(refusal(.es256(), a) == .userNotPresent)
    }

    @Test("UV clear is refused")
    func userNotVerified() {
        var a = SyntheticAuthenticator.Assertion()
        a.flags = Flag.up
        #expect(refusal(.es256(), a) == .userNotVerified)
    }

    @Test("authenticator data shorter than 37 bytes or with bytes left over is malformed")
    func malformedAuthData() {
        let authenticator = SyntheticAuthenticator.es256()
        let (authData, cData, signature) = authenticator.assert(.init())
        #expect(refusal(authenticator, authData.prefix(36), cData, signature) == .malformed)
        #expect(refusal(authenticator, Data(), cData, signature) == .malformed)
        #expect(refusal(authenticator, authData + Data([0]), cData, signature) == .malformed)
    }

    // MARK: Signature

    /// Flags byte 32 gains BE (UP and UV stay set); byte 36, the count's low byte, goes from 1 to 17.
    @Test("a tampered authData byte (flags, sign count) breaks the signature",
          arguments: [(32, UInt8(0x08)), (36, UInt8(0x10))])
    func tamperedAuthData(index: Int, bit: UInt8) {
        let authenticator = SyntheticAuthenticator.es256()
        let (authData, cData, signature) = authenticator.assert(.init())
        var tampered = authData
        tampered[index] ^= bit
        #expect(refusal(authenticator, tampered, cData, signature) == .badSignature)
    }

    @Test("a tampered rpIdHash byte is refused before the signature is checked")
    func tamperedRPIDHash() {
        let authenticator = SyntheticAuthenticator.es256()
        let (authData, cData, signature) = authenticator.assert(.init())
        var tampered = authData
        tampered[0] ^= 1
        #expect(refusal(authenticator, tampered, cData, signature) == .rpIDMismatch)
    }

    @Test("clientDataJSON changed in a way that keeps type, challenge and origin breaks the signature",
          arguments: [false, true])
    func tamperedClientData(ed: Bool) {
        let authenticator = ed ? SyntheticAuthenticator.edDSA() : SyntheticAuthenticator.es256()
        let (authData, cData, signature) = authenticator.assert(.init())
        let reordered = SyntheticAuthenticator.clientDataJSON(
            type: "webauthn.get", challenge: expectedChallenge, origin: rp.origin, crossOrigin: false,
            extra: #","extra":"x""#)
        #expect(reordered != cData)
        #expect(refusal(authenticator, authData, reordered, signature) == .badSignature)
        #expect(refusal(authenticator, authData, cData + Data(" ".utf8), signature) == .badSignature)
    }

    @Test("a tampered signature is refused", arguments: [false, true])
    func tamperedSignature(ed: Bool) {
        let authenticator = ed ? SyntheticAuthenticator.edDSA() : SyntheticAuthenticator.es256()
        let (authData, cData, signature) = authenticator.assert(.init())
        for index in signature.indices {
            var tampered = signature
            tampered[index] ^= 0x01
            #expect(refusal(authenticator, authData, cData, tampered) == .badSignature, "byte \(index)")
        }
        #expect(refusal(authenticator, authData, cData, Data()) == .badSignature)
        #expect(refusal(authenticator, authData, cData, signature.dropLast()) == .badSignature)
        #expect(refusal(authenticator, authData, cData, signature + Data([0])) == .badSignature)
        #expect(refusal(authenticator, authData, cData, Data(repeating: 0x30, count: 5_000)) == .badSignature)
    }

    @Test("a signature by another key is refused", arguments: [false, true])
    func otherKey(ed: Bool) {
        let registered = ed ? SyntheticAuthenticator.edDSA() : SyntheticAuthenticator.es256()
        let impostor = ed ? SyntheticAuthenticator.edDSA() : SyntheticAuthenticator.es256()
        let (authData, cData, signature) = impostor.assert(.init())
        #expect(refusal(registered, authData, cData, signature) == .badSignature)
    }

    @Test("an ES256 signature in raw r‖s form (not DER) is refused")
    func rawECDSASignature() throws {
        let authenticator = SyntheticAuthenticator.es256()
        let (authData, cData, _) = authenticator.assert(.init())
        guard case .p256(let key) = authenticator.key else { Issue.record("not P-256"); return }
        let raw = try key.signature(for: authData + Data(SHA256.hash(data: cData))).rawRepresentation
        #expect(refusal(authenticator, authData, cData, raw) == .badSignature)
    }

    @Test("a stored credential whose algorithm does not match its key does not verify")
    func algorithmKeyConfusion() {
        let authenticator = SyntheticAuthenticator.es256()
        let (authData, cData, signature) = authenticator.assert(.init())
        let confused = StoredCredential(id: authenticator.credentialID, publicKey: authenticator.spki,
                                        algorithm: .edDSA, signCount: 0)
        #expect(refusal(authenticator, authData, cData, signature, credential: confused) == .malformed)
        let garbage = StoredCredential(id: Data(), publicKey: Data([1, 2, 3]), algorithm: .es256, signCount: 0)
        #expect(refusal(authenticator, authData, cData, signature, credential: garbage) == .malformed)
    }
}
