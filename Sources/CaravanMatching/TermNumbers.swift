import Synchronization

/// Numbers for the words vacancy titles use and the cities vacancies name, shared by every prepared vacancy
/// in the process, so a ranking compares integers where it compared Cyrillic strings (which Swift compares
/// with Unicode normalisation, and which took a fifth of a ranking).
///
/// Only vacancies add words; a candidate's side only looks words up — a word no vacancy has used has no
/// number and cannot match a title. Citizenship codes are added from both sides (a few dozen). It grows with
/// the vocabulary of titles and city names, a few thousand.
final class TermNumbers: Sendable {
    static let shared = TermNumbers()

    private let numbers = Mutex<[String: Int32]>([:])

    func number(adding word: String) -> Int32 {
        numbers.withLock { numbers in
            if let known = numbers[word] { return known }
            let next = Int32(numbers.count)
            numbers[word] = next
            return next
        }
    }

    func number(of word: String) -> Int32? {
        numbers.withLock { $0[word] }
    }

    func numbers(of words: some Sequence<String>) -> Set<Int32> {
        numbers.withLock { numbers in Set(words.compactMap { numbers[$0] }) }
    }
}
