extension CandidatePool {
    /// A candidate's scalars in 64 bits, kept beside each of its postings, so a ranking can rule most holders
    /// of a skill out while it reads the skill's lists in order, before it touches the candidate's own row
    /// (a cache miss each, which is what a ranking otherwise spends its time on).
    ///
    /// Packing only ever rounds in the candidate's favour — years up to a whole year, the salary down to a
    /// thousand, a city or citizenship beyond 16 bits of numbering as a match — so a candidate these traits
    /// rule out, its full score rules out too. Unpacked, they answer `MatchTraits`, and the same rules
    /// (hard constraints, experience, Russian, salary, location) run on them.
    ///
    /// Layout, low bits first: Russian level (3), open to remote (1), will relocate (1), salary known (1),
    /// years (8, 255 = more), salary in thousands (16), city key (16), citizenship number (16).
    struct Traits: MatchTraits {
        static let unnumbered: UInt64 = 0xFFFF
        static let manyYears: UInt64 = 0xFF

        let yearsOfExperience: Double
        let russian: LanguageLevel?
        let expectedSalary: Int?
        let openToRemote: Bool
        let willingToRelocate: Bool
        /// Whether the candidate lives in the vacancy's city, as far as the bits tell (unnumbered: yes).
        let livesInVacancyCity: Bool
        /// The citizenship's `TermNumbers` number; nil when it did not fit (then it counts as eligible).
        let citizenshipNumber: Int32?

        // Only reasons read these, and the rules run on traits with `NoReasons`.
        var citizenship: String { "" }
        var city: String { "" }

        func holdsCitizenship(in eligible: [Int32]) -> Bool { citizenshipNumber.map(eligible.contains) ?? true }
        func livesIn(_ vacancy: PreparedVacancy) -> Bool { livesInVacancyCity }

        static func pack(_ candidate: CandidateProfile, cityKey: Int32, citizenship: Int32) -> UInt64 {
            let years = candidate.yearsOfExperience
            let wholeYears = years.isNaN || years >= Double(manyYears) ? manyYears : UInt64(max(0, years.rounded(.up)))
            let thousands = candidate.expectedSalary.map { UInt64(min(max(0, $0) / 1000, 0xFFFF)) } ?? 0
            var bits = UInt64(candidate.russian?.rawValue ?? 0)
            if candidate.openToRemote { bits |= 1 << 3 }
            if candidate.willingToRelocate { bits |= 1 << 4 }
            if candidate.expectedSalary != nil { bits |= 1 << 5 }
            bits |= wholeYears << 6
            bits |= thousands << 14
            bits |= (cityKey >= 0 && cityKey < unnumbered ? UInt64(cityKey) : unnumbered) << 30
            bits |= (citizenship >= 0 && citizenship < unnumbered ? UInt64(citizenship) : unnumbered) << 46
            return bits
        }

        /// The traits in `bits`, seen from a vacancy whose city has `cityKey` in this pool (nil: no one here lives there).
        init(_ bits: UInt64, vacancyCity cityKey: Int32?) {
            let wholeYears = Self.years(bits)
            yearsOfExperience = wholeYears == Self.manyYears ? .infinity : Double(wholeYears)
            russian = LanguageLevel(rawValue: Int(bits & 7))
            expectedSalary = Self.salary(bits)
            openToRemote = bits & (1 << 3) != 0
            willingToRelocate = bits & (1 << 4) != 0
            livesInVacancyCity = Self.livesIn(bits, vacancyCity: cityKey)
            let citizenship = Self.citizenship(bits)
            citizenshipNumber = citizenship == Self.unnumbered ? nil : Int32(citizenship)
        }

        /// Traits made up to tabulate one rule over its few inputs; the rest at their most favourable.
        init(years: Double = .infinity, russian: LanguageLevel? = .c2, remote: Bool = true, relocate: Bool = true,
             sameCity: Bool = true) {
            yearsOfExperience = years
            self.russian = russian
            expectedSalary = nil
            openToRemote = remote
            willingToRelocate = relocate
            livesInVacancyCity = sameCity
            citizenshipNumber = nil
        }

        @inline(__always) static func years(_ bits: UInt64) -> UInt64 { (bits >> 6) & manyYears }
        @inline(__always) static func russianLevel(_ bits: UInt64) -> Int { Int(bits & 7) }
        /// The expected salary rounded down to a thousand; nil when the candidate gave none.
        @inline(__always) static func salary(_ bits: UInt64) -> Int? {
            bits & (1 << 5) != 0 ? Int((bits >> 14) & 0xFFFF) * 1000 : nil
        }
        /// The citizenship's number, `unnumbered` when it did not fit.
        @inline(__always) static func citizenship(_ bits: UInt64) -> UInt64 { (bits >> 46) & unnumbered }

        /// Remote, relocation and same city as three bits: the index of a location table.
        @inline(__always) static func placeIndex(_ bits: UInt64, vacancyCity cityKey: Int32?) -> Int {
            Int((bits >> 3) & 3) | (livesIn(bits, vacancyCity: cityKey) ? 4 : 0)
        }

        @inline(__always) static func livesIn(_ bits: UInt64, vacancyCity cityKey: Int32?) -> Bool {
            let city = (bits >> 30) & unnumbered
            return city == unnumbered || cityKey.map { UInt64($0) == city } ?? false
        }
    }
}
