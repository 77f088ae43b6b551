import Foundation

/// The registry's refusal and revocation grounds, as data (`residency-grounds.json`), each with its basis.
public struct ResidencyGrounds: Sendable, Decodable {
    public enum Use: String, Sendable, Decodable {
        case refuse
        case revoke
    }

    public struct Text: Sendable, Decodable, Equatable {
        public let ru: String
        public let en: String

        public func text(_ language: String) -> String { language == "ru" ? ru : en }
    }

    public struct Ground: Sendable, Decodable, Identifiable {
        public let id: String
        public let uses: [Use]
        public let title: Text
        public let basis: Text
    }

    public let version: String
    public let grounds: [Ground]

    public func ground(_ id: String, for use: Use) -> Ground? {
        grounds.first { $0.id == id && $0.uses.contains(use) }
    }

    public func grounds(for use: Use) -> [Ground] { grounds.filter { $0.uses.contains(use) } }

    public static func bundled() throws -> ResidencyGrounds {
        guard let url = Bundle.module.url(forResource: "residency-grounds", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try JSONDecoder().decode(ResidencyGrounds.self, from: Data(contentsOf: url))
    }
}
