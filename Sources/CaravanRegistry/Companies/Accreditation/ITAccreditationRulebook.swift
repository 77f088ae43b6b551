import Foundation

/// The rules of IT accreditation under Government Decree No. 1729 of 30.09.2022, as data
/// (`accreditation-rulebook-2022.json`), versioned like the permit rulebook. Named `IT…` so it never collides
/// with CaravanDomain's `AccreditationRules` (the admin's record of a decision).
public struct ITAccreditationRulebook: Sendable, Decodable {
    public struct Decree: Sendable, Decodable, Hashable {
        public let number: String
        public let date: String
        public let inForceFrom: String
        public let amendments: [String]
    }

    public struct AnnexCode: Sendable, Decodable, Hashable {
        public let code: String
        public let note: String?
    }

    public struct MainActivity: Sendable, Decodable, Hashable {
        public let codes: [AnnexCode]
        public let unconfirmed: Bool?
        public let note: String?
    }

    public struct RevenueShare: Sendable, Decodable, Hashable {
        public let minimumPercent: Int64
        /// "More than 30 %": exactly the minimum fails.
        public let strictlyGreater: Bool
    }

    public struct NewCompanyExemption: Sendable, Decodable, Hashable {
        public let maximumAgeYears: Int
        public let maximumRevenueSinceCreationKopecks: Int64
        public let requiresStartupRegister: Bool
        public let unconfirmed: Bool?
    }

    public struct AveragePay: Sendable, Decodable, Hashable {
        public struct Waiver: Sendable, Decodable, Hashable {
            public let minimumRevenueKopecks: Int64
        }

        public let waiver: Waiver
    }

    public struct ForeignParticipation: Sendable, Decodable, Hashable {
        public let maximumPercent: Int64
        public let inForce: Bool
        public let unconfirmed: Bool?
    }

    public struct Reconfirmation: Sendable, Decodable, Hashable {
        public let month: Int
        public let day: Int
    }

    public let id: String
    public let version: String
    public let decree: Decree
    public let mainActivity: MainActivity
    public let itRevenueShare: RevenueShare
    public let newCompanyExemption: NewCompanyExemption
    public let averagePay: AveragePay
    public let foreignParticipation: ForeignParticipation
    public let reconfirmation: Reconfirmation
    public let decisionWorkingDays: Int

    public init(data: Data) throws {
        self = try JSONDecoder().decode(ITAccreditationRulebook.self, from: data)
    }

    public static func bundled() throws -> ITAccreditationRulebook {
        guard let url = Bundle.module.url(forResource: "accreditation-rulebook-2022", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try ITAccreditationRulebook(data: Data(contentsOf: url))
    }

    /// Whether Annex 1 accepts `code` as the main activity: listed exactly, or a class (`NN.NN`) whose group
    /// (`NN.N`) is listed — a group in the annex stands for its classes, the least detail a registered code has.
    public func acceptsMainActivity(_ code: String) -> Bool {
        let code = OkvedCode.normalized(code)
        let listed = Set(mainActivity.codes.map(\.code))
        if listed.contains(code) { return true }
        let parts = code.split(separator: ".")
        if parts.count == 2, parts[1].count == 2, let group = OkvedCode.parent(of: code) { return listed.contains(group) }
        return false
    }
}
