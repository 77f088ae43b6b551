import Foundation

/// A checked, ready-to-evaluate version of the law: rules, document checklist, refusal grounds and clocks.
///
/// Built once at start from data; evaluation reads only the compiled form (`checks`, document masks), so a
/// case costs no JSON, no strings and no hashing.
public struct Rulebook: Sendable {
    /// Who a rule or a document is for.
    public enum Scope: String, Sendable, CaseIterable {
        case principal
        case family
        case everyone

        func includes(principal: Bool) -> Bool {
            switch self {
            case .principal: principal
            case .family: !principal
            case .everyone: true
            }
        }
    }

    /// A rule as people read it: id, legal reference, catalogue key.
    public struct Rule: Sendable, Equatable {
        public let id: String
        public let check: RuleCheck
        public let scope: Scope
        /// In each language the rulebook gives it (`legalReference.text(in: "ru")`).
        public let legalReference: LocalizedText
        public let messageKey: String
    }

    public struct RefusalGround: Sendable, Equatable, Hashable {
        public let id: String
        public let legalReference: LocalizedText
        public let messageKey: String
    }

    /// Identifies the rulebook a case was judged under (`ru-it-fast-track@2022.1`).
    public let id: String
    public let version: String
    public let legalBasis: String
    public let decisionTermMonths: Int
    public let graceWorkingDays: Int
    public let graceWarningThresholds: [Int]
    public let rules: [Rule]
    public let refusalGrounds: [RefusalGround]

    /// Parallel to `rules`; a contiguous array of plain values, walked once per person.
    let checks: ContiguousArray<CompiledRule>
    let principalDocuments: DocumentSet
    /// Indexed by `Relation.ordered` position.
    let familyDocuments: [DocumentSet]
    let dependentDocuments: [DocumentSet]

    public var qualifiedVersion: String { "\(id)@\(version)" }

    public func refusalGround(id: String) -> RefusalGround? {
        refusalGrounds.first { $0.id == id }
    }

    /// What `principal` (or a family member with `relation`) has to provide.
    public func checklist(relation: Relation?, isDependent: Bool = false) -> DocumentSet {
        guard let relation else { return principalDocuments }
        let index = relation.ordinal
        return isDependent ? familyDocuments[index].union(dependentDocuments[index]) : familyDocuments[index]
    }
}

struct CompiledRule: Sendable {
    let check: RuleCheck
    let scope: Rulebook.Scope
}

/// What a rule checks, with its parameters. A closed list: a new kind of check is new code, a new threshold
/// or a new relation is a new rulebook version.
public enum RuleCheck: Sendable, Equatable {
    case sponsorAccredited
    case offerAccepted
    case minimumSalary(monthlyRub: Int)
    case passportValidity(minimumMonthsLeft: Int)
    case noEntryBan
    /// The relation is covered; a child at or over `childAgeLimit` only when dependent (no limit when `nil`).
    case relationEligible(RelationSet, childAgeLimit: Int?)
    case documentsProvided
}

extension Relation {
    var ordinal: Int { bit.trailingZeroBitCount }
}

extension Rulebook {
    /// Reads one rulebook file; `name` is what errors call it.
    public init(json data: Data, name: String) throws(RulebookError) {
        let file: RulebookFile
        do {
            file = try JSONDecoder().decode(RulebookFile.self, from: data)
        } catch {
            throw RulebookError(file: name, problem: .unreadable("\(error)"))
        }
        try self.init(file, name: name)
    }

    /// The rulebooks shipped with Caravan, parsed and checked once per process, keyed by `qualifiedVersion`.
    public static func bundled() throws(RulebookError) -> [String: Rulebook] {
        try bundledResult.get()
    }

    private static let bundledResult: Result<[String: Rulebook], RulebookError> = {
        guard let folder = Bundle.module.url(forResource: "rulebooks", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        else { return .failure(RulebookError(file: "rulebooks", problem: .unreadable("missing from the bundle"))) }
        var books: [String: Rulebook] = [:]
        for url in files where url.pathExtension == "json" {
            do throws(RulebookError) {
                guard let data = try? Data(contentsOf: url) else {
                    throw RulebookError(file: url.lastPathComponent, problem: .unreadable("cannot read"))
                }
                let book = try Rulebook(json: data, name: url.lastPathComponent)
                books[book.qualifiedVersion] = book
            } catch {
                return .failure(error)
            }
        }
        return .success(books)
    }()
}
