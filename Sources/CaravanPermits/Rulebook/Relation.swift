import CaravanDomain

/// How a family member on a case is related to the principal (the specialist). Raw values are stored, appear
/// in rulebook files and in the API.
///
/// `sibling` and `other` exist so a relation the law does not cover can be put on a case and be *explained*
/// as ineligible, instead of being impossible to enter.
public enum Relation: String, CaseIterable, Codable, Sendable {
    case spouse
    case child
    case childSpouse = "child_spouse"
    case parent
    case parentSpouse = "parent_spouse"
    case grandparent
    case grandchild
    case sibling
    case other

    /// A stored table, not `allCases` (which builds a new array on every call in the hot path).
    static let ordered: [Relation] = allCases

    var bit: UInt16 {
        switch self {
        case .spouse: 1 << 0
        case .child: 1 << 1
        case .childSpouse: 1 << 2
        case .parent: 1 << 3
        case .parentSpouse: 1 << 4
        case .grandparent: 1 << 5
        case .grandchild: 1 << 6
        case .sibling: 1 << 7
        case .other: 1 << 8
        }
    }
}

/// A set of relations as a bit mask, so the eligibility check is one AND, not a hash lookup.
public struct RelationSet: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public init(_ relations: some Sequence<Relation>) {
        self.init(rawValue: relations.reduce(0) { $0 | $1.bit })
    }

    public func contains(_ relation: Relation) -> Bool { rawValue & relation.bit != 0 }
}

extension Relation {
    /// The relation a profile records (CaravanDomain's closed list) as a relation on a case. The case's list is
    /// wider so that a relation a rulebook does not cover can still be put on a case and explained.
    public init(_ relation: FamilyRelation) {
        // Raw values are shared by design; a profile relation missing here is a bug caught by the tests.
        self = Relation(rawValue: relation.rawValue) ?? .other
    }
}
