/// The records the generator writes, one JSON object per line. Field names are snake_case, as the
/// Python peer and any other consumer read them; `title`, `skills` and `summary` are the text fields.
struct ProfileRecord {
    var id: String
    var name: String
    var gender: String
    var citizenship: String
    var country: String
    var city: String
    var role: String
    var isco: String
    var level: String
    var years: Int
    /// CEFR 1 (A1) … 6 (C2).
    var russianLevel: Int
    var salary: Int
    var relocation: Bool
    var remote: Bool
    /// Days since 1970-01-01.
    var availableFrom: Int
    var language: String
    var title: String
    var skills: String
    var skillIDs: [String]
    /// SkillLevel raw values (1 beginner … 4 expert), parallel to `skillIDs`.
    var skillLevels: [Int]
    var summary: String

    func write(to out: ByteWriter) {
        out.byte(UInt8(ascii: "{"))
        out.key("id", first: true); out.jsonString(id)
        out.key("title"); out.jsonString(title)
        out.key("skills"); out.jsonString(skills)
        out.key("summary"); out.jsonString(summary)
        out.key("name"); out.jsonString(name)
        out.key("gender"); out.jsonString(gender)
        out.key("citizenship"); out.jsonString(citizenship)
        out.key("country"); out.jsonString(country)
        out.key("city"); out.jsonString(city)
        out.key("role"); out.jsonString(role)
        out.key("isco"); out.jsonString(isco)
        out.key("level"); out.jsonString(level)
        out.key("years"); out.int(years)
        out.key("russian_level"); out.int(russianLevel)
        out.key("salary"); out.int(salary)
        out.key("relocation"); out.bool(relocation)
        out.key("remote"); out.bool(remote)
        out.key("available_from"); out.int(availableFrom)
        out.key("language"); out.jsonString(language)
        out.key("skill_ids"); writeArray(skillIDs, to: out)
        out.key("skill_levels"); writeArray(skillLevels, to: out)
        out.byte(UInt8(ascii: "}"))
        out.endRecord()
    }
}

struct VacancyRecord {
    var id: String
    var title: String
    var role: String
    var isco: String
    var city: String
    /// "onSite", "hybrid" or "remote", as `WorkPlace` spells it.
    var workPlace: String
    var relocationSupport: Bool
    var required: [(skill: String, level: Int)]
    var niceToHave: [String]
    var minimumYears: Int
    /// CEFR 1…6, or nil when the employer states none.
    var minimumRussian: Int?
    var salaryMax: Int
    var eligibleCitizenships: [String]?
    var description: String

    func write(to out: ByteWriter) {
        out.byte(UInt8(ascii: "{"))
        out.key("id", first: true); out.jsonString(id)
        out.key("title"); out.jsonString(title)
        out.key("description"); out.jsonString(description)
        out.key("role"); out.jsonString(role)
        out.key("isco"); out.jsonString(isco)
        out.key("city"); out.jsonString(city)
        out.key("work_place"); out.jsonString(workPlace)
        out.key("relocation_support"); out.bool(relocationSupport)
        out.key("required")
        out.byte(UInt8(ascii: "["))
        for (index, claim) in required.enumerated() {
            if index > 0 { out.byte(UInt8(ascii: ",")) }
            out.byte(UInt8(ascii: "{"))
            out.key("skill", first: true); out.jsonString(claim.skill)
            out.key("level"); out.int(claim.level)
            out.byte(UInt8(ascii: "}"))
        }
        out.byte(UInt8(ascii: "]"))
        out.key("nice_to_have"); writeArray(niceToHave, to: out)
        out.key("minimum_years"); out.int(minimumYears)
        out.key("minimum_russian")
        if let minimumRussian { out.int(minimumRussian) } else { out.raw("null") }
        out.key("salary_max"); out.int(salaryMax)
        out.key("eligible_citizenships")
        if let eligibleCitizenships { writeArray(eligibleCitizenships, to: out) } else { out.raw("null") }
        out.byte(UInt8(ascii: "}"))
        out.endRecord()
    }
}

private func writeArray(_ values: [String], to out: ByteWriter) {
    out.byte(UInt8(ascii: "["))
    for (index, value) in values.enumerated() {
        if index > 0 { out.byte(UInt8(ascii: ",")) }
        out.jsonString(value)
    }
    out.byte(UInt8(ascii: "]"))
}

private func writeArray(_ values: [Int], to out: ByteWriter) {
    out.byte(UInt8(ascii: "["))
    for (index, value) in values.enumerated() {
        if index > 0 { out.byte(UInt8(ascii: ",")) }
        out.int(value)
    }
    out.byte(UInt8(ascii: "]"))
}
