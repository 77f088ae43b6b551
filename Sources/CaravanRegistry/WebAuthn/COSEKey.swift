import Crypto
import Foundation

// Internal types live inside `WebAuthn` so that other files of the module cannot clash with them.
extension WebAuthn {
    /// A credential public key as COSE_Key (RFC 8152 §7, WebAuthn Level 2 §6.5.1.1), checked and converted to
    /// the SubjectPublicKeyInfo DER that browsers return from `getPublicKey()` and that the server stores.
    ///
    /// Only the two algorithms the server offers in `pubKeyCredParams` are accepted (§7.1 step 16):
    /// - ES256 (-7): kty EC2 (2), crv P-256 (1), 32-byte x and y, a point on the curve;
    /// - EdDSA (-8): kty OKP (1), crv Ed25519 (6), 32-byte x.
    struct COSEKey: Sendable, Equatable {
        let algorithm: COSEAlgorithm
        /// SubjectPublicKeyInfo DER.
        let subjectPublicKeyInfo: Data

        // COSE key labels and values (RFC 8152 §7.1, §13).
        private static let labelKty = 1
        private static let labelAlg = 3
        private static let labelCrv = -1
        private static let labelX = -2
        private static let labelY = -3
        private static let ktyOKP = 1
        private static let ktyEC2 = 2
        private static let crvP256 = 1
        private static let crvEd25519 = 6

        /// SPKI prefix for an uncompressed P-256 point: SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING 04‖x‖y }.
        static let p256SPKIPrefix: [UInt8] = [
            0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
            0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
        ]
        /// SPKI prefix for Ed25519 (RFC 8410): SEQUENCE { SEQUENCE { id-Ed25519 }, BIT STRING x }.
        static let ed25519SPKIPrefix: [UInt8] = [
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ]

        /// Checks kty/alg/crv and the coordinates.
        /// An algorithm, key type or curve other than the two above is `.unsupportedAlgorithm`;
        /// a key that is not a map, lacks a member, has the wrong member type or length, or is not a valid point is `.malformed`.
        init(_ key: CBORValue) throws(WebAuthnError) {
            guard case .map = key else { throw .malformed }
            guard let kty = key[int: Self.labelKty]?.intValue,
                  let alg = key[int: Self.labelAlg]?.intValue
            else { throw .malformed }
            guard let algorithm = COSEAlgorithm(rawValue: alg) else { throw .unsupportedAlgorithm }
            let crv = key[int: Self.labelCrv]?.intValue

            switch algorithm {
            case .es256:
                guard kty == Self.ktyEC2 else { throw .unsupportedAlgorithm }
                guard let crv else { throw .malformed }
                guard crv == Self.crvP256 else { throw .unsupportedAlgorithm }
                guard case .bytes(let x)? = key[int: Self.labelX], x.count == 32,
                      case .bytes(let y)? = key[int: Self.labelY], y.count == 32
                else { throw .malformed }
                // Refuse points that are not on the curve.
                do {
                    _ = try P256.Signing.PublicKey(x963Representation: [0x04] + x + y)
                } catch {
                    throw .malformed
                }
                subjectPublicKeyInfo = Data(Self.p256SPKIPrefix + x + y)
            case .edDSA:
                guard kty == Self.ktyOKP else { throw .unsupportedAlgorithm }
                guard let crv else { throw .malformed }
                guard crv == Self.crvEd25519 else { throw .unsupportedAlgorithm }
                guard case .bytes(let x)? = key[int: Self.labelX], x.count == 32 else { throw .malformed }
                do {
                    _ = try Curve25519.Signing.PublicKey(rawRepresentation: x)
                } catch {
                    throw .malformed
                }
                subjectPublicKeyInfo = Data(Self.ed25519SPKIPrefix + x)
            }
            self.algorithm = algorithm
        }

        /// Verifies `signature` over `message` with a stored SPKI key (§7.2 step 20; signature formats in §6.5.5):
        /// ES256 takes an ASN.1 DER ECDSA signature over SHA-256(message), EdDSA a raw 64-byte Ed25519 signature.
        /// A stored key that does not parse is `.malformed`; a signature that does not parse or does not verify is
        /// `.badSignature`.
        static func verify(signature: Data, message: Data, subjectPublicKeyInfo spki: Data,
                           algorithm: COSEAlgorithm) throws(WebAuthnError) {
            switch algorithm {
            case .es256:
                let key: P256.Signing.PublicKey
                do {
                    key = try P256.Signing.PublicKey(derRepresentation: spki)
                } catch {
                    throw .malformed
                }
                let ecdsa: P256.Signing.ECDSASignature
                do {
                    ecdsa = try P256.Signing.ECDSASignature(derRepresentation: signature)
                } catch {
                    throw .badSignature
                }
                guard key.isValidSignature(ecdsa, for: message) else { throw .badSignature }
            case .edDSA:
                let bytes = [UInt8](spki)
                guard bytes.count == Self.ed25519SPKIPrefix.count + 32,
                      bytes.starts(with: Self.ed25519SPKIPrefix)
                else { throw .malformed }
                let key: Curve25519.Signing.PublicKey
                do {
                    key = try Curve25519.Signing.PublicKey(rawRepresentation: bytes[Self.ed25519SPKIPrefix.count...])
                } catch {
                    throw .malformed
                }
                guard signature.count == 64, key.isValidSignature(signature, for: message) else { throw .badSignature }
            }
        }
    }
}
