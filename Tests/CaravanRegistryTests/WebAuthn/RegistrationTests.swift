import Crypto
import Foundation
import Testing
@testable import CaravanRegistry

/// §7.1 with a synthetic authenticator: the happy paths, then one test for every way a response can be wrong.
@Suite("WebAuthn registration (§7.1)")
struct RegistrationTests {
    let rp = SyntheticAuthenticator.rp

    func verify(_ authenticator: SyntheticAuthenticator, _ r: SyntheticAuthenticator.Registration,
                expectedChallenge: Data? = nil, reportedPublicKey: Data? = nil) throws(WebAuthnError) -> StoredCredential {
        let (attestationObject, clientDataJSON) = authenticator.register(r)
        return try WebAuthn.verifyRegistration(
            attestationObject: attestationObject, clientDataJSON: clientDataJSON,
            expectedChallenge: expectedChallenge ?? SyntheticAuthenticator.Registration().challenge,
            relyingParty: rp, reportedPublicKey: reportedPublicKey)
    }

    func refusal(_ r: SyntheticAuthenticator.Registration, authenticator: SyntheticAuthenticator = .es256(),
                 expectedChallenge: Data? = nil, reportedPublicKey: Data? = nil) -> WebAuthnError? {
        do {
            _ = try verify(authenticator, r, expectedChallenge: expectedChallenge, reportedPublicKey: reportedPublicKey)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Happy paths

    @Test("ES256 registration yields the credential id, the SPKI swift-crypto derives, and the sign count")
    func es256HappyPath() throws {
        let authenticator = SyntheticAuthenticator.es256()
        var r = SyntheticAuthenticator.Registration()
        r.signCount = 41
        let credential = try verify(authenticator, r, reportedPublicKey: authenticator.spki)
        #expect(credential.id == authenticator.credentialID)
        #expect(credential.algorithm == .es256)
        #expect(credential.algorithm.name == "ES256")
        #expect(credential.publicKey == authenticator.spki)
        #expect(credential.publicKey.count == 91)
        #expect(credential.signCount == 41)
        #expect(credential.fingerprint == Data(SHA256.hash(data: authenticator.spki)).fixtureHex)
        #expect(credential.fingerprint.count == 64)
    }

    @Test("EdDSA registration yields the RFC 8410 SPKI (302a300506032b6570032100 ‖ key)")
    func edDSAHappyPath() throws {
        let authenticator = SyntheticAuthenticator.edDSA()
        let credential = try verify(authenticator, .init(), reportedPublicKey: authenticator.spki)
        #expect(credential.algorithm == .edDSA)
        #expect(credential.algorithm.name == "EdDSA")
        #expect(credential.publicKey.count == 44)
        #expect(credential.publicKey.prefix(12) == Data(fixtureHex: "302a300506032b6570032100"))
        #expect(credential.publicKey == authenticator.spki)
        #expect(credential.signCount == 0)
    }

    @Test("reportedPublicKey is optional")
    func withoutReportedKey() throws {
        let authenticator = SyntheticAuthenticator.es256()
        #expect(try verify(authenticator, .init()).publicKey == authenticator.spki)
    }

    @Test("authenticator extension outputs after the credential key (ED flag) are accepted")
    func extensionsAccepted() throws {
        var r = SyntheticAuthenticator.Registration()
        r.flags |= Flag.ed
        r.extensions = TestCBOR.map([(.text("credProtect"), .int(2))]).encoded
        #expect(refusal(r) == nil)
    }

    @Test("extra clientData members (topOrigin, tokenBinding, future ones) are tolerated")
    func extraClientDataMembers() throws {
        let authenticator = SyntheticAuthenticator.es256()
        let r = SyntheticAuthenticator.Registration()
        let (object, _) = authenticator.register(r)
        let clientData = SyntheticAuthenticator.clientDataJSON(
            type: r.type, challenge: r.challenge, origin: r.origin,
            extra: #","tokenBinding":{"status":"supported"},"other_keys_can_be_added_here":"x""#)
        _ = try WebAuthn.verifyRegistration(attestationObject: object, clientDataJSON: clientData,
                                            expectedChallenge: r.challenge, relyingParty: rp)
    }

    @Test("a challenge sent with base64 padding still matches (compared as bytes)")
    func paddedChallenge() throws {
        let authenticator = SyntheticAuthenticator.es256()
        let challenge = Data([1, 2, 3, 4])  // "AQIDBA" → padded "AQIDBA=="
        var r = SyntheticAuthenticator.Registration()
        r.challenge = challenge
        let (object, _) = authenticator.register(r)
        let clientData = Data(#"{"type":"webauthn.create","challenge":"AQIDBA==","origin":"https://caravan.example"}"#.utf8)
        _ = try WebAuthn.verifyRegistration(attestationObject: object, clientDataJSON: clientData,
                                            expectedChallenge: challenge, relyingParty: rp)
    }

    @Test("a leading UTF-8 byte order mark in clientDataJSON is stripped (§7.1 step 5, UTF-8 decode)")
    func byteOrderMark() throws {
        let authenticator = SyntheticAuthenticator.es256()
        let r = SyntheticAuthenticator.Registration()
        let (object, clientData) = authenticator.register(r)
        _ = try WebAuthn.verifyRegistration(attestationObject: object, clientDataJSON: Data([0xEF, 0xBB, 0xBF]) + clientData,
                                            expectedChallenge: r.challenge, relyingParty: rp)
    }

    // MARK: clientDataJSON

    @Test("clientData type webauthn.get in a registration is refused")
    func wrongType() {
        var r = SyntheticAuthenticator.Registration()
        r.type = "webauthn.get"
        #expect(refusal(r) == .wrongType)
    }

    @Test("another challenge is refused")
    func otherChallenge() {
        var r = SyntheticAuthenticator.Registration()
        r.challenge = Data(repeating: 9, count: 32)
        #expect(refusal(r) == .challengeMismatch)
        // A prefix of the right challenge is not the right challenge.
        r.challenge = SyntheticAuthenticator.Registration().challenge.prefix(31)
        #expect(refusal(r) == .challengeMismatch)
    }

    @Test("a challenge that is not base64url is refused as a mismatch")
    func challengeNotBase64URL() throws {
        let authenticator = SyntheticAuthenticator.es256()
        let (object, _) = authenticator.register(.init())
        let clientData = Data(#"{"type":"webauthn.create","challenge":"AAEC+/8=","origin":"https://caravan.example"}"#.utf8)
        #expect(throws: WebAuthnError.challengeMismatch) {
            try WebAuthn.verifyRegistration(attestationObject: object, clientDataJSON: clientData,
                                            expectedChallenge: Data([0, 1, 2, 0xfb, 0xff]), relyingParty: rp)
        }
    }

    @Test("another origin, another scheme, another port or a trailing slash is refused")
    func otherOrigin() {
        for origin in ["https://evil.example", "http://caravan.example", "https://caravan.example:8443",
                       "https://caravan.example/", "https://sub.caravan.example", "HTTPS://CARAVAN.EXAMPLE"] {
            var r = SyntheticAuthenticator.Registration()
            r.origin = origin
            #expect(refusal(r) == .originMismatch, "\(origin)")
        }
    }

    @Test("crossOrigin true is refused; false or absent is fine")
    func crossOrigin() {
        var r = SyntheticAuthenticator.Registration()
        r.crossOrigin = true
        #expect(refusal(r) == .crossOrigin)
        r.crossOrigin = nil
        #expect(refusal(r) == nil)
    }

    @Test("clientDataJSON that is not a JSON object with the required string members is malformed")
    func malformedClientData() throws {
        let authenticator = SyntheticAuthenticator.es256()
        let (object, _) = authenticator.register(.init())
        let bad: [Data] = [
            Data(), Data("not json".utf8), Data("[]".utf8), Data("{}".utf8),
            Data(#"{"type":"webauthn.create","challenge":"AAEC"}"#.utf8),
            Data(#"{"type":1,"challenge":"AAEC","origin":"https://caravan.example"}"#.utf8),
            Data(#"{"type":"webauthn.create","challenge":"AAEC","origin":"https://caravan.example","crossOrigin":"true"}"#.utf8),
            Data([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),  // invalid UTF-8
            Data(repeating: 0x20, count: 70_000),
        ]
        for clientData in bad {
            #expect(throws: WebAuthnError.malformed) {
                try WebAuthn.verifyRegistration(attestationObject: object, clientDataJSON: clientData,
                                                expectedChallenge: Data([0, 1, 2]), relyingParty: rp)
            }
        }
    }

    // MARK: authenticator data

    @Test("authData made for another RP ID is refused")
    func otherRPID() {
        var r = SyntheticAuthenticator.Registration()
        r.rpID = "evil.example"
        #expect(refusal(r) == .rpIDMismatch)
        r.rpID = "caravan.example."  // not the same string, not the same hash
        #expect(refusal(r) == .rpIDMismatch)
    }

    @Test("UP clear is refused")
    func userNotPresent() {
        var r = SyntheticAuthenticator.Registration()
        r.flags = Flag.uv | Flag.at
        #expect(refusal(r) == .userNotPresent)
    }

    @Test("UV clear is refused (user verification is required)")
    func userNotVerified() {
        var r = SyntheticAuthenticator.Registration()
        r.flags = Flag.up | Flag.at
        #expect(refusal(r) == .userNotVerified)
    }

    @Test("no AT flag and no attested credential data is refused")
    func noAttestedData() {
        var r = SyntheticAuthenticator.Registration()
        r.flags = Flag.up | Flag.uv
        r.includeAttestedData = false
        #expect(refusal(r) == .noCredentialData)
    }

    @Test("attested credential data without the AT flag is malformed (bytes left over)")
    func attestedDataWithoutFlag() {
        var r = SyntheticAuthenticator.Registration()
        r.flags = Flag.up | Flag.uv
        #expect(refusal(r) == .malformed)
    }

    @Test("AT flag without attested credential data is malformed")
    func flagWithoutAttestedData() {
        var r = SyntheticAuthenticator.Registration()
        r.includeAttestedData = false
        #expect(refusal(r) == .malformed)
    }

    @Test("ED flag without extensions, or extensions without ED, or trailing bytes, are malformed")
    func extensionFraming() {
        var r = SyntheticAuthenticator.Registration()
        r.flags |= Flag.ed
        #expect(refusal(r) == .malformed)
        r.extensions = TestCBOR.text("not a map").encoded
        #expect(refusal(r) == .malformed)
        r.flags &= ~Flag.ed
        r.extensions = TestCBOR.map([]).encoded
        #expect(refusal(r) == .malformed)
        r.flags |= Flag.ed
        r.extensions = TestCBOR.map([]).encoded + Data([0])
        #expect(refusal(r) == .malformed)
    }

    // MARK: attestation statement

    @Test("fmt packed (or any format but none) is refused")
    func attestationNotNone() {
        var r = SyntheticAuthenticator.Registration()
        r.fmt = "packed"
        r.attStmt = .map([(.text("alg"), .int(-7)), (.text("sig"), .bytes(Data(repeating: 1, count: 70)))])
        #expect(refusal(r) == .attestationNotNone)
        r.fmt = "None"  // case-sensitive match (§7.1 step 18)
        r.attStmt = .map([])
        #expect(refusal(r) == .attestationNotNone)
    }

    @Test("fmt none with a non-empty attStmt is malformed")
    func noneWithStatement() {
        var r = SyntheticAuthenticator.Registration()
        r.attStmt = .map([(.text("sig"), .bytes(Data([1])))])
        #expect(refusal(r) == .malformed)
    }

    @Test("attestation object missing a member or with a wrongly typed one is malformed")
    func attestationObjectShape() throws {
        let authenticator = SyntheticAuthenticator.es256()
        let r = SyntheticAuthenticator.Registration()
        let authData = SyntheticAuthenticator.authenticatorData(
            rpID: r.rpID, flags: r.flags, signCount: 0, attested: authenticator.attestedCredentialData())
        let clientData = SyntheticAuthenticator.clientDataJSON(type: r.type, challenge: r.challenge, origin: r.origin)
        let objects: [TestCBOR] = [
            .map([(.text("attStmt"), .map([])), (.text("authData"), .bytes(authData))]),
            .map([(.text("fmt"), .text("none")), (.text("authData"), .bytes(authData))]),
            .map([(.text("fmt"), .text("none")), (.text("attStmt"), .map([]))]),
            .map([(.text("fmt"), .bytes(Data("none".utf8))), (.text("attStmt"), .map([])), (.text("authData"), .bytes(authData))]),
            .map([(.text("fmt"), .text("none")), (.text("attStmt"), .array([])), (.text("authData"), .bytes(authData))]),
            .map([(.text("fmt"), .text("none")), (.text("attStmt"), .map([])), (.text("authData"), .text("x"))]),
            .array([.text("none"), .map([]), .bytes(authData)]),
        ]
        for object in objects {
            #expect(throws: WebAuthnError.malformed) {
                try WebAuthn.verifyRegistration(attestationObject: object.encoded, clientDataJSON: clientData,
                                                expectedChallenge: r.challenge, relyingParty: rp)
            }
        }
        // The well-formed object passes, and the same object with a byte after it does not.
        let good = TestCBOR.map([(.text("fmt"), .text("none")), (.text("attStmt"), .map([])),
                                 (.text("authData"), .bytes(authData))]).encoded
        _ = try WebAuthn.verifyRegistration(attestationObject: good, clientDataJSON: clientData,
                                            expectedChallenge: r.challenge, relyingParty: rp)
        #expect(throws: WebAuthnError.malformed) {
            try WebAuthn.verifyRegistration(attestationObject: good + Data([0x00]), clientDataJSON: clientData,
                                            expectedChallenge: r.challenge, relyingParty: rp)
        }
    }

    // MARK: COSE key

    @Test("an RS256 (-257) credential key is refused as unsupported")
    func rs256Unsupported() {
        var r = SyntheticAuthenticator.Registration()
        r.coseKey = .map([(.int(1), .int(3)), (.int(3), .int(-257)),
                          (.int(-1), .bytes(Data(repeating: 0xC3, count: 256))), (.int(-2), .bytes(Data([1, 0, 1])))])
        #expect(refusal(r) == .unsupportedAlgorithm)
    }

    @Test("an ES256 key on another curve (P-384, crv 2) is refused as unsupported")
    func wrongCurve() throws {
        let authenticator = SyntheticAuthenticator.es256()
        guard case .map(var entries) = authenticator.coseKey else { Issue.record("not a map"); return }
        entries[2] = (.int(-1), .int(2))
        var r = SyntheticAuthenticator.Registration()
        r.coseKey = .map(entries)
        #expect(refusal(r, authenticator: authenticator) == .unsupportedAlgorithm)
    }

    @Test("an EdDSA key on X25519 (crv 4) or with kty EC2 is refused as unsupported")
    func wrongOKPCurveOrKeyType() throws {
        let authenticator = SyntheticAuthenticator.edDSA()
        guard case .map(var entries) = authenticator.coseKey else { Issue.record("not a map"); return }
        var r = SyntheticAuthenticator.Registration()
        entries[2] = (.int(-1), .int(4))
        r.coseKey = .map(entries)
        #expect(refusal(r, authenticator: authenticator) == .unsupportedAlgorithm)
        entries[2] = (.int(-1), .int(6))
        entries[0] = (.int(1), .int(2))
        r.coseKey = .map(entries)
        #expect(refusal(r, authenticator: authenticator) == .unsupportedAlgorithm)
    }

    @Test("COSE keys with missing members, short coordinates or a point off the curve are malformed")
    func malformedCOSEKeys() throws {
        let p256 = SyntheticAuthenticator.es256()
        let x = Data(repeating: 1, count: 32)
        let keys: [TestCBOR] = [
            .map([(.int(3), .int(-7)), (.int(-1), .int(1)), (.int(-2), .bytes(x)), (.int(-3), .bytes(x))]),  // no kty
            .map([(.int(1), .int(2)), (.int(-1), .int(1)), (.int(-2), .bytes(x)), (.int(-3), .bytes(x))]),   // no alg
            .map([(.int(1), .int(2)), (.int(3), .int(-7)), (.int(-2), .bytes(x)), (.int(-3), .bytes(x))]),   // no crv
            .map([(.int(1), .int(2)), (.int(3), .int(-7)), (.int(-1), .int(1)), (.int(-2), .bytes(x))]),     // no y
            .map([(.int(1), .int(2)), (.int(3), .int(-7)), (.int(-1), .int(1)),
                  (.int(-2), .bytes(x.prefix(31))), (.int(-3), .bytes(x))]),                                 // short x
            .map([(.int(1), .int(2)), (.int(3), .int(-7)), (.int(-1), .int(1)),
                  (.int(-2), .bytes(x)), (.int(-3), .bytes(x))]),                                            // off curve
            .map([(.int(1), .int(1)), (.int(3), .int(-8)), (.int(-1), .int(6)), (.int(-2), .bytes(x + x))]), // long OKP x
            .map([(.int(1), .text("EC2")), (.int(3), .int(-7)), (.int(-1), .int(1))]),                       // kty text
            .array([.int(2), .int(-7)]),
        ]
        for key in keys {
            var r = SyntheticAuthenticator.Registration()
            r.coseKey = key
            #expect(refusal(r, authenticator: p256) == .malformed)
        }
    }

    @Test("a reported SPKI that is not the COSE key is refused")
    func reportedKeyMismatch() {
        let authenticator = SyntheticAuthenticator.es256()
        let other = SyntheticAuthenticator.es256()
        #expect(refusal(.init(), authenticator: authenticator, reportedPublicKey: other.spki) == .publicKeyMismatch)
        #expect(refusal(.init(), authenticator: authenticator, reportedPublicKey: Data()) == .publicKeyMismatch)
        let ed = SyntheticAuthenticator.edDSA()
        #expect(refusal(.init(), authenticator: ed, reportedPublicKey: authenticator.spki) == .publicKeyMismatch)
    }

    @Test("checks run in the spec's order: clientData before authData, rpIdHash before flags")
    func checkOrder() {
        var r = SyntheticAuthenticator.Registration()
        r.type = "webauthn.get"
        r.rpID = "evil.example"
        r.flags = Flag.at  // neither UP nor UV
        r.fmt = "packed"
        #expect(refusal(r) == .wrongType)
        r.type = "webauthn.create"
        #expect(refusal(r) == .rpIDMismatch)
        r.rpID = SyntheticAuthenticator.rp.id
        #expect(refusal(r) == .userNotPresent)
        r.flags = Flag.up | Flag.at
        #expect(refusal(r) == .userNotVerified)
        r.flags |= Flag.uv
        #expect(refusal(r) == .attestationNotNone)
    }
}
