import CaravanRegistry
import Crypto
import Foundation

/// A passkey provider and browser in software, for the server's tests: it answers the registration and signing
/// options the API gives exactly as `navigator.credentials` would (attestation `none`, user present and verified),
/// with knobs to get one thing wrong at a time. The bytes are built here, independently of the verifier.
struct SoftAuthenticator: Sendable {
    let key: P256.Signing.PrivateKey
    var credentialID: Data
    var signCount: UInt32 = 0

    init() {
        key = P256.Signing.PrivateKey()
        credentialID = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
    }

    var credentialIDText: String { Base64URL.encode(credentialID) }

    /// CBOR heads, byte strings, text strings, negative and unsigned integers and maps: what an attestation needs.
    private static func head(_ major: UInt8, _ value: Int) -> Data {
        let m = major << 5
        if value < 24 { return Data([m | UInt8(value)]) }
        if value < 0x100 { return Data([m | 24, UInt8(value)]) }
        return Data([m | 25, UInt8(value >> 8), UInt8(value & 0xff)])
    }

    private static func int(_ value: Int) -> Data { value >= 0 ? head(0, value) : head(1, -1 - value) }
    private static func bytes(_ data: Data) -> Data { head(2, data.count) + data }
    private static func text(_ string: String) -> Data { head(3, string.utf8.count) + Data(string.utf8) }

    static func clientData(type: String, challenge: String, origin: String) -> Data {
        Data(#"{"type":"\#(type)","challenge":"\#(challenge)","origin":"\#(origin)","crossOrigin":false}"#.utf8)
    }

    func authenticatorData(rpID: String, flags: UInt8, count: UInt32, attested: Bool) -> Data {
        var data = Data(SHA256.hash(data: Data(rpID.utf8)))
        data.append(flags)
        data.append(contentsOf: withUnsafeBytes(of: count.bigEndian, Array.init))
        if attested {
            data.append(Data(repeating: 0, count: 16))
            data.append(contentsOf: [UInt8(credentialID.count >> 8), UInt8(credentialID.count & 0xff)])
            data.append(credentialID)
            let raw = key.publicKey.rawRepresentation
            data.append(Self.head(5, 5) + Self.int(1) + Self.int(2) + Self.int(3) + Self.int(-7) + Self.int(-1) + Self.int(1)
                + Self.int(-2) + Self.bytes(raw.prefix(32)) + Self.int(-3) + Self.bytes(raw.suffix(32)))
        }
        return data
    }

    /// The answer to `create()`: clientDataJSON, attestationObject and getPublicKey(), each base64url.
    func register(challenge: String, rpID: String = "localhost", origin: String = "http://localhost:8080",
                  userVerified: Bool = true) -> [String: String] {
        let flags: UInt8 = 0x01 | (userVerified ? 0x04 : 0) | 0x40
        let authData = authenticatorData(rpID: rpID, flags: flags, count: signCount, attested: true)
        let attestation = Self.head(5, 3) + Self.text("fmt") + Self.text("none") + Self.text("attStmt") + Self.head(5, 0)
            + Self.text("authData") + Self.bytes(authData)
        return [
            "clientDataJSON": Base64URL.encode(Self.clientData(type: "webauthn.create", challenge: challenge, origin: origin)),
            "attestationObject": Base64URL.encode(attestation),
            "publicKey": Base64URL.encode(key.publicKey.derRepresentation),
        ]
    }

    /// The answer to `get()`: it moves its counter forward first, as authenticators that count do.
    mutating func assert(challenge: String, rpID: String = "localhost", origin: String = "http://localhost:8080",
                         count: UInt32? = nil) throws -> [String: String] {
        signCount = count ?? signCount + 1
        let authData = authenticatorData(rpID: rpID, flags: 0x05, count: signCount, attested: false)
        let clientData = Self.clientData(type: "webauthn.get", challenge: challenge, origin: origin)
        let signature = try key.signature(for: authData + Data(SHA256.hash(data: clientData)))
        return [
            "credentialId": credentialIDText,
            "clientDataJSON": Base64URL.encode(clientData),
            "authenticatorData": Base64URL.encode(authData),
            "signature": Base64URL.encode(signature.derRepresentation),
        ]
    }
}
