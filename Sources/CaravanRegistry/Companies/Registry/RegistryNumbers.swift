import CaravanDomain
import Foundation

/// A tax registration reason code (КПП): the tax office's four-digit code, a two-character reason (`01`: the
/// organisation's own location; letters are allowed there since 2013) and a three-digit serial.
public struct KPP: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init?(_ raw: String) {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let characters = Array(text)
        guard characters.count == 9,
              characters[0..<4].allSatisfy({ $0.isASCII && $0.isNumber }),
              characters[4..<6].allSatisfy({ ($0.isASCII && $0.isNumber) || ("A"..."Z").contains($0) }),
              characters[6..<9].allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        value = text
    }

    public var description: String { value }
}

/// The numbers a new legal entity gets on registration.
public struct IssuedRegistryNumbers: Hashable, Sendable {
    public let ogrn: OGRN
    public let inn: INN
    public let kpp: KPP

    public init(ogrn: OGRN, inn: INN, kpp: KPP) {
        self.ogrn = ogrn
        self.inn = inn
        self.kpp = kpp
    }
}

/// Why numbers could not be issued: a part out of its range. Never wrapped or truncated — a number issued from a
/// wrong part would be someone else's.
public enum RegistryNumberError: Error, Hashable, Sendable {
    case outOfRange(part: String, value: Int)
}

/// Issues OGRN, INN and KPP with the Federal Tax Service's structure and check digits, so that every number passes
/// the same validators (`OGRN`, `INN` in CaravanDomain) that check numbers typed in.
public enum RegistryNumbers {
    /// The tax office that registers: its code is the region's two digits and the inspection's two (`7707`).
    /// The inspection may be `00`: the registers' early OGRNs carry it (Sberbank's 1027700132195).
    public struct TaxOffice: Hashable, Sendable {
        public let region: Int
        public let inspection: Int

        public init(region: Int, inspection: Int) throws(RegistryNumberError) {
            guard (1...99).contains(region) else { throw .outOfRange(part: "region", value: region) }
            guard (0...99).contains(inspection) else { throw .outOfRange(part: "inspection", value: inspection) }
            self.region = region
            self.inspection = inspection
        }

        /// `7707`.
        public var code: String { digits(region, 2) + digits(inspection, 2) }
    }

    /// The serials an OGRN and an INN have room for in a year at one office.
    public static let ogrnSerials = 0...99_999
    public static let innSerials = 0...99_999
    public static let kppSerials = 1...999

    /// OGRN of a legal entity: sign `1`, the year's last two digits, the region's code, the inspection's code, a
    /// five-digit serial of the record (positions 8–12; with the inspection's two digits the "seven-digit record
    /// number" some descriptions count), then the check digit: the first twelve digits as a number, mod 11, mod 10.
    public static func ogrn(year: Int, office: TaxOffice, serial: Int) throws(RegistryNumberError) -> OGRN {
        guard (1...9999).contains(year) else { throw .outOfRange(part: "year", value: year) }
        guard ogrnSerials.contains(serial) else { throw .outOfRange(part: "serial", value: serial) }
        let body = "1" + digits(year % 100, 2) + office.code + digits(serial, 5)
        let number = body.reduce(UInt64(0)) { $0 * 10 + UInt64($1.wholeNumberValue!) }
        // `OGRN` re-reads the digits with its own check: a number that fails it is never returned.
        guard let ogrn = OGRN(body + String(number % 11 % 10)) else { throw .outOfRange(part: "serial", value: serial) }
        return ogrn
    }

    /// INN of a legal entity: the tax office's code, a five-digit serial, and the check digit — the digits weighted
    /// 2, 4, 10, 3, 5, 9, 4, 6, 8, summed, mod 11, mod 10.
    public static func inn(office: TaxOffice, serial: Int) throws(RegistryNumberError) -> INN {
        guard innSerials.contains(serial) else { throw .outOfRange(part: "serial", value: serial) }
        let body = office.code + digits(serial, 5)
        let weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
        let check = zip(body, weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 } % 11 % 10
        guard let inn = INN(body + String(check)) else { throw .outOfRange(part: "serial", value: serial) }
        return inn
    }

    /// KPP at the company's own location: the tax office's code, reason `01`, serial `001` for the first.
    public static func kpp(office: TaxOffice, reason: String = "01", serial: Int = 1) throws(RegistryNumberError) -> KPP {
        guard kppSerials.contains(serial) else { throw .outOfRange(part: "kppSerial", value: serial) }
        guard let kpp = KPP(office.code + reason + digits(serial, 3)) else { throw .outOfRange(part: "reason", value: 0) }
        return kpp
    }

    /// All three for a company registered in `year` at `office`, the OGRN and INN from their own serials (the
    /// registry keeps one counter for each).
    public static func issue(year: Int, office: TaxOffice, ogrnSerial: Int, innSerial: Int) throws(RegistryNumberError) -> IssuedRegistryNumbers {
        IssuedRegistryNumbers(ogrn: try ogrn(year: year, office: office, serial: ogrnSerial),
                              inn: try inn(office: office, serial: innSerial), kpp: try kpp(office: office))
    }

    static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
