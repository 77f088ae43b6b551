import CaravanAllocation
@testable import CaravanServer
import Foundation
import Testing
import Vapor

/// `caravan allocation run --input FILE`: a published input reproduces its published result bit for bit; a changed
/// input is told apart by its digest; a refused input prints every problem and runs nothing.
@Suite struct AllocationCommandTests {
    static func input(seed: String = "2027-seed") -> AllocationInput {
        let programmes = (0..<6).map { i in
            AllocationInput.Programme(id: "p\(i)", university: "u\(i % 3)", districtGroup: ["moscow", "volga", "ural"][i % 3], level: "bachelor",
                                      seats: 3, ceilings: ["UZ": 2], weights: ["math": 2, "russian": 1])
        }
        let applicants = (0..<30).map { i in
            AllocationInput.Applicant(id: String(format: "a%02d", i), country: ["UZ", "TJ", "KG"][i % 3], level: "bachelor",
                                      scores: ["math": 40 + (i * 37) % 60, "russian": 50 + (i * 11) % 50],
                                      choices: ["p\(i % 6)", "p\((i + 1) % 6)", "p\((i + 2) % 6)"])
        }
        return AllocationInput(round: "2027", seed: seed, countryQuotas: ["UZ": 100, "TJ": 100, "KG": 100], programmes: programmes, applicants: applicants)
    }

    func run(_ app: Application, _ arguments: [String]) async -> (Bool, String) {
        let console = RecordingConsole()
        var context = CommandContext(console: console, input: CommandInput(arguments: ["caravan"] + arguments))
        context.application = app
        do {
            try await AllocationRunCommand().run(using: &context)
            return (true, console.lines.joined(separator: "\n"))
        } catch {
            return (false, console.lines.joined(separator: "\n") + "\n\(error)")
        }
    }

    @Test func aPublishedRoundIsReproducedAndAChangedInputIsToldApart() async throws {
        try await withTestApp { app in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("allocation-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let input = folder.appendingPathComponent("input.json"), published = folder.appendingPathComponent("result.json")
            try JSONEncoder().encode(Self.input()).write(to: input)
            let (ran, said) = await run(app, ["--input", input.path, "--output", published.path])
            #expect(ran && said.contains("input: \(Self.input().digest)") && said.contains("result: "), "\(said)")
            let (again, againSaid) = await run(app, ["--input", input.path, "--expect", published.path])
            #expect(again && againSaid.contains("same: the published result is reproduced bit for bit"), "\(againSaid)")
            // The same round with another seed is another input: the digests say so.
            let other = folder.appendingPathComponent("other.json")
            try JSONEncoder().encode(Self.input(seed: "another")).write(to: other)
            let (differs, differsSaid) = await run(app, ["--input", other.path, "--expect", published.path])
            #expect(!differs && differsSaid.contains("the input's digest is"), "\(differsSaid)")
            // A seventh choice: refused with its reason, nothing run.
            var bad = Self.input()
            bad.applicants[0].choices = ["p0", "p1", "p2", "p3", "p4", "p5", "p0"]
            let badFile = folder.appendingPathComponent("bad.json")
            try JSONEncoder().encode(bad).write(to: badFile)
            let (refused, refusedSaid) = await run(app, ["--input", badFile.path])
            #expect(!refused && refusedSaid.contains("allocation.tooManyChoices") && !refusedSaid.contains("result: "), "\(refusedSaid)")
            let (missing, missingSaid) = await run(app, ["--input", folder.appendingPathComponent("nothing.json").path])
            #expect(!missing && missingSaid.contains("cannot be read"), "\(missingSaid)")
        }
    }
}
