import CaravanFlows
@testable import CaravanServer
import Fluent
import Foundation
import Testing
import Vapor

/// `caravan flows sensitivity`: the same data under the grid of definitions, small counts suppressed (their shares
/// too); a bad line named by its number and nothing counted; a definition file with an unknown parameter refused.
@Suite struct FlowsCommandTests {
    func run(_ app: Application, _ arguments: [String]) async -> (Bool, String) {
        let console = RecordingConsole()
        var context = CommandContext(console: console, input: CommandInput(arguments: ["caravan"] + arguments))
        context.application = app
        do {
            try await FlowsSensitivityCommand().run(using: &context)
            return (true, console.lines.joined(separator: "\n"))
        } catch {
            return (false, console.lines.joined(separator: "\n") + "\n\(error)")
        }
    }

    @Test func theGridShowsHowTheReturnedShareMovesAndBadInputIsRefused() async throws {
        try await withTestApp { app in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flows-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            // 40 stay, 40 leave for good, 40 leave and come back for 60 days: all observed daily for 300 days.
            var lines = ["sub,day,country,cnt"]
            for sub in 1...120 {
                for day in 0..<300 {
                    var country = "UZ"
                    if sub > 40 && day >= 100 { country = "RU" }
                    if sub > 80 && day >= 240 { country = "UZ" }
                    let date = Calendar(identifier: .gregorian).date(byAdding: .day, value: day, to: Date(timeIntervalSince1970: 1_735_689_600))!
                    let text = ISO8601DateFormatter.string(from: date, timeZone: .gmt, formatOptions: [.withFullDate])
                    lines.append("\(sub),\(text),\(country),3")
                }
            }
            let events = folder.appendingPathComponent("events.csv")
            try lines.joined(separator: "\n").write(to: events, atomically: true, encoding: .utf8)
            let (ok, output) = await run(app, ["--input", events.path, "--home", "UZ"])
            #expect(ok, "\(output)")
            #expect(output.contains("subscribers: 120"))
            // A return of 60 days counts when it needs 30, not when it needs 90: the returned share moves from a third to none.
            let blocks = output.components(separatedBy: "\n\n")
            let standard = try #require(blocks.first { $0.hasPrefix("default") })
            #expect(standard.contains("returned: 40  33.3 %") && standard.contains("departed: 40  33.3 %"), "\(standard)")
            #expect(standard.contains("returned of those who left: 50.0 %"), "\(standard)")
            let strict = try #require(blocks.first { $0.hasPrefix("return-90d") })
            #expect(strict.contains("returned: ≤15  (not shown: ≤15)") && strict.contains("departed: 80"), "\(strict)")

            // Published on the observatory with its source, or refused without one (nothing published).
            let (unsourced, why) = await run(app, ["--input", events.path, "--home", "UZ", "--publish"])
            #expect(!unsourced && why.contains("--publish needs --source"), "\(why)")
            #expect(try await FlowEstimate.query(on: app.db).count() == 0)
            let (published, said) = await run(app, ["--input", events.path, "--home", "UZ", "--publish", "--source", "a test file"])
            #expect(published && said.contains("published on the observatory"), "\(said)")
            let estimate = try #require(try await FlowEstimate.query(on: app.db).first())
            #expect(estimate.subscribers == 120 && estimate.source == "a test file" && estimate.readings.count == FlowDefinition.sensitivityGrid.count)
            #expect(estimate.readings.first { $0.name == "default" }?.counts["returned"] == 40)
            let page = try await WebClient(app, acceptLanguage: "en").get("/observatory")
            #expect(page.text.contains("a test file") && page.text.contains("50.0"), "the default's 40 of 80 came back")

            let bad = folder.appendingPathComponent("bad.csv")
            try "sub,day,country,cnt\n1,2025-01-01,UZ,3\nx,2025-01-02,UZ,1\n".write(to: bad, atomically: true, encoding: .utf8)
            let (refused, message) = await run(app, ["--input", bad.path, "--home", "UZ"])
            #expect(!refused && message.contains("line 3: sub is not a 64-bit number") && message.contains("nothing was counted"), "\(message)")
            let definition = folder.appendingPathComponent("definition.json")
            try #"{"format":"caravan-flows-definition/1","returnDay":90}"#.write(to: definition, atomically: true, encoding: .utf8)
            let (unknown, answer) = await run(app, ["--input", events.path, "--home", "UZ", "--definition", definition.path])
            #expect(!unknown && answer.contains("unknown parameter(s): returnDay"), "\(answer)")
            let (home, wrong) = await run(app, ["--input", events.path, "--home", "Uzbekistan"])
            #expect(!home && wrong.contains("--home must be a two-letter country code"))
        }
    }
}
