import Crypto
import Foundation
import Testing
@testable import CaravanRegistry

/// Responses recorded from real browsers and authenticators, as kept in the test suite of duo-labs/py_webauthn
/// (tests/test_verify_registration_response.py and tests/test_verify_authentication_response.py), byte for byte:
/// RP ID "localhost", origin "http://localhost:5000".
enum RecordedVectors {
    static let rp = RelyingParty(id: "localhost", origin: "http://localhost:5000")

    static func coseCredential(_ coseKeyBase64URL: String, signCount: UInt32) throws -> StoredCredential {
        let key = try WebAuthn.COSEKey(WebAuthn.CBORDecoder.decodeComplete(Data(fixtureBase64URL: coseKeyBase64URL)))
        return StoredCredential(id: Data(), publicKey: key.subjectPublicKeyInfo, algorithm: key.algorithm,
                                signCount: signCount)
    }

    /// `test_verifies_none_attestation_response`: fmt "none", ES256, flags 0x45 (UP, UV, AT), signCount 23.
    enum NoneRegistration {
        static let attestationObject = Data(fixtureBase64URL:
            "o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVjESZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2NFAAAAFwAAAAAAAAAAAAAAAA" +
            "AAAAAAQPctcQPE5oNRRJk_nO_371mf7qE7qIodzr0eOf6ACvnMB1oQG165dqutoi1U44shGezu5_gkTjmOPeJO0N8a7P-lAQIDJiABIVgg" +
            "SFbUJF-42Ug3pdM8rDRFu_N5oiVEysPDB6n66r_7dZAiWCDUVnB39FlGypL-qAoIO9xWHtJygo2jfDmHl-_eKFRLDA")
        static let clientDataJSON = Data(fixtureBase64URL:
            "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiVHdON240V1R5R0tMYzRaWS1xR3NGcUtuSE00bmdscXN5VjBJQ0psTj" +
            "JUTzlYaVJ5RnRya2FEd1V2c3FsLWdrTEpYUDZmbkYxTWxyWjUzTW00UjdDdnciLCJvcmlnaW4iOiJodHRwOi8vbG9jYWxob3N0OjUwMDAi" +
            "LCJjcm9zc09yaWdpbiI6ZmFsc2V9")
        static let challenge = Data(fixtureBase64URL:
            "TwN7n4WTyGKLc4ZY-qGsFqKnHM4nglqsyV0ICJlN2TO9XiRyFtrkaDwUvsql-gkLJXP6fnF1MlrZ53Mm4R7Cvw")
        static let credentialID = Data(fixtureBase64URL:
            "9y1xA8Tmg1FEmT-c7_fvWZ_uoTuoih3OvR45_oAK-cwHWhAbXrl2q62iLVTjiyEZ7O7n-CROOY494k7Q3xrs_w")
        static let coseKey =
            "pQECAyYgASFYIEhW1CRfuNlIN6XTPKw0RbvzeaIlRMrDwwep-uq_-3WQIlgg1FZwd_RZRsqS_qgKCDvcVh7ScoKNo3w5h5fv3ihUSww"
    }

    /// `test_supports_multiple_expected_origins` (authentication): ES256, flags 0x05 (UP, UV),
    /// stored count 1625263263, new count 1625263266.
    enum ES256Assertion {
        static let authenticatorData = Data(fixtureBase64URL: "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFYN-Mog")
        static let clientDataJSON = Data(fixtureBase64URL:
            "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiNnpyU1JYOEN4d1BTWEVBclh5WEwydHBiNnJCN1N0YXIwckxWSWo1cnZm" +
            "NzRtWktGNWlyNzE1WG1nejV0QV9HeUhleE40b1hmclE4ODlBclZDTGFSZEEiLCJvcmlnaW4iOiJodHRwOi8vbG9jYWxob3N0OjUwMDAi" +
            "LCJjcm9zc09yaWdpbiI6ZmFsc2V9")
        static let signature = Data(fixtureBase64URL:
            "MEUCIQDBqeI274exaKWGQz37g7yo1--TVcZSCcYVftZ1AnEJkQIgNw-nlx-_U9rVfFfER8oX6BlYZTuPFyGaL_wCDY23s0E")
        static let challenge = Data(fixtureBase64URL:
            "6zrSRX8CxwPSXEArXyXL2tpb6rB7Star0rLVIj5rvf74mZKF5ir715Xmgz5tA_GyHexN4oXfrQ889ArVCLaRdA")
        static let coseKey =
            "pQECAyYgASFYIFm1Py-FzzFOuwXbRbTr95SiDxuB1BkZsEEJxFhquzqkIlggL1U1T713Jo_2muzhXvpbwRNdoAs8CYK6PflvY1MBdCI"
        static let storedSignCount: UInt32 = 1_625_263_263
    }

