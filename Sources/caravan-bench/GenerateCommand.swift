import ArgumentParser
import Foundation

/// `caravan-bench generate`: the synthetic corpus every benchmark runs on, identical for a given seed.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write profiles.jsonl, vacancies.jsonl and queries.txt from a seed.")

    @Option(help: "Number of specialist profiles.") var profiles = 100_000
    @Option(help: "Number of vacancies.") var vacancies = 1_000
    @Option(help: "Number of text queries (at least 300 for the benchmark).") var queries = 400
    @Option(help: "Seed: the same seed gives byte-identical files.") var seed: UInt64 = 20_220_901
    @Option(help: "Output folder (created if missing).") var out: String

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let usedIDs = Set(Roles.all.flatMap { $0.slots.flatMap(\.options.items) })
        let catalog = SkillCatalog.load(usedIDs: usedIDs)
        log("skill names: \(catalog.source)")
        if !catalog.unknownIDs.isEmpty {
            log("warning: role skills missing from the taxonomy: \(catalog.unknownIDs.joined(separator: ", "))")
        }
        let start = Date()

        let profileOut = try ByteWriter(path: out + "/profiles.jsonl")
        let profileGenerator = ProfileGenerator(seed: seed, catalog: catalog)
        for index in 0..<profiles { profileGenerator.profile(index).write(to: profileOut) }
        profileOut.close()

        let vacancyOut = try ByteWriter(path: out + "/vacancies.jsonl")
        let vacancyGenerator = VacancyGenerator(seed: seed, catalog: catalog)
        for index in 0..<vacancies { vacancyGenerator.vacancy(index).write(to: vacancyOut) }
        vacancyOut.close()

        let queryList = QueryGenerator.queries(count: queries, seed: seed, catalog: catalog)
        let queryOut = try ByteWriter(path: out + "/queries.txt")
        for query in queryList { queryOut.raw(query); queryOut.endRecord() }
        queryOut.close()
        if queryList.count < queries { log("warning: only \(queryList.count) distinct queries could be made") }

        let seconds = Date().timeIntervalSince(start)
        log("wrote \(profiles) profiles, \(vacancies) vacancies, \(queryList.count) queries to \(out) in "
            + String(format: "%.1f s", seconds))
    }
}

/// Progress and warnings go to standard error, so standard output stays machine-readable.
func log(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
