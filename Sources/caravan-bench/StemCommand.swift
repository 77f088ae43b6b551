import ArgumentParser
import CaravanSearch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `caravan-bench stem`: one word per line in, one stem per line out, so any vocabulary (Snowball's
/// own voc.txt/output.txt included) can be checked against our stemmers from outside.
struct StemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stem", abstract: "Stem words read one per line from standard input.")

    @Option(help: "russian or english.") var language: StemmerLanguage

    func run() throws {
        let stemmer = language.stemmer
        let out = ByteWriter(file: fdopen(1, "w"))
        // readLine is buffered by the C library; the writer batches output, so 100k lines take milliseconds.
        while let line = readLine(strippingNewline: true) {
            // A CRLF file would otherwise leave "\r" on every word.
            let word = line.hasSuffix("\r") ? String(line.dropLast()) : line
            out.raw(stemmer.stem(word))
            out.endRecord()
        }
        out.close()
    }
}

extension StemmerLanguage: ExpressibleByArgument {}
