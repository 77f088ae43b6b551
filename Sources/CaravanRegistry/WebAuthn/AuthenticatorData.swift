import Foundation

// Internal types live inside `WebAuthn` so that other files of the module cannot clash with them.
extension WebAuthn {
    /// Authenticator data (WebAuthn Level 2 §6.1):
    ///
    ///     rpIdHash (32) ‖ flags (1) ‖ signCount (4, big-endian)
    ///     ‖ attestedCredentialData (if AT)  ‖ extensions CBOR map (if ED)
    ///
    /// and attested credential data (§6.5.1):
    ///
    ///     aaguid (16) ‖ credentialIdLength (2, big-endian) ‖ credentialId ‖ credentialPublicKey (COSE_Key, CBOR)
    ///
    /// Parsing is structural only; the ceremonies in `WebAuthn` decide what the flags and values must be.
    /// Every failure is `WebAuthnError.malformed`.
    struct AuthenticatorData: Sendable, Equatable {
        struct Flags: OptionSet, Sendable, Equatable {
            let rawValue: UInt8
            static let userPresent = Flags(rawValue: 0x01)             // UP, bit 0
            static let userVerified = Flags(rawValue: 0x04)            // UV, bit 2
            static let backupEligible = Flags(rawValue: 0x08)          // BE, bit 3 (Level 3)
            static let backupState = Flags(rawValue: 0x10)             // BS, bit 4 (Level 3)
            static let attestedCredentialData = Flags(rawValue: 0x40)  // AT, bit 6
            static let extensionData = Flags(rawValue: 0x80)           // ED, bit 7
        }

        struct AttestedCredentialData: Sendable, Equatable {
            let aaguid: [UInt8]
            let credentialID: [UInt8]
            /// The decoded COSE_Key; `COSEKey` checks and converts it.
            let credentialPublicKey: CBORValue
        }

        /// Credential ids longer than this are refused (Level 3 §7.1: "credentialId.length ≤ 1023 bytes").
        static let maxCredentialIDLength = 1_023
        /// Authenticator data larger than this is refused before parsing.
        static let maxLength = 65_536

        let rpIDHash: [UInt8]
        let flags: Flags
        let signCount: UInt32
        let attestedCredentialData: AttestedCredentialData?
        let extensions: CBORValue?

        init(_ data: Data) throws(WebAuthnError) {
            guard data.count <= Self.maxLength else { throw .malformed }
            try self.init(bytes: [UInt8](data))
        }

        init(bytes: [UInt8]) throws(WebAuthnError) {
            guard bytes.count <= Self.maxLength, bytes.count >= 37 else { throw .malformed }
            rpIDHash = Array(bytes[0..<32])
            flags = Flags(rawValue: bytes[32])
            signCount = UInt32(bytes[33]) << 24 | UInt32(bytes[34]) << 16 | UInt32(bytes[35]) << 8 | UInt32(bytes[36])

            var offset = 37
            if flags.contains(.attestedCredentialData) {
                guard bytes.count - offset >= 18 else { throw .malformed }
                let aaguid = Array(bytes[offset..<(offset + 16)])
                offset += 16
                let idLength = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
                offset += 2
                guard idLength <= Self.maxCredentialIDLength, bytes.count - offset >= idLength else { throw .malformed }
                let credentialID = Array(bytes[offset..<(offset + idLength)])
                offset += idLength

                // The COSE key is followed directly by the extensions map (if any): decode one item and go on.
                var decoder = CBORDecoder(bytes: Array(bytes[offset...]))
                let key = try decoder.decodeItem()
                offset += decoder.offset
                attestedCredentialData = AttestedCredentialData(
                    aaguid: aaguid, credentialID: credentialID, credentialPublicKey: key)
            } else {
                attestedCredentialData = nil
            }

            if flags.contains(.extensionData) {
                let value = try CBORDecoder.decodeComplete(Array(bytes[offset...]))
                guard case .map = value else { throw .malformed }
                extensions = value
            } else {
                // Without ED nothing may follow (§6.1: the length is determined by the flags).
                guard offset == bytes.count else { throw .malformed }
                extensions = nil
            }
        }
    }
}
