import Crypto
import Foundation
@testable import CaravanRegistry

// Helpers for the WebAuthn tests: hex, a CBOR *encoder* written independently of the decoder under test,
// a seeded random generator, and a synthetic authenticator built on swift-crypto keys.

extension Data {
    /// Bytes from a hex string; traps on bad input (test fixtures only).
    init(fixtureHex: String) {
        let digits = Array(fixtureHex.utf8)
        precondition(digits.count % 2 == 0, "odd hex length")
        var bytes = [UInt8]()
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            let text = String(decoding: digits[index..<(index + 2)], as: UTF8.self)
            guard let byte = UInt8(text, radix: 16) else { preconditionFailure("bad hex \(text)") }
            bytes.append(byte)
            index += 2
        }
        self.init(bytes)
    }

    /// Bytes from base64url (fixtures only).
    init(fixtureBase64URL: String) {
        guard let data = Base64URL.decode(fixtureBase64URL) else { preconditionFailure("bad base64url") }
        self = data
    }

    var fixtureHex: String { map { String(format: "%02x", $0) }.joined() }
}

/// A CBOR value for building test inputs, encoded with shortest-form heads (CTAP2 canonical style,
/// map entries kept in the order given so tests can also build odd maps).
indirect enum TestCBOR {
    case uint(UInt64)
    case int(Int)
    case bytes(Data)
    case text(String)
    case array([TestCBOR])
    case map([(TestCBOR, TestCBOR)])
    case bool(Bool)
    case null

    var encoded: Data {
        var out = [UInt8]()
        encode(into: &out)
        return Data(out)
    }

    static func head(_ major: UInt8, _ argument: UInt64, into out: inout [UInt8]) {
        let m = major << 5
        switch argument {
        case 0..<24:
            out.append(m | UInt8(argument))
        case 24..<0x100:
            out.append(m | 24); out.append(UInt8(argument))
        case 0x100..<0x1_0000:
            out.append(m | 25)
            out.append(contentsOf: withUnsafeBytes(of: UInt16(argument).bigEndian, Array.init))
        case 0x1_0000..<0x1_0000_0000:
            out.append(m | 26)
            out.append(contentsOf: withUnsafeBytes(of: UInt32(argument).bigEndian, Array.init))
        default:
            out.append(m | 27)
            out.append(contentsOf: withUnsafeBytes(of: argument.bigEndian, Array.init))
        }
    }

    func encode(into out: inout [UInt8]) {
        switch self {
        case .uint(let n):
            Self.head(0, n, into: &out)
        case .int(let n):
            if n >= 0 { Self.head(0, UInt64(n), into: &out) } else { Self.head(1, UInt64(-1 - n), into: &out) }
        case .bytes(let data):
            Self.head(2, UInt64(data.count), into: &out); out.append(contentsOf: data)
        case .text(let string):
            let utf8 = Array(string.utf8)
            Self.head(3, UInt64(utf8.count), into: &out); out.append(contentsOf: utf8)
        case .array(let items):
            Self.head(4, UInt64(items.count), into: &out)
            for item in items { item.encode(into: &out) }
        case .map(let entries):
            Self.head(5, UInt64(entries.count), into: &out)
            for (key, value) in entries { key.encode(into: &out); value.encode(into: &out) }
        case .bool(let value):
            out.append(value ? 0xf5 : 0xf4)
        case .null:
            out.append(0xf6)
        }
    }
}

/// SplitMix64: a small seeded generator so the fuzz-ish tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Authenticator data flag bits (WebAuthn §6.1).
enum Flag {
    static let up: UInt8 = 0x01
    static let uv: UInt8 = 0x04
    static let be: UInt8 = 0x08
    static let bs: UInt8 = 0x10
    static let at: UInt8 = 0x40
    static let ed: UInt8 = 0x80
}

