import Foundation

// Internal types live inside `WebAuthn` so that other files of the module cannot clash with them.
extension WebAuthn {
    /// The parts of `CollectedClientData` (WebAuthn Level 2 §5.8.1) that a relying party checks.
    ///
    /// Parsed with a full JSON parser (§7.1 step 6 / §7.2 step 10), not the "limited verification algorithm".
    /// Step numbers here and in `WebAuthn` are those of the Level 2 Recommendation.
    /// Members the server does not use (`topOrigin`, `tokenBinding`, future ones) are ignored, as the spec asks
    /// relying parties to tolerate extra members.
    struct ClientData: Sendable, Equatable {
        /// Client data larger than this is refused before parsing.
        static let maxLength = 65_536

        let type: String
        /// The challenge as the client encoded it (base64url).
        let challenge: String
        let origin: String
        let crossOrigin: Bool?

        private struct Wire: Decodable {
            let type: String
            let challenge: String
            let origin: String
            let crossOrigin: Bool?
        }

        /// Decodes clientDataJSON: UTF-8 JSON object with string `type`, `challenge`, `origin` and an optional boolean
        /// `crossOrigin`; anything else is `.malformed`.
        init(json: Data) throws(WebAuthnError) {
            guard json.count <= Self.maxLength else { throw .malformed }
            // §7.1 step 5 / §7.2 step 9: UTF-8 decode; refuse invalid UTF-8 rather than let a parser repair it.
            var raw = [UInt8](json)
            // UTF-8 decode strips a leading byte order mark.
            if raw.starts(with: [0xEF, 0xBB, 0xBF]) { raw.removeFirst(3) }
            guard Array(String(decoding: raw, as: UTF8.self).utf8) == raw else { throw .malformed }
            let wire: Wire
            do {
                wire = try JSONDecoder().decode(Wire.self, from: Data(raw))
            } catch {
                throw .malformed
            }
            type = wire.type
            challenge = wire.challenge
            origin = wire.origin
            crossOrigin = wire.crossOrigin
        }

        /// The checks shared by §7.1 steps 7–9 and §7.2 steps 11–13, in the spec's order:
        /// type, challenge (base64url-decoded, compared as bytes), origin (exact string), then `crossOrigin`.
        func verify(expectedType: String, expectedChallenge: Data, relyingParty: RelyingParty) throws(WebAuthnError) {
            guard type == expectedType else { throw .wrongType }
            guard let challengeBytes = Base64URL.decode(challenge),
                  constantTimeEqual([UInt8](challengeBytes), [UInt8](expectedChallenge))
            else { throw .challengeMismatch }
            guard origin == relyingParty.origin else { throw .originMismatch }
            // Level 3 adds `crossOrigin` to §7.1/§7.2: the server never runs its ceremonies in cross-origin iframes.
            guard crossOrigin != true else { throw .crossOrigin }
        }
    }

    /// Compares two byte strings without an early exit on the first difference.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }
}