    /// `test_verify_authentication_response_with_EC2_public_key`: an older browser's clientData (members in
    /// another order, plus `clientExtensions` and `hashAlgorithm`), flags 0x01 (UP only), count 77 → 78.
    enum ES256AssertionWithoutUV {
        static let authenticatorData = Data(fixtureBase64URL: "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MBAAAATg")
        static let clientDataJSON = Data(fixtureBase64URL:
            "eyJjaGFsbGVuZ2UiOiJ4aTMwR1BHQUZZUnhWRHBZMXNNMTBEYUx6VlFHNjZudi1fN1JVYXpIMHZJMll2RzhMWWdERW52TjVmWlpOVnV2" +
            "RUR1TWk5dGUzVkxxYjQyTjBma0xHQSIsImNsaWVudEV4dGVuc2lvbnMiOnt9LCJoYXNoQWxnb3JpdGhtIjoiU0hBLTI1NiIsIm9yaWdp" +
            "biI6Imh0dHA6Ly9sb2NhbGhvc3Q6NTAwMCIsInR5cGUiOiJ3ZWJhdXRobi5nZXQifQ")
        static let signature = Data(fixtureBase64URL:
            "MEUCIGisVZOBapCWbnJJvjelIzwpixxIwkjCCb5aCHafQu68AiEA88v-2pJNNApPFwAKFiNuf82-2hBxYW5kGwVweeoxCwo")
        static let challenge = Data(fixtureBase64URL:
            "xi30GPGAFYRxVDpY1sM10DaLzVQG66nv-_7RUazH0vI2YvG8LYgDEnvN5fZZNVuvEDuMi9te3VLqb42N0fkLGA")
        static let coseKey =
            "pQECAyYgASFYIIeDTe-gN8A-zQclHoRnGFWN8ehM1b7yAsa8I8KIvmplIlgg4nFGT5px8o6gpPZZhO01wdy9crDSA_Ngtkx0vGpvPHI"
        static let storedSignCount: UInt32 = 77
    }

    /// `test_verify_authentication_response_with_OKP_public_key`: EdDSA (Ed25519), flags 0x01, count 3 → 7.
    enum EdDSAAssertion {
        static let authenticatorData = Data(fixtureBase64URL: "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MBAAAABw")
        static let clientDataJSON = Data(fixtureBase64URL:
            "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiZVo0ZWVBM080ank1Rkl6cURhU0o2SkROR3UwYkJjNXpJMURqUV9rTHNv" +
            "MVdOcWtHNms1bUNZZjFkdFFoVlVpQldaV2xaa3pSNU1GZWVXQ3BKUlVOWHciLCJvcmlnaW4iOiJodHRwOi8vbG9jYWxob3N0OjUwMDAi" +
            "LCJjcm9zc09yaWdpbiI6ZmFsc2V9")
        static let signature = Data(fixtureBase64URL:
            "RRWV8mYDRvK7YdQgdtZD4pJ2dh1D_IWZ_D6jsZo6FHJBoenbj0CVT5nA20vUzlRhN4R6dOEUHmUwP1F8eRBhBg")
        static let challenge = Data(fixtureBase64URL:
            "eZ4eeA3O4jy5FIzqDaSJ6JDNGu0bBc5zI1DjQ_kLso1WNqkG6k5mCYf1dtQhVUiBWZWlZkzR5MFeeWCpJRUNXw")
        static let coseKey = "pAEBAycgBiFYIMz6_SUFLiDid2Yhlq0YboyJ-CDrIrNpkPUGmJp4D3Dp"
        static let storedSignCount: UInt32 = 3
    }

