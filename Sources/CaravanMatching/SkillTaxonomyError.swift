/// Why a taxonomy failed to load. Every case names the offending entry, so a bad edit to the resource
/// file is found from the message alone.
public enum SkillTaxonomyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file is not valid JSON of the expected shape.
    case unreadable(String)
    case duplicateSkill(SkillID)
    case duplicateGroup(String)
    case duplicateOccupation(String)
    case unknownGroup(skill: SkillID, group: String)
    case danglingParent(skill: SkillID, parent: SkillID)
    /// The chain of parents returns to where it started; the path is listed from the first repeated skill.
    case cycle([SkillID])
    /// One spelling (after tokenizing and stemming) would name two different skills.
    case ambiguousSpelling(spelling: String, skills: [SkillID])
    /// A name or synonym with no searchable word in it ("—", "++").
    case unusableSpelling(skill: SkillID, spelling: String)
    case invalidISCO(occupation: String, code: String)
    case unknownSkillInOccupation(occupation: String, skill: SkillID)

    public var description: String {
        switch self {
        case .unreadable(let reason): "skill taxonomy is unreadable: \(reason)"
        case .duplicateSkill(let id): "skill '\(id)' is defined twice"
        case .duplicateGroup(let id): "group '\(id)' is defined twice"
        case .duplicateOccupation(let id): "occupation '\(id)' is defined twice"
        case .unknownGroup(let skill, let group): "skill '\(skill)' is in unknown group '\(group)'"
        case .danglingParent(let skill, let parent): "skill '\(skill)' has unknown parent '\(parent)'"
        case .cycle(let path): "skills form a parent cycle: \(path.map(\.rawValue).joined(separator: " → "))"
        case .ambiguousSpelling(let spelling, let skills):
            "spelling '\(spelling)' names several skills: \(skills.map(\.rawValue).joined(separator: ", "))"
        case .unusableSpelling(let skill, let spelling): "skill '\(skill)' has a spelling with no words: '\(spelling)'"
        case .invalidISCO(let occupation, let code): "occupation '\(occupation)' has invalid ISCO-08 code '\(code)'"
        case .unknownSkillInOccupation(let occupation, let skill):
            "occupation '\(occupation)' lists unknown skill '\(skill)'"
        }
    }
}

/// Skill ids a caller passed that the taxonomy does not know: reported, never dropped silently, because a
/// vacancy requiring a misspelt skill would otherwise match everyone.
public struct UnknownSkillsError: Error, Hashable, Sendable, CustomStringConvertible {
    public var ids: [SkillID]

    public init(ids: [SkillID]) { self.ids = ids }

    public var description: String { "unknown skill ids: \(ids.map(\.rawValue).joined(separator: ", "))" }
}
