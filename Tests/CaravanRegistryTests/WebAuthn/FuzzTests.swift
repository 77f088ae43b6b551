import Crypto
import Foundation
import Testing
@testable import CaravanRegistry

/// Hostile bytes must only ever produce a `WebAuthnError` — never a trap, a hang or a huge allocation.
/// Seeded, so a failure reproduces.
@Suite("Fuzz-ish: random, truncated and mutated inputs")
struct FuzzTests {
    let rp = SyntheticAuthenticator.rp

    /// Runs a registration; returns the error or nil. A crash would end the test process.
    func register(_ object: Data, _ clientData: Data, challenge: Data) -> WebAuthnError? {
        do {
            _ = try WebAuthn.verifyRegistration(attestationObject: object, clientDataJSON: clientData,
                                                expectedChallenge: challenge, relyingParty: rp)
            return nil
        } catch {
            return error
        }
    }

    func assert(_ credential: StoredCredential, _ authData: Data, _ clientData: Data, _ signature: Data,
                challenge: Data) -> WebAuthnError? {
        do {
            _ = try WebAuthn.verifyAssertion(credential: credential, authenticatorData: authData,
                                             clientDataJSON: clientData, signature: signature,
                                             expectedChallenge: challenge, relyingParty: rp)
            return nil
        } catch {
            return error
        }
    }

    @Test("every truncation of a valid attestation object is malformed", arguments: [false, true])
    func truncatedAttestationObject(ed: Bool) {
        let authenticator = ed ? SyntheticAuthenticator.edDSA() : SyntheticAuthenticator.es256()
        let r = SyntheticAuthenticator.Registration()
        let (object, clientData) = authenticator.register(r)
        #expect(register(object, clientData, challenge: r.challenge) == nil)
        for length in 0..<object.count {
            #expect(register(object.prefix(length), clientData, challenge: r.challenge) == .malformed, "length \(length)")
        }
    }

    @Test("every truncation of the spec's and the recorded attestation objects is malformed")
    func truncatedRealObjects() {
        typealias S = SpecVectors
        typealias R = RecordedVectors
        let cases: [(object: Data, clientData: Data, challenge: Data, rp: RelyingParty)] = [
            (S.NoneES256.attestationObject, S.NoneES256.registrationClientDataJSON, S.NoneES256.registrationChallenge, S.rp),
            (S.LongCredentialID.attestationObject, S.LongCredentialID.registrationClientDataJSON,
             S.LongCredentialID.registrationChallenge, S.rp),
            (S.PackedEd25519.attestationObject, S.PackedEd25519.registrationClientDataJSON,
             S.PackedEd25519.registrationChallenge, S.rp),
            (R.NoneRegistration.attestationObject, R.NoneRegistration.clientDataJSON, R.NoneRegistration.challenge, R.rp),
        ]
        for c in cases {
            for length in 0..<c.object.count {
                #expect(throws: WebAuthnError.malformed) {
                    try WebAuthn.verifyRegistration(
                        attestationObject: c.object.prefix(length), clientDataJSON: c.clientData,
                        expectedChallenge: c.challenge, relyingParty: c.rp, reportedPublicKey: nil,
                        requireUserVerification: false)
                }
            }
        }
    }

    @Test("every single-bit flip of a valid attestation object gives a result or a WebAuthnError, never a trap")
    func mutatedAttestationObject() {
        let authenticator = SyntheticAuthenticator.es256()
        let r = SyntheticAuthenticator.Registration()
        let (object, clientData) = authenticator.register(r)
        var outcomes = [String: Int]()
        for index in 0..<object.count {
            for bit in 0..<8 {
                var mutated = object
                mutated[index] ^= UInt8(1 << bit)
                let outcome = register(mutated, clientData, challenge: r.challenge)?.code ?? "accepted"
                outcomes[outcome, default: 0] += 1
            }
        }
        // Flips in the aaguid, credential id or sign count still register; the rest are refused.
        #expect(outcomes["accepted", default: 0] > 0)
        #expect(outcomes["webauthn-malformed", default: 0] > 0)
        #expect(outcomes["webauthn-rp-id", default: 0] > 0)
    }

    @Test("random bytes as attestation object, clientDataJSON and authenticator data are refused without trapping")
    func randomBytes() {
        var rng = SeededGenerator(seed: 0x5EED_CAFE)
        let authenticator = SyntheticAuthenticator.es256()
        let r = SyntheticAuthenticator.Registration()
        let (_, clientData) = authenticator.register(r)
        let a = SyntheticAuthenticator.Assertion()
        let (authData, assertionClientData, signature) = authenticator.assert(a)
        let credential = authenticator.storedCredential()
        for round in 0..<3_000 {
            let length = Int.random(in: 0...300, using: &rng)
            var bytes = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) })
            // Bias a third of the inputs towards CBOR maps/arrays so the decoder gets past the first byte.
            if round % 3 == 0, !bytes.isEmpty { bytes[bytes.startIndex] = [0xa3, 0xa5, 0x84, 0x59][round % 4] }
            #expect(register(bytes, clientData, challenge: r.challenge) != nil)
            #expect(register(Data(), bytes, challenge: r.challenge) != nil)
            #expect(assert(credential, bytes, assertionClientData, signature, challenge: a.challenge) != nil)
            #expect(assert(credential, authData, bytes, signature, challenge: a.challenge) != nil)
            #expect(assert(credential, authData, assertionClientData, bytes, challenge: a.challenge) == .badSignature)
        }
    }

    @Test("random authenticator data with the AT and ED flags set parses or fails as malformed, never traps")
    func randomAuthenticatorData() {
        var rng = SeededGenerator(seed: 7)
        let rpIDHash = Data(SHA256.hash(data: Data(rp.id.utf8)))
        for _ in 0..<5_000 {
            let tailLength = Int.random(in: 0...120, using: &rng)
            var tail = Data((0..<tailLength).map { _ in UInt8.random(in: 0...255, using: &rng) })
            if tail.count > 17, Bool.random(using: &rng) {
                tail[16] = 0; tail[17] = UInt8.random(in: 0...8, using: &rng)  // short credential ids
            }
            let flags = UInt8.random(in: 0...255, using: &rng) | Flag.at
            let bytes = rpIDHash + Data([flags, 0, 0, 0, 1]) + tail
            do {
                let parsed = try WebAuthn.AuthenticatorData(bytes)
                #expect(parsed.attestedCredentialData != nil)
                if let key = parsed.attestedCredentialData?.credentialPublicKey {
                    _ = try? WebAuthn.COSEKey(key)
                }
            } catch {
                #expect(error == .malformed)
            }
        }
    }

    @Test("every truncation of assertion authenticator data is malformed; every bit flip is refused")
    func truncatedAndMutatedAssertion() {
        let authenticator = SyntheticAuthenticator.edDSA()
        let a = SyntheticAuthenticator.Assertion()
        let (authData, clientData, signature) = authenticator.assert(a)
        let credential = authenticator.storedCredential()
        for length in 0..<authData.count {
            #expect(assert(credential, authData.prefix(length), clientData, signature, challenge: a.challenge)
                    == .malformed)
        }
        for index in 0..<authData.count {
            for bit in 0..<8 {
                var mutated = authData
                mutated[index] ^= UInt8(1 << bit)
                #expect(assert(credential, mutated, clientData, signature, challenge: a.challenge) != nil,
                        "byte \(index) bit \(bit)")
            }
        }
        for index in 0..<clientData.count {
            var mutated = clientData
            mutated[index] ^= 0x01
            #expect(assert(credential, authData, mutated, signature, challenge: a.challenge) != nil, "byte \(index)")
        }
    }
}
