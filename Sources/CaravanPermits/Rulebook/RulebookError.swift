/// Why a rulebook was not accepted. Raised at start, naming the file and the rule, so a bad rulebook
/// never reaches a case.
public struct RulebookError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable {
        case unreadable(String)
        case duplicateRule
        case unknownCheck(String)
        case unknownScope(String)
        /// The check cannot apply to that scope (a relation rule for the principal, say).
        case scopeNotApplicable(String)
        case unknownRelation(String)
        case unknownDocument(String)
        case missingParameter(String)
        case unknownParameter(String)
        case invalidParameter(String)
        case duplicateRefusalGround(String)
        case invalidTerm
    }

    public let file: String
    /// The rule (or document, or ground) at fault; `nil` for the file as a whole.
    public let rule: String?
    public let problem: Problem

    public init(file: String, rule: String? = nil, problem: Problem) {
        self.file = file
        self.rule = rule
        self.problem = problem
    }

    public var description: String {
        "rulebook \(file)" + (rule.map { ", rule \($0)" } ?? "") + ": \(problem)"
    }
}
