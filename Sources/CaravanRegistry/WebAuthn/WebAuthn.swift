import Crypto
import Foundation

/// Relying-party verification of WebAuthn ceremonies (Level 2, https://www.w3.org/TR/webauthn-2/ §7), for
/// passkeys created with `attestation: "none"`, `userVerification: "required"` and
/// `pubKeyCredParams` ES256 (-7) and EdDSA (-8).
///
/// Step numbers are those of the Level 2 Recommendation. Steps that belong to the caller are not done here:
/// looking up the user and the stored credential by id (§7.2 steps 5–7), refusing a credential id that is
/// already registered (§7.1 step 22), keeping challenges single-use, and checking client extension outputs
/// (the server requests no extensions). Token binding (§7.1 step 10, §7.2 step 14) is not used.
public enum WebAuthn {
    /// Attestation objects larger than this are refused before decoding.
    static let maxAttestationObjectLength = 65_536
    /// Signatures larger than this are refused without parsing.
    static let maxSignatureLength = 1_024

    /// Verifies a `navigator.credentials.create()` response (§7.1) and returns the credential to store.
    ///
    /// - clientDataJSON (steps 5–9): UTF-8 JSON; type "webauthn.create"; challenge (base64url) equal to
    ///   `expectedChallenge` as bytes; origin equal to `relyingParty.origin`; `crossOrigin` not true (Level 3).
    /// - attestationObject (step 12): CBOR map {fmt: text, attStmt: map, authData: bytes}, nothing after it.
    /// - authData: rpIdHash = SHA-256(rp id) (step 13), UP (step 14), UV (step 15, required), attested credential
    ///   data present (AT), credential key ES256/P-256 or EdDSA/Ed25519 (step 16), converted to SPKI DER.
    /// - fmt must be "none" with an empty attStmt (steps 18–19, §8.7); any other format is refused since the
    ///   server asks for none.
    /// - `reportedPublicKey` (from `getPublicKey()`), when given, must equal the SPKI derived from the COSE key.
    ///
    /// The returned credential carries the authData's signCount.
    public static func verifyRegistration(
        attestationObject: Data, clientDataJSON: Data, expectedChallenge: Data,
        relyingParty: RelyingParty, reportedPublicKey: Data? = nil
    ) throws(WebAuthnError) -> StoredCredential {
        try verifyRegistration(
            attestationObject: attestationObject, clientDataJSON: clientDataJSON,
            expectedChallenge: expectedChallenge, relyingParty: relyingParty,
            reportedPublicKey: reportedPublicKey, requireUserVerification: true)
    }

    /// Verifies a `navigator.credentials.get()` response (§7.2) against the stored credential and returns the new
    /// signature counter to store.
    ///
    /// - clientDataJSON (steps 9–13): type "webauthn.get", challenge, origin, `crossOrigin` not true.
    /// - authenticatorData: rpIdHash (step 15), UP (step 16), UV (step 17, required).
    /// - signature (steps 19–20) over authenticatorData ‖ SHA-256(clientDataJSON) with the stored key:
    ///   ES256 as DER ECDSA, EdDSA as raw 64 bytes.
    /// - signCount (step 21): if either the stored or the new count is non-zero the new one must be greater,
    ///   else `.signCountRegressed` (a possibly cloned authenticator); 0 → 0 is allowed for authenticators
    ///   that do not count.
    public static func verifyAssertion(
        credential: StoredCredential, authenticatorData: Data, clientDataJSON: Data,
        signature: Data, expectedChallenge: Data, relyingParty: RelyingParty
    ) throws(WebAuthnError) -> UInt32 {
        try verifyAssertion(
            credential: credential, authenticatorData: authenticatorData, clientDataJSON: clientDataJSON,
            signature: signature, expectedChallenge: expectedChallenge, relyingParty: relyingParty,
            requireUserVerification: true)
    }

    // MARK: - Internal variants

