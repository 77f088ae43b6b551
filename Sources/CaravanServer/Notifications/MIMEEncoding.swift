import Foundation

/// The encodings an e-mail needs to travel as 7-bit lines of at most 76 characters (RFC 2045, RFC 2047, RFC 5322).
enum MIMEEncoding {
    /// The longest line an encoded body or header word may have (RFC 2045 §6.7, RFC 2047 §2).
    static let lineLength = 76

    /// Quoted-printable: text with CRLF line breaks, every line at most 76 characters (soft breaks end in `=`).
    static func quotedPrintable(_ text: String) -> String {
        normalizedLines(text).map(quotedPrintableLine).joined(separator: "\r\n")
    }

    /// One line of text (no line break in it) as one or more quoted-printable lines.
    private static func quotedPrintableLine(_ line: Substring) -> String {
        let bytes = Array(line.utf8)
        var lines: [String] = []
        var current = ""
        for (index, byte) in bytes.enumerated() {
            let last = index == bytes.count - 1
            let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 0x20 || byte == 0x09) && !last)
            let piece = literal ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
            // Room is kept for the soft break's `=`; the last piece of the line needs none.
            let room = last ? lineLength : lineLength - 1
            if current.count + piece.count > room {
                lines.append(current + "=")
                current = ""
            }
            current += piece
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }

    /// A text part's body and its `Content-Transfer-Encoding`: quoted-printable while it stays readable (mostly
    /// ASCII, as English is), base64 once it would not (Cyrillic triples in quoted-printable, grows a third in base64).
    static func textBody(_ text: String) -> (encoding: String, body: String) {
        let bytes = text.utf8
        let nonASCII = bytes.lazy.filter { $0 >= 0x80 }.count
        if nonASCII * 6 <= bytes.count { return ("quoted-printable", quotedPrintable(text)) }
        let crlf = normalizedLines(text).joined(separator: "\r\n")
        return ("base64", base64Lines(Data(crlf.utf8)))
    }

    /// Base64 in lines of 76 characters, CRLF between them.
    static func base64Lines(_ data: Data) -> String {
        // Cut here rather than by Foundation's line options, whose line endings differ between platforms.
        let encoded = Array(data.base64EncodedString().utf8)
        return stride(from: 0, to: encoded.count, by: lineLength)
            .map { String(decoding: encoded[$0..<min($0 + lineLength, encoded.count)], as: UTF8.self) }
            .joined(separator: "\r\n")
    }

    /// A header value as it may stand: plain when it is short printable ASCII, otherwise RFC 2047 encoded words
    /// (UTF-8, base64) folded onto continuation lines, never splitting a character (a Unicode scalar) between two words.
    static func headerText(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        let printable = flat.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
        if printable, flat.utf8.count <= 60, !flat.contains("=?") { return flat }
        return encodedWords(flat).joined(separator: "\r\n ")
    }

    /// `=?UTF-8?B?…?=` words of 39 bytes of text (52 of base64, 64 in all), so even the first, after `Subject: `,
    /// keeps its line within 76 characters.
    static func encodedWords(_ text: String) -> [String] {
        let maximumBytes = 39
        var words: [String] = []
        var chunk = Data()
        for scalar in text.unicodeScalars {
            let bytes = Data(String(scalar).utf8)
            if !chunk.isEmpty, chunk.count + bytes.count > maximumBytes {
                words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=")
                chunk = Data()
            }
            chunk.append(bytes)
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=") }
        return words
    }

    /// A date as RFC 5322 writes it: `Sun, 06 Dec 2026 15:40:33 +0000`.
    static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    /// The lines of a text whatever its line breaks (CRLF, LF or CR).
    static func normalizedLines(_ text: String) -> [Substring] {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
    }
}
