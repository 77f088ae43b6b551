/// What makes an input one the mechanism may run on, each problem with where it is: a seventh choice, a third in one
/// district group, a programme of another level, the same programme twice, an unknown programme, a score outside its
/// scale, seats or ceilings below zero, ceilings of a country that add up to more than its quota.
public enum AllocationRules {
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        /// `applicants[<id>].choices`, `programmes[<id>].ceilings.UZ`, `countryQuotas.UZ`, …
        public let field: String
        /// A message key: `allocation.tooManyChoices`, `allocation.groupFull`, …
        public let code: String
        public let arguments: [String: String]

        public init(_ field: String, _ code: String, _ arguments: [String: String] = [:]) {
            self.field = field
            self.code = code
            self.arguments = arguments
        }

        public var description: String {
            "\(field): \(code)" + (arguments.isEmpty ? "" : " " + arguments.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
    }

    /// The scale of each subject's recorded score (points).
    public static let scoreScale = 0...100

    /// An applicant's ranked choices against the rules and the programmes.
    public static func checkChoices(_ choices: [String], level: String, rules: AllocationInput.ChoiceRules,
                                    programmes: [String: AllocationInput.Programme], field: String) -> [Problem] {
        var problems: [Problem] = []
        if choices.count > rules.maximumChoices {
            problems.append(Problem(field, "allocation.tooManyChoices", ["max": "\(rules.maximumChoices)"]))
        }
        var seen = Set<String>()
        var perGroup: [String: Int] = [:]
        for id in choices {
            guard seen.insert(id).inserted else {
                problems.append(Problem(field, "allocation.choiceTwice", ["programme": id]))
                continue
            }
            guard let programme = programmes[id] else {
                problems.append(Problem(field, "allocation.programmeUnknown", ["programme": id]))
                continue
            }
            if programme.level != level {
                problems.append(Problem(field, "allocation.levelMismatch", ["programme": id, "level": programme.level]))
            }
            perGroup[programme.districtGroup, default: 0] += 1
            if perGroup[programme.districtGroup] == rules.maximumPerGroup + 1 {
                problems.append(Problem(field, "allocation.groupFull", ["group": programme.districtGroup, "max": "\(rules.maximumPerGroup)"]))
            }
        }
        return problems
    }

    /// Every problem of an input, in a stable order; empty when the mechanism may run on it.
    public static func validate(_ input: AllocationInput) -> [Problem] {
        var problems: [Problem] = []
        if input.format != AllocationInput.format {
            problems.append(Problem("format", "allocation.formatUnknown", ["format": input.format]))
        }
        if input.seed.isEmpty { problems.append(Problem("seed", "field.required")) }
        var programmes: [String: AllocationInput.Programme] = [:]
        for programme in input.programmes {
            let field = "programmes[\(programme.id)]"
            if programmes.updateValue(programme, forKey: programme.id) != nil { problems.append(Problem(field, "allocation.idTwice")) }
            if programme.seats < 0 { problems.append(Problem("\(field).seats", "allocation.negative")) }
            for (country, ceiling) in programme.ceilings.sorted(by: { $0.key < $1.key }) where ceiling < 0 {
                problems.append(Problem("\(field).ceilings.\(country)", "allocation.negative"))
            }
            for (subject, weight) in programme.weights.sorted(by: { $0.key < $1.key }) where weight < 0 || weight > 1000 {
                problems.append(Problem("\(field).weights.\(subject)", "allocation.weightOutOfRange", ["max": "1000"]))
            }
        }
        // A country's ceilings over all programmes cannot promise more than its quota.
        var ceilingSums: [String: Int] = [:]
        for programme in input.programmes {
            // Each ceiling is capped at the programme's seats before it is added: no input can overflow the sum.
            for (country, ceiling) in programme.ceilings { ceilingSums[country, default: 0] += min(max(0, ceiling), max(0, min(programme.seats, 1 << 40))) }
        }
        for (country, sum) in ceilingSums.sorted(by: { $0.key < $1.key }) {
            guard let quota = input.countryQuotas[country] else {
                problems.append(Problem("countryQuotas.\(country)", "allocation.quotaMissing", ["country": country]))
                continue
            }
            if sum > quota {
                problems.append(Problem("countryQuotas.\(country)", "allocation.ceilingsOverQuota", ["country": country, "sum": "\(sum)", "quota": "\(quota)"]))
            }
        }
        var applicants = Set<String>()
        for applicant in input.applicants {
            let field = "applicants[\(applicant.id)]"
            if !applicants.insert(applicant.id).inserted { problems.append(Problem(field, "allocation.idTwice")) }
            for (subject, score) in applicant.scores.sorted(by: { $0.key < $1.key }) where !scoreScale.contains(score) {
                problems.append(Problem("\(field).scores.\(subject)", "allocation.scoreOutOfScale",
                                        ["min": "\(scoreScale.lowerBound)", "max": "\(scoreScale.upperBound)"]))
            }
            problems += checkChoices(applicant.choices, level: applicant.level, rules: input.rules, programmes: programmes, field: "\(field).choices")
        }
        return problems
    }
}
