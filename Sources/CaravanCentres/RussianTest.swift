import CaravanDomain
import Foundation

/// The state test of Russian as a foreign language: its levels (mapped to CEFR), its five subtests and the pass
/// mark, as data (`Resources/trki.json`).
public struct RussianTestRules: Codable, Sendable {
    public struct Level: Codable, Sendable, Equatable {
        public let id: String
        public let name: LocalizedText
        public let cefr: CEFRLevel
    }

    public let source: String
    /// The pass mark of a subtest without its own.
    public let passMarkPercent: Int
    /// Subtests with a pass mark other than the default.
    public let passMarks: [String: Int]?
    public let subtests: [String]
    public let levels: [Level]

    public func level(_ id: String) -> Level? { levels.first { $0.id == id } }

    public func passMark(_ subtest: String) -> Int { passMarks?[subtest] ?? passMarkPercent }

    public static func bundled() throws(CentreDataError) -> RussianTestRules {
        guard let url = Bundle.module.url(forResource: "trki", withExtension: "json") else {
            throw .unreadable(file: "trki.json", reason: "missing from the bundle")
        }
        do {
            return try JSONDecoder().decode(RussianTestRules.self, from: Data(contentsOf: url))
        } catch {
            throw .unreadable(file: "trki.json", reason: "\(error)")
        }
    }

    /// A problem with one field of a result: which, and the message key's last part.
    public struct Problem: Equatable, Sendable {
        public let field: String
        public let code: String

        public init(field: String, code: String) {
            self.field = field
            self.code = code
        }
    }

    public struct Problems: Error, Equatable, Sendable {
        public let list: [Problem]
    }

    /// Scores a sitting: every subtest present and in 0…100; passed when each reaches its pass mark.
    public func score(level levelID: String, marks: [String: Int?]) -> Result<TestOutcome, Problems> {
        var problems: [Problem] = []
        let level = level(levelID)
        if level == nil { problems.append(Problem(field: "level", code: levelID.isEmpty ? "required" : "unknownLevel")) }
        var recorded: [String: Int] = [:]
        for subtest in subtests {
            switch marks[subtest] {
            case .none, .some(.none): problems.append(Problem(field: "marks.\(subtest)", code: "required"))
            case .some(.some(let mark)) where !(0...100).contains(mark): problems.append(Problem(field: "marks.\(subtest)", code: "markOutOfRange"))
            case .some(.some(let mark)): recorded[subtest] = mark
            }
        }
        for name in marks.keys where !subtests.contains(name) {
            problems.append(Problem(field: "marks.\(name)", code: "unknownSubtest"))
        }
        guard problems.isEmpty, let level else { return .failure(Problems(list: problems)) }
        let failed = subtests.filter { recorded[$0, default: 0] < passMark($0) }
        return .success(TestOutcome(level: level, marks: recorded, failedSubtests: failed))
    }
}

/// A scored sitting.
public struct TestOutcome: Sendable, Equatable {
    public let level: RussianTestRules.Level
    public let marks: [String: Int]
    /// Subtests below their pass mark, in the rules' order; empty when the test is passed.
    public let failedSubtests: [String]

    public var passed: Bool { failedSubtests.isEmpty }
}

/// Certificate numbers: `ТРКИ`-free ASCII so they can be typed anywhere — centre code, year, a serial and a
/// check digit (Luhn over the digits), e.g. `TAS-2026-000123-7`.
public enum CertificateNumber {
    public static func make(centreCode: String, year: Int, serial: Int) -> String {
        let digits = String(format: "%04d%06d", year, serial)
        return "\(centreCode)-\(year)-\(String(format: "%06d", serial))-\(luhnDigit(digits))"
    }

    /// Whether `number` is well formed and its check digit right.
    public static func isValid(_ number: String) -> Bool {
        let parts = number.split(separator: "-")
        guard parts.count == 4, parts[0].count == 3, parts[0].allSatisfy({ $0.isASCII && $0.isUppercase }),
              parts[1].count == 4, parts[2].count == 6, parts[3].count == 1,
              (parts[1] + parts[2] + parts[3]).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return false }
        return luhnDigit(String(parts[1] + parts[2])) == Int(String(parts[3]))
    }

    static func luhnDigit(_ digits: String) -> Int {
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            guard var value = character.wholeNumberValue else { continue }
            if index % 2 == 0 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return (10 - sum % 10) % 10
    }
}