    /// `test_raises_exception_on_uv_required_but_false`: ES256, flags 0x01, count 32 → 33.
    enum UVRequiredButFalse {
        static let authenticatorData = Data(fixtureBase64URL: "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MBAAAAIQ")
        static let clientDataJSON = Data(fixtureBase64URL:
            "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoidW1HZW1YSklQQlhQeGtEOEhqYW51djlCRG9yOFo3TzNhUGR0T2dNQ2RX" +
            "NFBBZnFEWDQzRUZsaHJzRjBQVzkwZGY1enJnYnQ3WVZNUkFhMjd0Q2RIenciLCJvcmlnaW4iOiJodHRwOi8vbG9jYWxob3N0OjUwMDAi" +
            "LCJjcm9zc09yaWdpbiI6ZmFsc2V9")
        static let signature = Data(fixtureBase64URL:
            "MEUCIGp5ADnU_SFvT4J_bKvQJ4Pc1GmANhbYq5GioOLjyUrxAiEA6Kk5qAZb8MLY-jyTiJLr_R9Fke02UHkxsRB0dnZt2X8")
        static let challenge = Data(fixtureBase64URL:
            "umGemXJIPBXPxkD8Hjanuv9BDor8Z7O3aPdtOgMCdW4PAfqDX43EFlhrsF0PW90df5zrgbt7YVMRAa27tCdHzw")
        static let coseKey =
            "pQECAyYgASFYIOQ5TKpXJR2cV76Wgfge9BkLkEhLxVjhFjM1jKHYOcqpIlggaiNy1blt3OU8Hsmg041HUYP7eajgL7fk3nSuTEjYCwU"
        static let storedSignCount: UInt32 = 32
    }
}

@Suite("Recorded browser responses (py_webauthn fixtures)")
struct RecordedVectorTests {
    typealias R = RecordedVectors

