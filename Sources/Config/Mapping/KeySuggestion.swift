/// "Did you mean …?" for misspelt keys and enum values: the closest candidate by edit distance.
enum KeySuggestion {
    /// The candidate closest to `word` when it is close enough to be a plausible typo
    /// (at most 2 edits, and fewer edits than half the word's length), else nil.
    static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        var best: (candidate: String, distance: Int)? = nil
        for candidate in candidates {
            let distance = editDistance(word, candidate)
            if distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        guard let best, best.distance <= 2, best.distance * 2 < max(word.count, best.candidate.count) else {
            return nil
        }
        return best.candidate
    }

    /// Levenshtein distance (insertions, deletions, substitutions; case differences count as substitutions).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased())
        let b = Array(b.lowercased())
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
