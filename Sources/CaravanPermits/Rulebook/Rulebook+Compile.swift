/// Checking a rulebook file and compiling it into plain values. Every name is resolved here, once.
extension Rulebook {
    public init(_ file: RulebookFile, name: String) throws(RulebookError) {
        func fail(_ rule: String?, _ problem: RulebookError.Problem) -> RulebookError {
            RulebookError(file: name, rule: rule, problem: problem)
        }
        guard file.decisionTermMonths > 0, file.gracePeriod.workingDays > 0,
              file.gracePeriod.warningThresholds.allSatisfy({ (1...file.gracePeriod.workingDays).contains($0) })
        else { throw fail(nil, .invalidTerm) }

        var ids = Set<String>(), rules: [Rule] = [], checks = ContiguousArray<CompiledRule>()
        for raw in file.rules {
            guard ids.insert(raw.id).inserted else { throw fail(raw.id, .duplicateRule) }
            guard let scope = Scope(rawValue: raw.appliesTo) else { throw fail(raw.id, .unknownScope(raw.appliesTo)) }
            var parameters = RuleParameters(raw.parameters ?? [:], rule: raw.id, file: name)
            let check = try parameters.check(named: raw.check)
            try parameters.finish()
            if case .relationEligible = check, scope != .family { throw fail(raw.id, .scopeNotApplicable(raw.appliesTo)) }
            rules.append(Rule(id: raw.id, check: check, scope: scope, legalReference: raw.legalReference, messageKey: raw.messageKey))
            checks.append(CompiledRule(check: check, scope: scope))
        }

        var principal = DocumentSet()
        var family = [DocumentSet](repeating: [], count: Relation.ordered.count)
        var dependent = family
        for document in file.documents {
            guard let kind = DocumentKind(rawValue: document.kind) else { throw fail(document.kind, .unknownDocument(document.kind)) }
            guard let scope = Scope(rawValue: document.appliesTo) else { throw fail(document.kind, .unknownScope(document.appliesTo)) }
            var relations = RelationSet(Relation.ordered)
            if let names = document.relations {
                relations = []
                for name in names {
                    guard let relation = Relation(rawValue: name) else { throw fail(document.kind, .unknownRelation(name)) }
                    relations.insert(RelationSet([relation]))
                }
            }
            if scope.includes(principal: true), document.dependentOnly != true { principal.insert(DocumentSet([kind])) }
            guard scope.includes(principal: false) else { continue }
            for relation in Relation.ordered where relations.contains(relation) {
                if document.dependentOnly == true {
                    dependent[relation.ordinal].insert(DocumentSet([kind]))
                } else {
                    family[relation.ordinal].insert(DocumentSet([kind]))
                }
            }
        }

        var grounds: [RefusalGround] = [], groundIDs = Set<String>()
        for ground in file.refusalGrounds {
            guard groundIDs.insert(ground.id).inserted else { throw fail(ground.id, .duplicateRefusalGround(ground.id)) }
            grounds.append(RefusalGround(id: ground.id, legalReference: ground.legalReference, messageKey: ground.messageKey))
        }

        self.id = file.id
        self.version = file.version
        self.legalBasis = file.legalBasis
        self.decisionTermMonths = file.decisionTermMonths
        self.graceWorkingDays = file.gracePeriod.workingDays
        self.graceWarningThresholds = file.gracePeriod.warningThresholds
        self.rules = rules
        self.refusalGrounds = grounds
        self.checks = checks
        self.principalDocuments = principal
        self.familyDocuments = family
        self.dependentDocuments = dependent
    }
}

/// The parameters of one rule, consumed by name so that a misspelt or unused parameter is an error, not a
/// silently ignored setting.
private struct RuleParameters {
    var remaining: [String: RuleParameter]
    let rule: String
    let file: String

    init(_ values: [String: RuleParameter], rule: String, file: String) {
        remaining = values
        self.rule = rule
        self.file = file
    }

    func error(_ problem: RulebookError.Problem) -> RulebookError {
        RulebookError(file: file, rule: rule, problem: problem)
    }

    mutating func check(named name: String) throws(RulebookError) -> RuleCheck {
        switch name {
        case "sponsorAccredited": return .sponsorAccredited
        case "offerAccepted": return .offerAccepted
        case "noEntryBan": return .noEntryBan
        case "documentsProvided": return .documentsProvided
        case "minimumSalary": return .minimumSalary(monthlyRub: try positiveInt("minimumMonthlyRub"))
        case "passportValidity": return .passportValidity(minimumMonthsLeft: try positiveInt("minimumMonthsLeft"))
        case "relationEligible":
            guard case .strings(let names)? = remaining.removeValue(forKey: "relations") else {
                throw error(.missingParameter("relations"))
            }
            var relations = RelationSet()
            for name in names {
                guard let relation = Relation(rawValue: name) else { throw error(.unknownRelation(name)) }
                relations.insert(RelationSet([relation]))
            }
            let limit: Int? = remaining["childAgeLimit"] == nil ? nil : try positiveInt("childAgeLimit")
            return .relationEligible(relations, childAgeLimit: limit)
        default:
            throw error(.unknownCheck(name))
        }
    }

    mutating func positiveInt(_ key: String) throws(RulebookError) -> Int {
        guard let value = remaining.removeValue(forKey: key) else { throw error(.missingParameter(key)) }
        guard case .int(let number) = value, number > 0 else { throw error(.invalidParameter(key)) }
        return number
    }

    func finish() throws(RulebookError) {
        if let extra = remaining.keys.sorted().first { throw error(.unknownParameter(extra)) }
    }
}