    @Test("a recorded none/ES256 registration verifies: credential id, COSE key as SPKI, sign count 23")
    func noneRegistration() throws {
        let expectedKey = try R.coseCredential(R.NoneRegistration.coseKey, signCount: 0).publicKey
        let credential = try WebAuthn.verifyRegistration(
            attestationObject: R.NoneRegistration.attestationObject, clientDataJSON: R.NoneRegistration.clientDataJSON,
            expectedChallenge: R.NoneRegistration.challenge, relyingParty: R.rp, reportedPublicKey: expectedKey)
        #expect(credential.id == R.NoneRegistration.credentialID)
        #expect(credential.algorithm == .es256)
        #expect(credential.signCount == 23)
        #expect(credential.publicKey == expectedKey)
        #expect(try P256.Signing.PublicKey(derRepresentation: credential.publicKey).derRepresentation
                == credential.publicKey)
    }

    @Test("the recorded registration is refused on the production origin and RP ID")
    func noneRegistrationElsewhere() {
        let production = RelyingParty(id: "caravan.example", origin: "https://caravan.example")
        #expect(throws: WebAuthnError.originMismatch) {
            try WebAuthn.verifyRegistration(
                attestationObject: R.NoneRegistration.attestationObject,
                clientDataJSON: R.NoneRegistration.clientDataJSON,
                expectedChallenge: R.NoneRegistration.challenge, relyingParty: production)
        }
        let otherID = RelyingParty(id: "127.0.0.1", origin: R.rp.origin)
        #expect(throws: WebAuthnError.rpIDMismatch) {
            try WebAuthn.verifyRegistration(
                attestationObject: R.NoneRegistration.attestationObject,
                clientDataJSON: R.NoneRegistration.clientDataJSON,
                expectedChallenge: R.NoneRegistration.challenge, relyingParty: otherID)
        }
    }

    @Test("a recorded ES256 assertion with UV verifies and returns the authenticator's new count")
    func es256Assertion() throws {
        let credential = try R.coseCredential(R.ES256Assertion.coseKey, signCount: R.ES256Assertion.storedSignCount)
        let count = try WebAuthn.verifyAssertion(
            credential: credential, authenticatorData: R.ES256Assertion.authenticatorData,
            clientDataJSON: R.ES256Assertion.clientDataJSON, signature: R.ES256Assertion.signature,
            expectedChallenge: R.ES256Assertion.challenge, relyingParty: R.rp)
        #expect(count == 1_625_263_266)

        // Replayed once the server has stored that count, it is refused.
        var after = credential
        after.signCount = count
        #expect(throws: WebAuthnError.signCountRegressed) {
            try WebAuthn.verifyAssertion(
                credential: after, authenticatorData: R.ES256Assertion.authenticatorData,
                clientDataJSON: R.ES256Assertion.clientDataJSON, signature: R.ES256Assertion.signature,
                expectedChallenge: R.ES256Assertion.challenge, relyingParty: R.rp)
        }
    }

    @Test("a recorded assertion checked against another recorded credential's key is a bad signature")
    func es256AssertionOtherKey() throws {
        let other = try R.coseCredential(R.ES256AssertionWithoutUV.coseKey, signCount: 0)
        #expect(throws: WebAuthnError.badSignature) {
            try WebAuthn.verifyAssertion(
                credential: other, authenticatorData: R.ES256Assertion.authenticatorData,
                clientDataJSON: R.ES256Assertion.clientDataJSON, signature: R.ES256Assertion.signature,
                expectedChallenge: R.ES256Assertion.challenge, relyingParty: R.rp)
        }
    }

    @Test("a recorded UP-only ES256 assertion (older clientData layout) verifies when UV is optional, 77 → 78")
    func es256WithoutUV() throws {
        let credential = try R.coseCredential(
            R.ES256AssertionWithoutUV.coseKey, signCount: R.ES256AssertionWithoutUV.storedSignCount)
        #expect(try WebAuthn.verifyAssertion(
            credential: credential, authenticatorData: R.ES256AssertionWithoutUV.authenticatorData,
            clientDataJSON: R.ES256AssertionWithoutUV.clientDataJSON, signature: R.ES256AssertionWithoutUV.signature,
            expectedChallenge: R.ES256AssertionWithoutUV.challenge, relyingParty: R.rp,
            requireUserVerification: false) == 78)
        #expect(throws: WebAuthnError.userNotVerified) {
            try WebAuthn.verifyAssertion(
                credential: credential, authenticatorData: R.ES256AssertionWithoutUV.authenticatorData,
                clientDataJSON: R.ES256AssertionWithoutUV.clientDataJSON,
                signature: R.ES256AssertionWithoutUV.signature,
                expectedChallenge: R.ES256AssertionWithoutUV.challenge, relyingParty: R.rp)
        }
    }

    @Test("a recorded EdDSA (Ed25519) assertion verifies with the COSE OKP key, 3 → 7")
    func edDSAAssertion() throws {
        let credential = try R.coseCredential(R.EdDSAAssertion.coseKey, signCount: R.EdDSAAssertion.storedSignCount)
        #expect(credential.algorithm == .edDSA)
        #expect(credential.publicKey.count == 44)
        #expect(try WebAuthn.verifyAssertion(
            credential: credential, authenticatorData: R.EdDSAAssertion.authenticatorData,
            clientDataJSON: R.EdDSAAssertion.clientDataJSON, signature: R.EdDSAAssertion.signature,
            expectedChallenge: R.EdDSAAssertion.challenge, relyingParty: R.rp, requireUserVerification: false) == 7)
        // The authenticator did not verify the user: the server's API refuses it.
        #expect(throws: WebAuthnError.userNotVerified) {
            try WebAuthn.verifyAssertion(
                credential: credential, authenticatorData: R.EdDSAAssertion.authenticatorData,
                clientDataJSON: R.EdDSAAssertion.clientDataJSON, signature: R.EdDSAAssertion.signature,
                expectedChallenge: R.EdDSAAssertion.challenge, relyingParty: R.rp)
        }
    }

    @Test("py_webauthn's UV-required-but-false response is refused for UV, and is otherwise valid (32 → 33)")
    func uvRequiredButFalse() throws {
        let credential = try R.coseCredential(
            R.UVRequiredButFalse.coseKey, signCount: R.UVRequiredButFalse.storedSignCount)
        #expect(throws: WebAuthnError.userNotVerified) {
            try WebAuthn.verifyAssertion(
                credential: credential, authenticatorData: R.UVRequiredButFalse.authenticatorData,
                clientDataJSON: R.UVRequiredButFalse.clientDataJSON, signature: R.UVRequiredButFalse.signature,
                expectedChallenge: R.UVRequiredButFalse.challenge, relyingParty: R.rp)
        }
        #expect(try WebAuthn.verifyAssertion(
            credential: credential, authenticatorData: R.UVRequiredButFalse.authenticatorData,
            clientDataJSON: R.UVRequiredButFalse.clientDataJSON, signature: R.UVRequiredButFalse.signature,
            expectedChallenge: R.UVRequiredButFalse.challenge, relyingParty: R.rp,
            requireUserVerification: false) == 33)
    }
}
