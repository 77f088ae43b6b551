/// A document a person on a case may have to provide. Raw values are stored and appear in rulebook files.
public enum DocumentKind: String, CaseIterable, Codable, Sendable {
    case passport
    /// A certified Russian translation of the passport.
    case passportTranslation = "passport_translation"
    case photo
    case employmentContract = "employment_contract"
    case medicalCertificate = "medical_certificate"
    case fingerprintRegistration = "fingerprint_registration"
    case marriageCertificate = "marriage_certificate"
    case birthCertificate = "birth_certificate"
    /// Proof that an adult child depends on the principal (e.g. a disability or full-time study certificate).
    case dependencyProof = "dependency_proof"

    /// A stored table, not `allCases` (which builds a new array on every call in the hot path).
    static let ordered: [DocumentKind] = allCases

    var bit: UInt32 {
        switch self {
        case .passport: 1 << 0
        case .passportTranslation: 1 << 1
        case .photo: 1 << 2
        case .employmentContract: 1 << 3
        case .medicalCertificate: 1 << 4
        case .fingerprintRegistration: 1 << 5
        case .marriageCertificate: 1 << 6
        case .birthCertificate: 1 << 7
        case .dependencyProof: 1 << 8
        }
    }
}

/// Documents as a bit mask: "what is missing" is one AND-NOT in the hot path.
public struct DocumentSet: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public init(_ kinds: some Sequence<DocumentKind>) {
        self.init(rawValue: kinds.reduce(0) { $0 | $1.bit })
    }

    public func contains(_ kind: DocumentKind) -> Bool { rawValue & kind.bit != 0 }

    /// In declaration order, for a checklist a person reads top to bottom.
    public var kinds: [DocumentKind] { DocumentKind.allCases.filter(contains) }

    /// The first kind in declaration order, without building an array.
    var first: DocumentKind? {
        guard rawValue != 0 else { return nil }
        return DocumentKind.ordered[rawValue.trailingZeroBitCount]
    }
}
