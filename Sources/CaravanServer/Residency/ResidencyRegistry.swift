import CaravanPermits
import CaravanRegistry
import Crypto
import Foundation
import Vapor

/// What the residency feature runs on, loaded once at start: the refusal and revocation grounds, the registry's
/// Ed25519 signing key (made at first start in `<data>/signing/registry-ed25519.key`, published at
/// `/.well-known/caravan-registry-key`), the programme's settings, and the relying party passkeys are made for
/// (from `CARAVAN_BASE_URL`).
struct ResidencyRegistry: Sendable {
    let grounds: ResidencyGrounds
    let signingKey: Curve25519.Signing.PrivateKey
    let relyingParty: RelyingParty
    let decisionWorkingDays: Int
    let validityYears: Int
    /// How long a WebAuthn challenge may be answered.
    let challengeLifetime: TimeInterval

    var publicKey: Curve25519.Signing.PublicKey { signingKey.publicKey }
    var publicKeyBase64: String { publicKey.rawRepresentation.base64EncodedString() }

    static func load(configuration: AppConfiguration) throws -> ResidencyRegistry {
        guard let relyingParty = RelyingParty(baseURL: configuration.baseURL.absoluteString) else {
            throw Abort(.internalServerError, reason: "CARAVAN_BASE_URL has no host for passkeys")
        }
        return ResidencyRegistry(
            grounds: try ResidencyGrounds.bundled(),
            signingKey: try PermitSigner.loadOrCreateKey(SigningKeyFile.registry, in: configuration.dataDirectory),
            relyingParty: relyingParty,
            decisionWorkingDays: configuration.residencyDecisionWorkingDays,
            validityYears: configuration.residencyValidityYears,
            challengeLifetime: 300
        )
    }

    func sign(_ card: ResidencyCard) throws -> ResidencyCard.Signed {
        try ResidencyCard.sign(card, with: signingKey)
    }
}

extension Application {
    private struct ResidencyRegistryKey: StorageKey {
        typealias Value = ResidencyRegistry
    }

    var residencyRegistry: ResidencyRegistry {
        get {
            guard let registry = storage[ResidencyRegistryKey.self] else { preconditionFailure("configure loads the residency registry") }
            return registry
        }
        set { storage[ResidencyRegistryKey.self] = newValue }
    }
}