/// A software authenticator plus browser: makes attestation objects, clientDataJSON and assertions the way
/// a passkey provider and a browser would, with every field overridable so each test can break one thing.
struct SyntheticAuthenticator {
    enum Key {
        case p256(P256.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    static let rp = RelyingParty(id: "caravan.example", origin: "https://caravan.example")

    let key: Key
    let credentialID: Data

    init(_ key: Key, credentialID: Data = Data((0..<32).map { UInt8($0 &* 7 &+ 3) })) {
        self.key = key
        self.credentialID = credentialID
    }

    static func es256() -> SyntheticAuthenticator { SyntheticAuthenticator(.p256(P256.Signing.PrivateKey())) }
    static func edDSA() -> SyntheticAuthenticator { SyntheticAuthenticator(.ed25519(Curve25519.Signing.PrivateKey())) }

    var algorithm: COSEAlgorithm {
        switch key {
        case .p256: return .es256
        case .ed25519: return .edDSA
        }
    }

    /// The SPKI DER a browser's getPublicKey() returns, made by swift-crypto (P-256) or by RFC 8410's layout.
    var spki: Data {
        switch key {
        case .p256(let k): return k.publicKey.derRepresentation
        case .ed25519(let k): return Data(fixtureHex: "302a300506032b6570032100") + k.publicKey.rawRepresentation
        }
    }

    /// The COSE_Key map for this key.
    var coseKey: TestCBOR {
        switch key {
        case .p256(let k):
            let raw = k.publicKey.rawRepresentation  // x ‖ y
            return .map([
                (.int(1), .int(2)), (.int(3), .int(-7)), (.int(-1), .int(1)),
                (.int(-2), .bytes(raw.prefix(32))), (.int(-3), .bytes(raw.suffix(32))),
            ])
        case .ed25519(let k):
            return .map([
                (.int(1), .int(1)), (.int(3), .int(-8)), (.int(-1), .int(6)),
                (.int(-2), .bytes(k.publicKey.rawRepresentation)),
            ])
        }
    }

    static func clientDataJSON(type: String, challenge: Data, origin: String, crossOrigin: Bool? = false,
                               extra: String = "") -> Data {
        var json = #"{"type":"\#(type)","challenge":"\#(Base64URL.encode(challenge))","origin":"\#(origin)""#
        if let crossOrigin { json += #","crossOrigin":\#(crossOrigin)"# }
        json += extra + "}"
        return Data(json.utf8)
    }

    static func authenticatorData(rpID: String, flags: UInt8, signCount: UInt32,
                                  attested: Data? = nil, extensions: Data? = nil) -> Data {
        var data = Data(SHA256.hash(data: Data(rpID.utf8)))
        data.append(flags)
        data.append(contentsOf: withUnsafeBytes(of: signCount.bigEndian, Array.init))
        if let attested { data.append(attested) }
        if let extensions { data.append(extensions) }
        return data
    }

    func attestedCredentialData(coseKey: TestCBOR? = nil) -> Data {
        var data = Data(repeating: 0xAA, count: 16)  // aaguid
        data.append(contentsOf: [UInt8(credentialID.count >> 8), UInt8(credentialID.count & 0xff)])
        data.append(credentialID)
        data.append((coseKey ?? self.coseKey).encoded)
        return data
    }

    /// Everything a registration response carries, with knobs for each way one can be wrong.
    struct Registration {
        var type = "webauthn.create"
        var challenge = Data((0..<32).map { UInt8($0) })
        var origin = SyntheticAuthenticator.rp.origin
        var crossOrigin: Bool? = false
        var rpID = SyntheticAuthenticator.rp.id
        var flags = Flag.up | Flag.uv | Flag.at
        var signCount: UInt32 = 0
        var fmt = "none"
        var attStmt = TestCBOR.map([])
        /// nil: the authenticator's real key.
        var coseKey: TestCBOR?
        /// Appended after the attested credential data (use with `Flag.ed`).
        var extensions: Data?
        /// false: no attested credential data at all.
        var includeAttestedData = true
    }

    func register(_ r: Registration = Registration()) -> (attestationObject: Data, clientDataJSON: Data) {
        let authData = Self.authenticatorData(
            rpID: r.rpID, flags: r.flags, signCount: r.signCount,
            attested: r.includeAttestedData ? attestedCredentialData(coseKey: r.coseKey) : nil,
            extensions: r.extensions)
        let object = TestCBOR.map([
            (.text("fmt"), .text(r.fmt)), (.text("attStmt"), r.attStmt), (.text("authData"), .bytes(authData)),
        ])
        return (object.encoded, Self.clientDataJSON(
            type: r.type, challenge: r.challenge, origin: r.origin, crossOrigin: r.crossOrigin))
    }

    /// Everything an assertion response carries.
    struct Assertion {
        var type = "webauthn.get"
        var challenge = Data((0..<32).map { UInt8(255 - $0) })
        var origin = SyntheticAuthenticator.rp.origin
        var crossOrigin: Bool? = false
        var rpID = SyntheticAuthenticator.rp.id
        var flags = Flag.up | Flag.uv
        var signCount: UInt32 = 1
    }

    func sign(_ message: Data) -> Data {
        switch key {
        case .p256(let k):
            // swift-crypto hashes with SHA-256 itself.
            return (try? k.signature(for: message).derRepresentation) ?? Data()
        case .ed25519(let k):
            return (try? k.signature(for: message)) ?? Data()
        }
    }

    func assert(_ a: Assertion = Assertion()) -> (authenticatorData: Data, clientDataJSON: Data, signature: Data) {
        let authData = Self.authenticatorData(rpID: a.rpID, flags: a.flags, signCount: a.signCount)
        let clientData = Self.clientDataJSON(
            type: a.type, challenge: a.challenge, origin: a.origin, crossOrigin: a.crossOrigin)
        return (authData, clientData, sign(authData + Data(SHA256.hash(data: clientData))))
    }

    func storedCredential(signCount: UInt32 = 0) -> StoredCredential {
        StoredCredential(id: credentialID, publicKey: spki, algorithm: algorithm, signCount: signCount)
    }
}
