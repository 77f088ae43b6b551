import Crypto
import Foundation

/// A document a resident signs with a passkey. Its canonical bytes are `caravan-signed-document/1` lines; the
/// WebAuthn challenge is SHA-256 of those bytes followed by a 16-byte nonce, so an assertion is bound to exactly
/// this document (and, through the nonce, to one signing).
public struct SignableDocument: Codable, Equatable, Sendable {
    public let id: String
    /// What it is, e.g. `declaration` (a test document) or `company-application`.
    public let kind: String
    public let title: String
    /// The residency number of the person who is to sign.
    public let signer: String
    public let createdOn: String
    /// The text, line by line (a line never holds a newline).
    public let text: [String]

    public init(id: String, kind: String, title: String, signer: String, createdOn: String, text: [String]) {
        self.id = id
        self.kind = kind
        self.title = Self.oneLine(title)
        self.signer = signer
        self.createdOn = createdOn
        self.text = text.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map { Self.oneLine(String($0)) } }
    }

    static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: " ")
    }

    public var canonicalText: String {
        var lines = ["caravan-signed-document/1", "id=\(id)", "kind=\(kind)", "title=\(title)", "signer=\(signer)", "created=\(createdOn)"]
        for line in text { lines.append("text=\(line)") }
        return lines.joined(separator: "\n")
    }

    public var canonicalBytes: Data { Data(canonicalText.utf8) }

    /// Reads canonical text back (a signed file carries it): nil for anything that is not one.
    public init?(canonicalText: String) {
        var lines = canonicalText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == "caravan-signed-document/1" else { return nil }
        lines.removeFirst()
        var fields: [String: String] = [:]
        var text: [String] = []
        for line in lines {
            guard let equals = line.firstIndex(of: "=") else { return nil }
            let key = String(line[..<equals])
            let value = String(line[line.index(after: equals)...])
            if key == "text" { text.append(value) } else {
                guard fields[key] == nil else { return nil }
                fields[key] = value
            }
        }
        guard let id = fields["id"], let kind = fields["kind"], let title = fields["title"], let signer = fields["signer"],
              let created = fields["created"], fields.count == 5 else { return nil }
        self.init(id: id, kind: kind, title: title, signer: signer, createdOn: created, text: text)
        guard self.canonicalText == canonicalText else { return nil }
    }

    public static let nonceLength = 16

    /// The WebAuthn challenge that binds a signature to these bytes: SHA-256(bytes) ‖ nonce.
    public func challenge(nonce: Data) -> Data {
        Data(SHA256.hash(data: canonicalBytes)) + nonce
    }

    public var sha256Hex: String { SHA256.hash(data: canonicalBytes).map { String(format: "%02x", $0) }.joined() }
}
