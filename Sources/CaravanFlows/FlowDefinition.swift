import Foundation

/// How a departure and a return are told from mobility data: every threshold the estimate depends on, named, so the
/// same data can be read under another definition and the difference shown. Stored as JSON (`caravan-flows-definition/1`);
/// an unknown parameter or an impossible value is refused with its name, never ignored.
public struct FlowDefinition: Codable, Hashable, Sendable {
    public static let format = "caravan-flows-definition/1"

    /// The definition's name as tables and pages show it (`default`, `un-183`, …).
    public var name: String
    /// Episodes of fewer observed days than this are roaming noise and dropped.
    public var noiseDays: Int
    /// A run of one country spanning at least this many days (first to last, inclusive) is a residence.
    public var residenceDays: Int
    /// A residence at home after one abroad counts as a return when it spans at least this many days.
    public var returnDays: Int

    public init(name: String, noiseDays: Int, residenceDays: Int, returnDays: Int) {
        self.name = name
        self.noiseDays = noiseDays
        self.residenceDays = residenceDays
        self.returnDays = returnDays
    }

    /// Caravan's default: 3 observed days to be more than roaming, 30 days to be a residence, and a return is a
    /// residence at home (30 days) after one abroad.
    public static let standard = FlowDefinition(name: "default", noiseDays: 3, residenceDays: 30, returnDays: 30)

    /// The UN handbook's rule of a usual residence: 183 days (nights) in the country.
    public static let un183 = FlowDefinition(name: "un-183", noiseDays: 3, residenceDays: 183, returnDays: 183)

    public static let presets = [standard, un183]

    /// The sensitivity grid: the default; a return needing 1, 90 or 183 days at home; the UN's 183-day residence —
    /// how far the returned share moves with the rule.
    public static let sensitivityGrid: [FlowDefinition] = [standard] + [1, 90, 183].map { days in
        var definition = standard
        definition.name = "return-\(days)d"
        definition.returnDays = days
        return definition
    } + [un183]

    /// The longest span any threshold may ask for: ten years of days.
    public static let maximumDays = 3_660

    public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
        public let parameter: String
        public let reason: String

        public var description: String { "\(parameter): \(reason)" }
    }

    /// Every impossible value, by parameter.
    public func problems() -> [Problem] {
        var problems: [Problem] = []
        if name.trimmingCharacters(in: .whitespaces).isEmpty { problems.append(Problem(parameter: "name", reason: "must not be empty")) }
        for (parameter, value) in [("noiseDays", noiseDays), ("residenceDays", residenceDays), ("returnDays", returnDays)]
        where !(1...Self.maximumDays).contains(value) {
            problems.append(Problem(parameter: parameter, reason: "must be 1 to \(Self.maximumDays) days"))
        }
        if residenceDays < noiseDays {
            problems.append(Problem(parameter: "residenceDays", reason: "must not be shorter than noiseDays"))
        }
        return problems
    }

    private struct File: Decodable {
        let format: String?
        let name: String?
        let noiseDays: Int?
        let residenceDays: Int?
        let returnDays: Int?
    }

    /// A definition file: the format line, known parameters only, whole days, values checked.
    public static func parse(_ data: Data) throws(ParseError) -> FlowDefinition {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { throw .notJSON }
        let known: Set<String> = ["format", "name", "noiseDays", "residenceDays", "returnDays"]
        let unknown = Set(object.keys).subtracting(known).sorted()
        guard unknown.isEmpty else { throw .unknownParameters(unknown) }
        // Each parameter on its own: which one is not a whole number of days is said by name.
        for key in ["noiseDays", "residenceDays", "returnDays"] {
            guard let raw = object[key] else { continue }
            guard let single = try? JSONSerialization.data(withJSONObject: [raw]), (try? JSONDecoder().decode([Int].self, from: single)) != nil else {
                throw .notWholeDays(key)
            }
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch let DecodingError.typeMismatch(_, context) {
            throw .notWholeDays(context.codingPath.first?.stringValue ?? "")
        } catch let DecodingError.dataCorrupted(context) {
            throw .notWholeDays(context.codingPath.first?.stringValue ?? "")
        } catch {
            throw .notJSON
        }
        guard file.format == format else { throw .formatUnknown }
        let definition = FlowDefinition(
            name: file.name ?? "custom", noiseDays: file.noiseDays ?? standard.noiseDays,
            residenceDays: file.residenceDays ?? standard.residenceDays, returnDays: file.returnDays ?? standard.returnDays
        )
        let problems = definition.problems()
        guard problems.isEmpty else { throw .impossible(problems) }
        return definition
    }

    public enum ParseError: Error, Hashable, Sendable {
        case notJSON
        case formatUnknown
        case unknownParameters([String])
        case notWholeDays(String)
        case impossible([Problem])
    }
}
