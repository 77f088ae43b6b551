import CaravanSearch
import Foundation

/// The skills and occupations Caravan knows, loaded from data and checked once: every id unique, every
/// parent present, no parent cycles, no spelling shared by two skills. After that, lookups cannot fail
/// except on ids the caller made up, which are reported.
public struct SkillTaxonomy: Sendable {
    public let groups: [SkillGroup]
    /// In file order, which is also the order of `index(of:)`.
    public let skills: [Skill]
    public let occupations: [Occupation]

    private let indexByID: [SkillID: Int]
    /// Parent's index per skill, −1 for roots: walking ancestors costs no hashing.
    private let parentIndex: [Int32]
    let phrases: PhraseTable
    private let occupationIndexByID: [String: Int]

    public init(groups: [SkillGroup], skills: [Skill], occupations: [Occupation] = []) throws(SkillTaxonomyError) {
        var groupIDs = Set<String>()
        for group in groups where !groupIDs.insert(group.id).inserted { throw .duplicateGroup(group.id) }

        var indexByID: [SkillID: Int] = [:]
        for (index, skill) in skills.enumerated() {
            guard indexByID.updateValue(index, forKey: skill.id) == nil else { throw .duplicateSkill(skill.id) }
        }
        var parentIndex = [Int32](repeating: -1, count: skills.count)
        for (index, skill) in skills.enumerated() {
            guard groupIDs.contains(skill.group) else { throw .unknownGroup(skill: skill.id, group: skill.group) }
            guard let parent = skill.parent else { continue }
            guard let parentAt = indexByID[parent] else { throw .danglingParent(skill: skill.id, parent: parent) }
            parentIndex[index] = Int32(parentAt)
        }
        try Self.checkForCycles(skills: skills, parentIndex: parentIndex)

        var occupationIndexByID: [String: Int] = [:]
        for (index, occupation) in occupations.enumerated() {
            guard occupationIndexByID.updateValue(index, forKey: occupation.id) == nil else {
                throw .duplicateOccupation(occupation.id)
            }
            guard occupation.isco.count == 4, occupation.isco.allSatisfy(\.isASCIIDigit) else {
                throw .invalidISCO(occupation: occupation.id, code: occupation.isco)
            }
            for skill in occupation.skills where indexByID[skill] == nil {
                throw .unknownSkillInOccupation(occupation: occupation.id, skill: skill)
            }
        }

        self.groups = groups
        self.skills = skills
        self.occupations = occupations
        self.indexByID = indexByID
        self.parentIndex = parentIndex
        self.occupationIndexByID = occupationIndexByID
        phrases = try PhraseTable(skills: skills)
    }

    /// Loads the JSON shape of `Resources/skills.json`.
    public init(json data: Data) throws(SkillTaxonomyError) {
        let file: TaxonomyFile
        do {
            file = try JSONDecoder().decode(TaxonomyFile.self, from: data)
        } catch {
            throw .unreadable(String(describing: error))
        }
        try self.init(groups: file.groups, skills: file.skills, occupations: file.occupations)
    }

    /// The taxonomy shipped with Caravan, parsed once per process (it takes milliseconds, not microseconds).
    public static func bundled() throws(SkillTaxonomyError) -> SkillTaxonomy {
        try bundledResult.get()
    }

    private static let bundledResult: Result<SkillTaxonomy, SkillTaxonomyError> = {
        guard let url = Bundle.module.url(forResource: "skills", withExtension: "json"),
              let data = try? Data(contentsOf: url)
        else { return .failure(.unreadable("skills.json is missing from the bundle")) }
        do throws(SkillTaxonomyError) {
            return .success(try SkillTaxonomy(json: data))
        } catch {
            return .failure(error)
        }
    }()

    /// Follows every parent chain; a chain longer than the number of skills must revisit one.
    private static func checkForCycles(skills: [Skill], parentIndex: [Int32]) throws(SkillTaxonomyError) {
        // 0 unvisited, 1 on the current path, 2 known to end at a root.
        var state = [UInt8](repeating: 0, count: skills.count)
        for start in skills.indices where state[start] == 0 {
            var path: [Int] = []
            var current = start
            while current >= 0, state[current] == 0 {
                state[current] = 1
                path.append(current)
                current = Int(parentIndex[current])
            }
            if current >= 0, state[current] == 1, let from = path.firstIndex(of: current) {
                throw .cycle(path[from...].map { skills[$0].id } + [skills[current].id])
            }
            for index in path { state[index] = 2 }
        }
    }

    // MARK: - Lookups

    public var count: Int { skills.count }

    public func contains(_ id: SkillID) -> Bool { indexByID[id] != nil }

    public func skill(_ id: SkillID) -> Skill? {
        indexByID[id].map { skills[$0] }
    }

    /// Position of a skill in `skills`, for callers that keep dense per-skill tables.
    public func index(of id: SkillID) -> Int? { indexByID[id] }

    /// The skills for `ids`, in order; throws naming every id the taxonomy does not know.
    public func skills(_ ids: some Sequence<SkillID>) throws(UnknownSkillsError) -> [Skill] {
        var found: [Skill] = []
        var unknown: [SkillID] = []
        for id in ids {
            if let index = indexByID[id] { found.append(skills[index]) } else { unknown.append(id) }
        }
        guard unknown.isEmpty else { throw UnknownSkillsError(ids: unknown) }
        return found
    }

    /// The ids among `ids` that the taxonomy does not know, in order and without repeats.
    public func unknownIDs(in ids: some Sequence<SkillID>) -> [SkillID] {
        var seen = Set<SkillID>()
        return ids.filter { indexByID[$0] == nil && seen.insert($0).inserted }
    }

    /// Parent, grandparent, … up to the root (Spring Boot → [Spring, Java]). Empty for roots and unknown ids.
    public func ancestors(of id: SkillID) -> [SkillID] {
        guard let start = indexByID[id] else { return [] }
        var result: [SkillID] = []
        var current = Int(parentIndex[start])
        while current >= 0 {
            result.append(skills[current].id)
            current = Int(parentIndex[current])
        }
        return result
    }

    /// Whether `ancestor` is a strict ancestor of `id`.
    public func isAncestor(_ ancestor: SkillID, of id: SkillID) -> Bool {
        guard let target = indexByID[ancestor], let start = indexByID[id] else { return false }
        var current = Int(parentIndex[start])
        while current >= 0 {
            if current == target { return true }
            current = Int(parentIndex[current])
        }
        return false
    }

    /// The parent's index of the skill at `index`, −1 for a root: ancestor walks by index, without hashing.
    func parentIndex(of index: Int) -> Int { Int(parentIndex[index]) }

    /// Direct children of a skill, in file order.
    public func children(of id: SkillID) -> [SkillID] {
        guard let target = indexByID[id] else { return [] }
        return skills.indices.filter { parentIndex[$0] == Int32(target) }.map { skills[$0].id }
    }

    public func occupation(_ id: String) -> Occupation? {
        occupationIndexByID[id].map { occupations[$0] }
    }

    /// Occupations filed under one ISCO-08 unit group ("2512").
    public func occupations(isco code: String) -> [Occupation] {
        occupations.filter { $0.isco == code }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
