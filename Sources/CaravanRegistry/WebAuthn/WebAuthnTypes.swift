import Crypto
import Foundation

/// The credential public key algorithms the server offers in `pubKeyCredParams` (COSE algorithm identifiers,
/// WebAuthn Level 2 §5.8.5, IANA COSE Algorithms registry).
public enum COSEAlgorithm: Int, Sendable, Codable {
    /// ECDSA with SHA-256 on P-256.
    case es256 = -7
    /// Ed25519.
    case edDSA = -8

    public var name: String {
        switch self {
        case .es256: return "ES256"
        case .edDSA: return "EdDSA"
        }
    }
}

/// The relying party as the server's base URL states it: origin "https://caravan.example" or
/// "http://localhost:8080"; id = host (WebAuthn Level 2 §5.1.2 "RP ID", §5.8.1 `origin`).
public struct RelyingParty: Sendable, Equatable {
    /// The RP ID, e.g. "localhost". Its SHA-256 is the `rpIdHash` in authenticator data.
    public let id: String
    /// The serialized origin, `scheme://host[:port]` with no trailing slash, as browsers put it in clientDataJSON.
    public let origin: String

    public init(id: String, origin: String) {
        self.id = id
        self.origin = origin
    }

    /// Derives both from a base URL like "http://localhost:8080/". The scheme and host are lowercased and a default
    /// port (80 for http, 443 for https) is left out, as in a browser's origin serialization; path, query and
    /// user info are ignored. `nil` when the URL does not parse, has no host, or is not http(s).
    /// Whether an IP address or plain http is acceptable is decided elsewhere.
    public init?(baseURL: String) {
        guard let components = URLComponents(string: baseURL),
              let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https",
              var host = components.host?.lowercased(),
              !host.isEmpty
        else { return nil }
        // IPv6 literals: the origin keeps the brackets, the id does not.
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        guard !host.isEmpty else { return nil }
        var origin = scheme + "://" + (host.contains(":") ? "[\(host)]" : host)
        if let port = components.port {
            guard (0...65_535).contains(port) else { return nil }
            let defaultPort = scheme == "https" ? 443 : 80
            if port != defaultPort { origin += ":\(port)" }
        }
        self.init(id: host, origin: origin)
    }
}

/// What the server keeps of a passkey: never a private key.
public struct StoredCredential: Sendable, Equatable, Codable {
    /// The raw credential id.
    public let id: Data
    /// SubjectPublicKeyInfo DER (what the browser's `getPublicKey()` returns).
    public let publicKey: Data
    public let algorithm: COSEAlgorithm
    /// The last signature counter seen (§6.1.1); 0 for authenticators that do not count.
    public var signCount: UInt32

    public init(id: Data, publicKey: Data, algorithm: COSEAlgorithm, signCount: UInt32) {
        self.id = id
        self.publicKey = publicKey
        self.algorithm = algorithm
        self.signCount = signCount
    }

    /// Lowercase hex SHA-256 of `publicKey` (the SPKI DER).
    public var fingerprint: String {
        SHA256.hash(data: publicKey).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 0x10 ? "0" + hex : hex
        }.joined()
    }
}

/// Why a ceremony was refused. `code` is a stable key for logs, metrics and localized messages.
public enum WebAuthnError: Error, Sendable, Equatable {
    /// Bytes that do not parse (CBOR, authenticator data too short, clientDataJSON not JSON…).
    case malformed
    /// `clientData.type` is not the ceremony's.
    case wrongType
    case challengeMismatch
    case originMismatch
    /// `clientData.crossOrigin` is true.
    case crossOrigin
    /// `rpIdHash` is not SHA-256 of the RP ID.
    case rpIDMismatch
    case userNotPresent
    case userNotVerified
    /// Registration without the AT flag / attested credential data.
    case noCredentialData
    /// An attestation format other than "none".
    case attestationNotNone
    /// A credential key other than ES256 on P-256 or EdDSA on Ed25519.
    case unsupportedAlgorithm
    /// The SPKI the browser reported differs from the COSE key in the authenticator data.
    case publicKeyMismatch
    /// The signature counter did not increase.
    case signCountRegressed
    case badSignature

    public var code: String {
        switch self {
        case .malformed: return "webauthn-malformed"
        case .wrongType: return "webauthn-wrong-type"
        case .challengeMismatch: return "webauthn-challenge"
        case .originMismatch: return "webauthn-origin"
        case .crossOrigin: return "webauthn-cross-origin"
        case .rpIDMismatch: return "webauthn-rp-id"
        case .userNotPresent: return "webauthn-user-not-present"
        case .userNotVerified: return "webauthn-user-not-verified"
        case .noCredentialData: return "webauthn-no-credential"
        case .attestationNotNone: return "webauthn-attestation"
        case .unsupportedAlgorithm: return "webauthn-algorithm"
        case .publicKeyMismatch: return "webauthn-public-key-mismatch"
        case .signCountRegressed: return "webauthn-sign-count"
        case .badSignature: return "webauthn-signature"
        }
    }
}
