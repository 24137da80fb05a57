import Foundation

/// SASLprep (RFC 4013, the "SASLprep" profile of stringprep, RFC 3454) applied to SCRAM passwords, with
/// PostgreSQL's fallback rules (src/common/saslprep.c, `pg_saslprep`).
///
/// - A pure ASCII password is used unchanged (PostgreSQL's fast path; ASCII control characters included).
/// - Otherwise: non-ASCII spaces (table C.1.2) become U+0020, other characters of table B.1 are removed
///   (U+200B is in both tables; like PostgreSQL, the space mapping wins), the
///   result is NFKC-normalised, then checked for prohibited output (C.1.2, C.2.1, C.2.2, C.3 to C.9),
///   code points unassigned in Unicode 3.2 (A.1) and the bidirectional rule (RFC 3454 section 6).
/// - When that check fails, or the mapped string is empty, PostgreSQL (server and libpq alike) uses the
///   password's raw UTF-8 bytes instead of failing, and so does pgring.
///
/// The tables come from Python's `stringprep` module (Unicode 3.2.0). Normalisation uses Foundation's
/// NFKC, whose Unicode version is newer than PostgreSQL 15's; normalisation is stable for every code
/// point assigned in Unicode 3.2, and any other code point makes the password fall back to raw bytes,
/// so both sides agree. Tests pin verifiers that PostgreSQL 15 computed for mapped, normalised,
/// prohibited and bidirectional passwords.
public enum SASLprep {
    /// Returns the bytes SCRAM feeds to PBKDF2 for `password`: the SASLprep result when it succeeds,
    /// otherwise the raw UTF-8 bytes, exactly as PostgreSQL decides.
    public static func preparePassword(_ password: String) -> [UInt8] {
        let raw = Array(password.utf8)
        if raw.allSatisfy({ $0 < 0x80 }) {
            return raw
        }
        return prepareNonASCII(password) ?? raw
    }

    /// Runs the full SASLprep algorithm on a string with at least one non-ASCII character and returns the
    /// UTF-8 result, or `nil` when SASLprep rejects the string (prohibited output, unassigned code point,
    /// bidirectional rule) or maps it to nothing.
    static func prepareNonASCII(_ input: String) -> [UInt8]? {
        var mapped = String.UnicodeScalarView()
        for scalar in input.unicodeScalars {
            if contains(nonASCIISpaceRanges, scalar.value) {
                mapped.append(" ")
            } else if contains(mappedToNothingRanges, scalar.value) {
                continue
            } else {
                mapped.append(scalar)
            }
        }
        guard !mapped.isEmpty else { return nil }
        let normalized = String(mapped).precomposedStringWithCompatibilityMapping
        let scalars = Array(normalized.unicodeScalars)
        guard !scalars.isEmpty else { return nil }
        for scalar in scalars where contains(prohibitedOrUnassignedRanges, scalar.value) {
            return nil
        }
        guard satisfiesBidirectionalRule(scalars) else { return nil }
        return Array(normalized.utf8)
    }

    /// RFC 3454 section 6: a string with any RandALCat character must contain no LCat character and must
    /// start and end with a RandALCat character.
    static func satisfiesBidirectionalRule(_ scalars: [Unicode.Scalar]) -> Bool {
        let hasRandALCat = scalars.contains { contains(randALCatRanges, $0.value) }
        guard hasRandALCat else { return true }
        if scalars.contains(where: { contains(lCatRanges, $0.value) }) {
            return false
        }
        guard let first = scalars.first, let last = scalars.last else { return false }
        return contains(randALCatRanges, first.value) && contains(randALCatRanges, last.value)
    }

    /// Binary search of `value` in a flat table of sorted, inclusive (lower, upper) pairs.
    static func contains(_ table: [UInt32], _ value: UInt32) -> Bool {
        var low = 0
        var high = table.count / 2
        while low < high {
            let middle = low + (high - low) / 2
            let lower = table[2 * middle]
            let upper = table[2 * middle + 1]
            if value < lower {
                high = middle
            } else if value > upper {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }
}
