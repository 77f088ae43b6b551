import CaravanDomain
import CaravanPermits
import Foundation
import Testing

@Suite struct RulebookTests {
    @Test func theShippedRulebookLoads() throws {
        let rulebook = try fastTrack()
        #expect(rulebook.qualifiedVersion == "ru-it-fast-track@2022.1")
        #expect(rulebook.rules.map(\.id) == [
            "sponsor.accredited", "offer.accepted", "salary.minimum", "passport.validity", "entry.noBan",
            "family.relation", "documents.complete",
        ])
        #expect(rulebook.rules[2].check == .minimumSalary(monthlyRub: 167_000))
        #expect(rulebook.refusalGround(id: "false_information") != nil)
    }

    @Test func theChecklistDependsOnTheRelation() throws {
        let rulebook = try fastTrack()
        let common: [DocumentKind] = [.passport, .passportTranslation, .photo, .medicalCertificate, .fingerprintRegistration]
        #expect(rulebook.checklist(relation: nil).kinds == [.passport, .passportTranslation, .photo, .employmentContract, .medicalCertificate, .fingerprintRegistration])
        #expect(rulebook.checklist(relation: .spouse).kinds == common + [.marriageCertificate])
        #expect(rulebook.checklist(relation: .child).kinds == common + [.birthCertificate])
        #expect(rulebook.checklist(relation: .child, isDependent: true).kinds == common + [.birthCertificate, .dependencyProof])
    }

    @Test func everyProfileRelationIsACaseRelation() {
        for relation in FamilyRelation.allCases {
            #expect(Relation(relation).rawValue == relation.rawValue)
        }
    }

    @Test func documentBitsFollowDeclarationOrder() {
        for kind in DocumentKind.allCases {
            #expect(DocumentSet([kind]).kinds == [kind])
        }
        #expect(DocumentSet(DocumentKind.allCases).kinds == DocumentKind.allCases)
        #expect(RelationSet(Relation.allCases).rawValue.nonzeroBitCount == Relation.allCases.count)
    }

    /// A minimal rulebook with `rule` in front of a valid one, loaded as a file called `broken.json`.
    func loading(rule: String) -> RulebookError? {
        let text = """
        {"id": "test", "version": "1", "legalBasis": "-", "decisionTermMonths": 3,
         "gracePeriod": {"workingDays": 30, "warningThresholds": [10]},
         "rules": [\(rule), {"id": "entry.noBan", "check": "noEntryBan", "appliesTo": "everyone", "legalReference": "-", "messageKey": "k"}],
         "documents": [], "refusalGrounds": []}
        """
        do {
            _ = try Rulebook(json: Data(text.utf8), name: "broken.json")
            return nil
        } catch {
            return error
        }
    }

    @Test func anUnknownFactOrRelationStopsTheLoadNamingFileAndRule() throws {
        func rule(_ check: String, _ parameters: String = "{}", scope: String = "family") -> String {
            #"{"id": "x.rule", "check": "\#(check)", "appliesTo": "\#(scope)", "legalReference": "-", "messageKey": "k", "parameters": \#(parameters)}"#
        }
        #expect(loading(rule: rule("hasPet")) == RulebookError(file: "broken.json", rule: "x.rule", problem: .unknownCheck("hasPet")))
        #expect(loading(rule: rule("relationEligible", #"{"relations": ["spouse", "cousin"]}"#))
            == RulebookError(file: "broken.json", rule: "x.rule", problem: .unknownRelation("cousin")))
        #expect(loading(rule: rule("minimumSalary", #"{"minimumMonthlyRoubles": 1}"#))
            == RulebookError(file: "broken.json", rule: "x.rule", problem: .missingParameter("minimumMonthlyRub")))
        #expect(loading(rule: rule("noEntryBan", #"{"strict": true}"#))
            == RulebookError(file: "broken.json", rule: "x.rule", problem: .unknownParameter("strict")))
        #expect(loading(rule: rule("relationEligible", #"{"relations": ["spouse"]}"#, scope: "principal"))
            == RulebookError(file: "broken.json", rule: "x.rule", problem: .scopeNotApplicable("principal")))
        #expect(loading(rule: rule("noEntryBan", scope: "neighbours"))
            == RulebookError(file: "broken.json", rule: "x.rule", problem: .unknownScope("neighbours")))
        #expect(loading(rule: #"{"id": "entry.noBan", "check": "noEntryBan", "appliesTo": "everyone", "legalReference": "-", "messageKey": "k"}"#)
            == RulebookError(file: "broken.json", rule: "entry.noBan", problem: .duplicateRule))
    }
}