    /// §7.1 with user verification optional (step 15 is conditional in the spec). The server always requires
    /// it; tests use `false` to run the spec's test vectors, whose authenticators did not set UV.
    static func verifyRegistration(
        attestationObject: Data, clientDataJSON: Data, expectedChallenge: Data,
        relyingParty: RelyingParty, reportedPublicKey: Data?, requireUserVerification: Bool
    ) throws(WebAuthnError) -> StoredCredential {
        // Steps 5–9.
        let clientData = try ClientData(json: clientDataJSON)
        try clientData.verify(
            expectedType: "webauthn.create", expectedChallenge: expectedChallenge, relyingParty: relyingParty)

        // Step 12: decode the attestation object.
        guard attestationObject.count <= maxAttestationObjectLength else { throw .malformed }
        let object = try CBORDecoder.decodeComplete(attestationObject)
        guard case .map = object,
              case .text(let fmt)? = object[text: "fmt"],
              let attStmt = object[text: "attStmt"], case .map(let statementEntries) = attStmt,
              case .bytes(let authDataBytes)? = object[text: "authData"]
        else { throw .malformed }
        let authData = try AuthenticatorData(bytes: authDataBytes)

        // Steps 13–15.
        try checkRelyingPartyAndUser(authData, relyingParty: relyingParty,
                                     requireUserVerification: requireUserVerification)

        // Step 16: the credential public key and its algorithm.
        guard authData.flags.contains(.attestedCredentialData),
              let attested = authData.attestedCredentialData
        else { throw .noCredentialData }
        let key = try COSEKey(attested.credentialPublicKey)

        // Steps 18–19: only "none", whose attStmt is the empty map (§8.7).
        guard fmt == "none" else { throw .attestationNotNone }
        guard statementEntries.isEmpty else { throw .malformed }

        if let reportedPublicKey {
            guard reportedPublicKey == key.subjectPublicKeyInfo else { throw .publicKeyMismatch }
        }

        return StoredCredential(
            id: Data(attested.credentialID), publicKey: key.subjectPublicKeyInfo,
            algorithm: key.algorithm, signCount: authData.signCount)
    }

    /// §7.2 with user verification optional (step 17 is conditional in the spec); see the registration variant.
    static func verifyAssertion(
        credential: StoredCredential, authenticatorData: Data, clientDataJSON: Data,
        signature: Data, expectedChallenge: Data, relyingParty: RelyingParty, requireUserVerification: Bool
    ) throws(WebAuthnError) -> UInt32 {
        // Steps 9–13.
        let clientData = try ClientData(json: clientDataJSON)
        try clientData.verify(
            expectedType: "webauthn.get", expectedChallenge: expectedChallenge, relyingParty: relyingParty)

        // Steps 15–17.
        let authData = try AuthenticatorData(authenticatorData)
        try checkRelyingPartyAndUser(authData, relyingParty: relyingParty,
                                     requireUserVerification: requireUserVerification)

        // Steps 19–20: signature over authenticatorData ‖ SHA-256(clientDataJSON).
        guard signature.count <= maxSignatureLength else { throw .badSignature }
        let clientDataHash = Data(SHA256.hash(data: clientDataJSON))
        try COSEKey.verify(
            signature: signature, message: authenticatorData + clientDataHash,
            subjectPublicKeyInfo: credential.publicKey, algorithm: credential.algorithm)

        // Step 21: the signature counter.
        let stored = credential.signCount
        let received = authData.signCount
        if stored != 0 || received != 0 {
            guard received > stored else { throw .signCountRegressed }
        }
        return received
    }

    /// §7.1 steps 13–15 and §7.2 steps 15–17: rpIdHash, User Present, User Verified.
    private static func checkRelyingPartyAndUser(
        _ authData: AuthenticatorData, relyingParty: RelyingParty, requireUserVerification: Bool
    ) throws(WebAuthnError) {
        let expectedHash = [UInt8](SHA256.hash(data: Data(relyingParty.id.utf8)))
        guard constantTimeEqual(authData.rpIDHash, expectedHash) else { throw .rpIDMismatch }
        guard authData.flags.contains(.userPresent) else { throw .userNotPresent }
        if requireUserVerification {
            guard authData.flags.contains(.userVerified) else { throw .userNotVerified }
        }
    }
}
