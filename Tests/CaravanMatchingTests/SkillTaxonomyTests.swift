import CaravanMatching
import Foundation
import Testing

@Suite struct SkillTaxonomyTests {
    let taxonomy: SkillTaxonomy

    init() throws {
        taxonomy = try SkillTaxonomy.bundled()
    }

    @Test func bundledFileIsBigEnoughAndCoversEveryGroup() {
        #expect(taxonomy.count >= 300)
        let used = Set(taxonomy.skills.map(\.group))
        for group in ["language", "frontend", "backend", "mobile", "database", "cloud", "devops", "data", "ml",
                      "testing", "security", "1c", "erp", "design"] {
            #expect(used.contains(group), "\(group)")
        }
        #expect(taxonomy.skills.allSatisfy { !$0.russianName.isEmpty && !$0.englishName.isEmpty })
    }

    @Test func occupationsCarryISCOCodes() {
        for code in ["2511", "2512", "2513", "2514", "2521", "2522", "2523", "2529", "2166", "3512"] {
            #expect(!taxonomy.occupations(isco: code).isEmpty, "\(code)")
        }
        #expect(taxonomy.occupation("database-administrator")?.isco == "2521")
        #expect(taxonomy.occupation("backend-developer")?.russianName == "Бэкенд-разработчик")
    }

    @Test func parentsChainToTheRoot() {
        #expect(taxonomy.ancestors(of: "spring-boot") == ["spring", "java"])
        #expect(taxonomy.isAncestor("java", of: "spring-boot"))
        #expect(!taxonomy.isAncestor("spring-boot", of: "java"))
        #expect(taxonomy.ancestors(of: "java").isEmpty)
        #expect(taxonomy.children(of: "spring").contains("spring-boot"))
    }

    @Test(arguments: [
        ("Опыт разработки на джаве и питоне", ["java", "python"]),
        ("Senior Golang developer, PostgreSQL, k8s", ["go", "postgresql", "kubernetes"]),
        ("Знаю постгрес, спринг бут и JS", ["postgresql", "spring-boot", "javascript"]),
        ("Spring-Boot микросервисы", ["spring-boot", "microservices"]),
        ("React Native and React", ["react-native", "react"]),
        ("Machine learning, машинное обучение, машинным обучением", ["machine-learning"]),
        ("C#, C++, .NET, 1С:Предприятие", ["csharp", "cpp", "dotnet", "1c-enterprise"]),
        ("Node.js / nodejs", ["nodejs"]),
        ("Figma, Adobe Photoshop и фотошоп", ["figma", "photoshop"]),
        ("Ничего из этого", []),
        ("", []),
    ] as [(String, [SkillID])])
    func findsSkillsInFreeText(text: String, expected: [SkillID]) {
        #expect(taxonomy.skills(in: text) == expected)
    }

    @Test func mentionsPointAtTheOriginalText() throws {
        let text = "Опыт: Spring Boot"
        let mention = try #require(taxonomy.mentions(in: text).first)
        let utf16 = Array(text.utf16)[mention.utf16Range]
        #expect(String(decoding: utf16, as: UTF16.self) == "Spring Boot")
        #expect(mention.skill == "spring-boot")
    }

    @Test func unknownIDsAreReported() throws {
        #expect(throws: UnknownSkillsError(ids: ["cobol-2077", "kotlinn"])) {
            try taxonomy.skills(["java", "cobol-2077", "kotlinn"])
        }
        #expect(try taxonomy.skills(["java", "go"]).map(\.englishName) == ["Java", "Go"])
        #expect(taxonomy.unknownIDs(in: ["java", "nope", "nope"]) == ["nope"])
    }

    @Test func survivesJunkAndHugeText() {
        let huge = String(repeating: "питон джава ", count: 10_000)
        #expect(taxonomy.skills(in: huge) == ["python", "java"])
        let bytes = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        _ = taxonomy.skills(in: String(decoding: bytes, as: UTF8.self))
    }
}

@Suite struct SkillTaxonomyValidationTests {
    let groups = [SkillGroup(id: "language", englishName: "Languages", russianName: "Языки")]

    private func skill(_ id: SkillID, parent: SkillID? = nil, synonyms: [String] = []) -> Skill {
        Skill(id: id, englishName: id.rawValue.capitalized, russianName: id.rawValue, group: "language",
              parent: parent, synonyms: synonyms)
    }

    @Test func duplicateIDIsNamed() {
        #expect(throws: SkillTaxonomyError.duplicateSkill("java")) {
            try SkillTaxonomy(groups: groups, skills: [skill("java"), skill("go"), skill("java")])
        }
    }

    @Test func danglingParentIsNamed() {
        #expect(throws: SkillTaxonomyError.danglingParent(skill: "spring", parent: "jvm")) {
            try SkillTaxonomy(groups: groups, skills: [skill("java"), skill("spring", parent: "jvm")])
        }
    }

    @Test func cycleIsNamed() {
        #expect(throws: SkillTaxonomyError.cycle(["a", "b", "c", "a"])) {
            try SkillTaxonomy(groups: groups, skills: [skill("a", parent: "b"), skill("b", parent: "c"),
                                                       skill("c", parent: "a")])
        }
        #expect(throws: SkillTaxonomyError.cycle(["self", "self"])) {
            try SkillTaxonomy(groups: groups, skills: [skill("self", parent: "self")])
        }
    }

    @Test func spellingSharedByTwoSkillsIsNamed() {
        // "Джаве" and "джава" stem alike, so they are one spelling.
        #expect(throws: SkillTaxonomyError.ambiguousSpelling(spelling: "джаве", skills: ["java", "javascript"])) {
            try SkillTaxonomy(groups: groups, skills: [skill("java", synonyms: ["джава"]),
                                                       skill("javascript", synonyms: ["джаве"])])
        }
    }

    @Test func unknownGroupAndBadOccupationsAreNamed() {
        let stray = Skill(id: "x", englishName: "X", russianName: "Икс", group: "nowhere")
        #expect(throws: SkillTaxonomyError.unknownGroup(skill: "x", group: "nowhere")) {
            try SkillTaxonomy(groups: groups, skills: [stray])
        }
        let occupation = Occupation(id: "dev", isco: "2512", englishName: "Dev", russianName: "Разработчик",
                                    skills: ["java", "cobol"])
        #expect(throws: SkillTaxonomyError.unknownSkillInOccupation(occupation: "dev", skill: "cobol")) {
            try SkillTaxonomy(groups: groups, skills: [skill("java")], occupations: [occupation])
        }
    }

    @Test func jsonWithADuplicateFailsToLoad() {
        let json = """
        {"version": 1, "groups": [{"id": "language", "en": "Languages", "ru": "Языки"}],
         "skills": [{"id": "go", "en": "Go", "ru": "Go", "group": "language"},
                    {"id": "go", "en": "Golang", "ru": "Golang", "group": "language"}],
         "occupations": []}
        """
        #expect(throws: SkillTaxonomyError.duplicateSkill("go")) { try SkillTaxonomy(json: Data(json.utf8)) }
        #expect {
            try SkillTaxonomy(json: Data("{".utf8))
        } throws: { error in
            if case .unreadable = error as? SkillTaxonomyError { true } else { false }
        }
    }
}
