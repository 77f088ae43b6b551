/// Words too common to help a search, dropped before stemming.
///
/// The lists are the Snowball project's stop lists for Russian and English (snowballstem.org,
/// BSD licence), with one change for Caravan: English "it" is kept, because "IT" is what this
/// product is about ("IT-специалист", "IT jobs") and must stay searchable.
public struct StopWords: Sendable {
    private let russian: Set<Scalars>
    private let english: Set<Scalars>

    /// Words are folded like tokens (lowercase, ё → е, one apostrophe), so lists may be written naturally.
    public init(russian: some Sequence<String>, english: some Sequence<String>) {
        self.russian = Set(russian.map { $0.scalarValues.map(Folding.fold) })
        self.english = Set(english.map { $0.scalarValues.map(Folding.fold) })
    }

    /// Whether `word` (already folded, as `Token.text` is) is a stop word in `language`.
    public func contains(_ word: String, language: StemmerLanguage) -> Bool {
        contains(word.scalarValues, language: language)
    }

    func contains(_ word: Scalars, language: StemmerLanguage) -> Bool {
        switch language {
        case .russian: russian.contains(word)
        case .english: english.contains(word)
        }
    }

    public static let standard = StopWords(russian: russianList, english: englishList)

    /// No stop words at all, for callers that want every token.
    public static let none = StopWords(russian: [String](), english: [String]())

    static let russianList = [
        "и", "в", "во", "не", "что", "он", "на", "я", "с", "со", "как", "а", "то", "все", "она", "так", "его",
        "но", "да", "ты", "к", "у", "же", "вы", "за", "бы", "по", "только", "ее", "мне", "было", "вот", "от",
        "меня", "еще", "нет", "о", "из", "ему", "теперь", "когда", "даже", "ну", "вдруг", "ли", "если", "уже",
        "или", "ни", "быть", "был", "него", "до", "вас", "нибудь", "опять", "уж", "вам", "сказал", "ведь", "там",
        "потом", "себя", "ничего", "ей", "может", "они", "тут", "где", "есть", "надо", "ней", "для", "мы",
        "тебя", "их", "чем", "была", "сам", "чтоб", "без", "будто", "человек", "чего", "раз", "тоже", "себе",
        "под", "жизнь", "будет", "ж", "тогда", "кто", "этот", "говорил", "того", "потому", "этого", "какой",
        "совсем", "ним", "здесь", "этом", "один", "почти", "мой", "тем", "чтобы", "нее", "кажется", "сейчас",
        "были", "куда", "зачем", "сказать", "всех", "никогда", "сегодня", "можно", "при", "наконец", "два",
        "об", "другой", "хоть", "после", "над", "больше", "тот", "через", "эти", "нас", "про", "всего", "них",
        "какая", "много", "разве", "сказала", "три", "эту", "моя", "впрочем", "хорошо", "свою", "этой",
        "перед", "иногда", "лучше", "чуть", "том", "нельзя", "такой", "им", "более", "всегда", "конечно",
        "всю", "между",
    ]

    static let englishList = [
        "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours", "yourself",
        "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself", "its", "itself",
        "they", "them", "their", "theirs", "themselves", "what", "which", "who", "whom", "this", "that",
        "these", "those", "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had",
        "having", "do", "does", "did", "doing", "would", "should", "could", "ought",
        "i'm", "you're", "he's", "she's", "it's", "we're", "they're", "i've", "you've", "we've", "they've",
        "i'd", "you'd", "he'd", "she'd", "we'd", "they'd", "i'll", "you'll", "he'll", "she'll", "we'll",
        "they'll", "isn't", "aren't", "wasn't", "weren't", "hasn't", "haven't", "hadn't", "doesn't", "don't",
        "didn't", "won't", "wouldn't", "shan't", "shouldn't", "can't", "cannot", "couldn't", "mustn't",
        "let's", "that's", "who's", "what's", "here's", "there's", "when's", "where's", "why's", "how's",
        "a", "an", "the", "and", "but", "if", "or", "because", "as", "until", "while", "of", "at", "by",
        "for", "with", "about", "against", "between", "into", "through", "during", "before", "after",
        "above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over", "under", "again",
        "further", "then", "once", "here", "there", "when", "where", "why", "how", "all", "any", "both",
        "each", "few", "more", "most", "other", "some", "such", "no", "nor", "not", "only", "own", "same",
        "so", "than", "too", "very",
    ]
}
