import CaravanAllocation
import Foundation
import Vapor

/// `caravan allocation run --input FILE`: runs the grant allocation on a published (anonymised) input file and
/// prints the input's digest, the code's version and the result's digest; `--expect` compares with a published
/// result file and says, when they differ, whether the input, the seed, the code or the result differs. Exit 1 on a
/// difference or a refused input (every problem printed).
struct AllocationCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["run": AllocationRunCommand(), "sample": AllocationSampleCommand()]
    var help: String { "Grant allocation: re-runs a published round from its input." }
}

struct AllocationRunCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "input", help: "The published input (caravan-allocation-input/1 JSON).")
        var input: String?
        @Option(name: "expect", help: "A published result (caravan-allocation-result/1 JSON) to compare with.")
        var expect: String?
        @Option(name: "output", help: "Where to write the result (JSON).")
        var output: String?
        init() {}
    }

    var help: String { "Runs the allocation on a published input and prints the digests (and compares with a published result)." }

    static let maximumBytes = 256 * 1_048_576

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let path = signature.input else { throw Failed(description: "invalid: --input FILE is required") }
        let input = try Self.read(AllocationInput.self, from: path)
        let result: AllocationResult
        do {
            (result, _, _) = try Allocation.run(input)
        } catch .invalid(let problems) {
            for problem in problems.prefix(50) { context.console.error("refused: \(problem)") }
            throw Failed(description: "invalid: the input breaks \(problems.count) rule(s); nothing was run")
        }
        context.console.print("input: \(result.inputDigest)")
        context.console.print("code: \(result.codeVersion)")
        context.console.print("placed: \(result.placements.filter { $0.programme != nil }.count) of \(result.placements.count)")
        context.console.print("result: \(result.digest)")
        if let output = signature.output {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            try encoder.encode(result).write(to: URL(fileURLWithPath: output))
        }
        if let expected = signature.expect {
            let published = try Self.read(AllocationResult.self, from: expected)
            if published.inputDigest != result.inputDigest {
                throw Failed(description: "different: the input's digest is \(result.inputDigest), the published run's \(published.inputDigest) — not the same input")
            }
            if published.seed != result.seed { throw Failed(description: "different: the seed differs") }
            if published.codeVersion != result.codeVersion {
                throw Failed(description: "different: the published run used \(published.codeVersion), this is \(result.codeVersion)")
            }
            guard published.digest == result.digest, published == result else {
                throw Failed(description: "different: the same input gives result \(result.digest), the published one is \(published.digest)")
            }
            context.console.print("same: the published result is reproduced bit for bit")
        }
    }

    static func read<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        let url = URL(fileURLWithPath: path)
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        guard size <= maximumBytes, let data = FileManager.default.contents(atPath: url.path) else {
            throw Failed(description: "invalid: \(path) cannot be read" + (size > maximumBytes ? " (over 256 MB)" : ""))
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw Failed(description: "invalid: \(path) is not a \(T.self == AllocationInput.self ? AllocationInput.format : AllocationResult.format) file")
        }
    }
}

/// `caravan allocation sample --output FILE`: writes a generated round in the published input format (40
/// universities, 300 programmes, 5,000 applicants by default; nobody in it is real) to try `run` on.
struct AllocationSampleCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "output", help: "Where to write the input (JSON).")
        var output: String?
        @Option(name: "applicants", help: "How many applicants (default 5000).")
        var applicants: Int?
        @Option(name: "seed", help: "The generator's seed (default 2027).")
        var seed: UInt64?
        init() {}
    }

    var help: String { "Writes a generated grant round (published input format) to re-run with `allocation run`." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let path = signature.output else { throw AllocationRunCommand.Failed(description: "invalid: --output FILE is required") }
        let applicants = signature.applicants ?? 5_000
        guard (1...1_000_000).contains(applicants) else { throw AllocationRunCommand.Failed(description: "invalid: --applicants from 1 to 1000000") }
        let input = SampleRound.input(applicants: applicants, seed: signature.seed ?? 2027)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(input).write(to: URL(fileURLWithPath: path))
        context.console.print("wrote \(path): \(input.programmes.count) programmes, \(input.applicants.count) applicants; input \(input.digest)")
    }
}
