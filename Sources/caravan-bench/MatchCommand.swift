import ArgumentParser
import CaravanMatching
import Foundation

/// `caravan-bench match`: top-20 candidates for each of the generated vacancies over N generated profiles,
/// through the pool's inverted skill index with pruning, timed on one core; and the same ranking by the
/// exhaustive reference (every profile scored), which the pruned result must equal exactly.
struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Top-20 candidates per vacancy over N profiles: pruned latency, checked against an exhaustive scan.")

    @Option(help: "Number of specialist profiles.") var profiles = 1_000_000
    @Option(help: "Number of vacancies to rank candidates for (at least 300 for the benchmark).") var vacancies = 400
    @Option(help: "Seed: the same seed gives the same market (the same as `generate`).") var seed: UInt64 = 20_220_901
    @Option(help: "Candidates per vacancy.") var limit = 20
    @Option(help: "Timed runs of every vacancy (after one warm-up run); a vacancy's time is their median.")
    var repeats = 3
    @Option(help: "Where to write the figures.") var output = "bench-results/match.json"
    @Option(help: "Also write one line per vacancy, slowest first: its median time and what it asks for.")
    var explain: String?

    func run() throws {
        let usedIDs = Set(Roles.all.flatMap { $0.slots.flatMap(\.options.items) })
        let catalog = SkillCatalog.load(usedIDs: usedIDs)
        let taxonomy = try SkillTaxonomy.bundled()
        let matcher = Matcher(taxonomy: taxonomy)

        let baseline = ProcessMemory.read()
        let pool = CandidatePool(taxonomy: taxonomy)
        let generator = ProfileGenerator(seed: seed, catalog: catalog)
        var buildNanoseconds: UInt64 = 0
        for index in 0..<profiles {
            let candidate = Self.candidate(generator.profile(index))
            let start = monotonicNanoseconds()
            pool.add(candidate)
            buildNanoseconds += monotonicNanoseconds() - start
        }
        let memory = ProcessMemory.read()
        let buildSeconds = Double(buildNanoseconds) / 1e9
        log("pooled \(pool.count) profiles in " + String(format: "%.2f s", buildSeconds))

        let vacancyGenerator = VacancyGenerator(seed: seed, catalog: catalog)
        let openings = (0..<vacancies).map { Self.vacancy(vacancyGenerator.vacancy($0)) }

        var pruned = [[UInt64]](repeating: [], count: openings.count)
        var results = [[MatchResult]](repeating: [], count: openings.count)
        for run in 0...repeats {
            for (position, vacancy) in openings.enumerated() {
                let start = monotonicNanoseconds()
                let found = try matcher.candidates(for: vacancy, in: pool, limit: limit)
                let elapsed = monotonicNanoseconds() - start
                if run > 0 { pruned[position].append(elapsed) }
                if run == repeats { results[position] = found }
            }
        }

        var exhaustive: [UInt64] = []
        var identical = 0
        var firstDifference: String?
        for (position, vacancy) in openings.enumerated() {
            let start = monotonicNanoseconds()
            let reference = try matcher.candidatesExhaustively(for: vacancy, in: pool, limit: limit)
            exhaustive.append(monotonicNanoseconds() - start)
            if reference == results[position] {
                identical += 1
            } else if firstDifference == nil {
                firstDifference = "\(vacancy.id): pruned \(results[position].map(\.id)) vs exhaustive \(reference.map(\.id))"
            }
        }
        if let firstDifference { log("warning: pruned and exhaustive differ, first at \(firstDifference)") }

        let medians = pruned.map(Latency.median)
        let figures: [(String, Any)] = [
            ("match_profiles", pool.count), ("match_vacancies", openings.count), ("match_limit", limit),
            ("match_top20_p50_ms", Latency.percentileMS(medians, 50)),
            ("match_top20_p99_ms", Latency.percentileMS(medians, 99)),
            ("match_top20_max_ms", Latency.percentileMS(medians, 100)),
            ("match_exhaustive_p50_ms", Latency.percentileMS(exhaustive, 50)),
            ("match_exhaustive_p99_ms", Latency.percentileMS(exhaustive, 99)),
            ("match_pruned_equals_exhaustive", "\(identical)/\(openings.count)"),
            ("match_pool_build_profiles_per_s", (Double(pool.count) / max(buildSeconds, 1e-9)).rounded()),
            ("match_rss_mb", memory?.rssMB ?? -1), ("match_rss_before_pool_mb", baseline?.rssMB ?? -1),
        ]
        var json: [String: Any] = ["seed": seed, "repeats": repeats]
        for (name, value) in figures {
            json[name] = value
            print("\(name): \(Figures.format(value))")
        }
        try Figures.write(json, to: output)
        log("wrote \(output)")
        if let explain {
            let lines = zip(openings, medians).sorted { $0.1 > $1.1 }.map { vacancy, median in
                String(format: "%.3f ms\t", Double(median) / 1e6) + Self.describe(vacancy)
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: explain, atomically: true, encoding: .utf8)
            log("wrote \(explain)")
        }
        if identical != openings.count { throw BenchError("the pruned ranking differs from the exhaustive one") }
    }

    /// What a vacancy asks for, on one line: required skills with levels, nice-to-have ones and the constraints.
    static func describe(_ vacancy: VacancyProfile) -> String {
        let required = vacancy.required.map { "\($0.skill.rawValue):\($0.level.rawValue)" }.joined(separator: ",")
        let nice = vacancy.niceToHave.map(\.rawValue).joined(separator: ",")
        return "\(vacancy.id)\trequired \(required)\tnice \(nice)\tyears \(vacancy.minimumYears)"
            + "\trussian \(vacancy.minimumRussian?.code ?? "-")\tcity \(vacancy.city)"
            + "\t\(vacancy.workPlace.rawValue)\trelocation \(vacancy.relocationSupport)"
            + "\tcitizenships \(vacancy.eligibleCitizenships.map { $0.sorted().joined(separator: ",") } ?? "any")"
    }

    /// A generated specialist in the matcher's terms, as the server's adapter makes one from a profile
    /// (the headline goes in front of the summary).
    static func candidate(_ record: ProfileRecord) -> CandidateProfile {
        CandidateProfile(
            id: record.id,
            skills: zip(record.skillIDs, record.skillLevels).map {
                SkillClaim(SkillID($0.0), SkillLevel(rawValue: $0.1) ?? .intermediate)
            },
            yearsOfExperience: Double(record.years), russian: LanguageLevel(rawValue: record.russianLevel),
            expectedSalary: record.salary, citizenship: record.citizenship, city: record.city,
            openToRemote: record.remote, willingToRelocate: record.relocation,
            summary: record.title + " " + record.summary)
    }

    static func vacancy(_ record: VacancyRecord) -> VacancyProfile {
        VacancyProfile(
            id: record.id, title: record.title,
            required: record.required.map { SkillClaim(SkillID($0.skill), SkillLevel(rawValue: $0.level) ?? .intermediate) },
            niceToHave: record.niceToHave.map { SkillID($0) }, minimumYears: Double(record.minimumYears),
            minimumRussian: record.minimumRussian.flatMap(LanguageLevel.init(rawValue:)),
            salaryMax: record.salaryMax, city: record.city, workPlace: WorkPlace(rawValue: record.workPlace) ?? .onSite,
            relocationSupport: record.relocationSupport, eligibleCitizenships: record.eligibleCitizenships.map(Set.init))
    }
}
